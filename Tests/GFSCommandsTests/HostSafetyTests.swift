import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// Nothing is lost or left to chance: a key's secret has somewhere to go before the key is
/// created, and a push whose files would overwrite each other is refused before it starts.
@Suite(.serialized) struct HostSafetyTests {
    func tokens(_ harness: SandboxHarness) async throws -> [String] {
        var names: [String] = []
        for account in try await harness.adminClient().searchServiceAccounts().serviceAccounts {
            names += try await harness.adminClient().serviceAccountTokens(serviceAccountID: account.id).map(\.name)
        }
        return names
    }

    @Test func anUnwritableSavePathFailsBeforeTheKeyIsCreated() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let outcome = await harness.run("key create lost admin --save /nonexistent/dir/tok")
        let diagnostic = try #require(outcome.diagnostics.first)
        #expect(diagnostic.message == "Cannot write /nonexistent/dir/tok: No such file or directory")
        #expect(diagnostic.hint == "Nothing was created. Give a file in a directory that exists and can be written.")
        #expect(try await harness.adminClient().searchServiceAccounts().serviceAccounts.isEmpty)
        // So a rerun with a good path succeeds, with no name already taken.
        let path = NSTemporaryDirectory() + "gfs-key-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(await harness.run("key create lost admin --save \(path)").status == .success)
        #expect(try await tokens(harness) == ["lost"])
    }

    @Test func aSaveThatStillFailsDeletesTheKeyWhenItCannotBeShown() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        // A directory: the temporary file beside it opens, renaming over it fails.
        let parent = NSTemporaryDirectory() + "gfs-key-dir-\(UUID().uuidString)"
        let directory = parent + "/target"
        try FileManager.default.createDirectory(atPath: directory + "/inside", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let outcome = await harness.run("key create gone admin --save \(directory)")
        let diagnostic = try #require(outcome.diagnostics.first)
        #expect(diagnostic.message.hasPrefix("Cannot save the key to \(directory): "), "\(diagnostic.message)")
        #expect(diagnostic.message.hasSuffix("; the key 'gone' was deleted again"), "\(diagnostic.message)")
        #expect(diagnostic.hint == "No secret was lost. Give a file that can be written and run 'key create' again.")
        #expect(try await tokens(harness).isEmpty)
        // The temporary file is gone too.
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["target"])
    }

    @Test func aSaveThatStillFailsShowsTheSecretOnATerminal() async throws {
        let harness = try await SandboxHarness.start(options: .init(isTerminal: true, environment: [:]))
        defer { Task { await harness.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-key-dir-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/inside", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = await harness.run("key create shown admin --save \(directory)")
        #expect(outcome.status == .success)
        let secret = try #require(await harness.interpreter.variable("key")?["key"]?.stringValue)
        #expect(harness.sink.standardOutput.contains(secret))
        #expect(harness.sink.standardError.hasPrefix("gfs: warning: Cannot save the key to \(directory): "))
        #expect(
            harness.sink.standardError.hasSuffix(
                "; its secret is shown instead. Copy it now: Grafana shows it only once.\n"
            )
        )
        #expect(try await tokens(harness) == ["shown"])
    }

    @Test func aSaveKeepsAnEarlierFileWhenTheKeyCannotBeCreated() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let path = NSTemporaryDirectory() + "gfs-key-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(await harness.run("key create first admin --save \(path)").status == .success)
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        // The same name again: Grafana refuses it, and the saved secret stays.
        #expect(await harness.run("key create first admin --save \(path)").status != .success)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == saved)
    }

    @Test func aPushOfFilesThatWouldOverwriteEachOtherIsRefusedUpFront() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-push-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = [
            ("a.json", #"{"uid": "same", "title": "A"}"#), ("b.json", #"{"uid": "same", "title": "B"}"#),
            ("c.json", #"{"title": "Twin"}"#), ("d.json", #"{"title": "Twin"}"#), ("e.json", #"{"title": "Alone"}"#),
        ]
        for (name, text) in files { try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8) }
        let outcome = await harness.run("dashboard push \(directory)")
        let diagnostic = try #require(outcome.diagnostics.first)
        #expect(
            diagnostic.message
                == """
                \(directory)/a.json, \(directory)/b.json have the same uid 'same'
                \(directory)/c.json, \(directory)/d.json have the same title 'Twin' in one folder
                """
        )
        #expect(
            diagnostic.hint
                == "Nothing was sent. Give each dashboard its own uid and title, or push the files separately."
        )
        #expect(try await harness.adminClient().search(SearchQuery()).isEmpty)
    }
}
