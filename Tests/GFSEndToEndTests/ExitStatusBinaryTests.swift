import Foundation
import GrafanaSandbox
import HTTPTestSupport
import Testing

/// The exit statuses that need a server, through the built binary: 3 for auth failures, 4 for
/// a partial failure, 6 for a route the server's Grafana version removed, 74 when results
/// cannot be written, and `$error.code` for Grafana's answers.
@Suite(.serialized) struct ExitStatusBinaryTests {
    static func temporaryDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "gfs-exit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A dashboard save body with this uid and title.
    static func writeDashboard(_ path: String, uid: String, title: String) throws {
        try #"{"dashboard": {"uid": "\#(uid)", "title": "\#(title)", "panels": []}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func aUsageErrorIsJSONUnderOutputJSON() async throws {
        let json = try await GFSBinaryTests.gfs(["--output", "json", "--no-such-flag", "-c", "echo hi"])
        #expect(json.status == 64)
        #expect(json.standardOutput.isEmpty)
        let lines = json.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(json.standardError)")
        let failure = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: String]
        #expect(
            failure == [
                "code": "usage", "message": "Unknown option '--no-such-flag'",
                "hint": "Run 'gfs --help' for the options.",
            ]
        )

        // As text, swift-argument-parser's own message and usage, as before.
        let text = try await GFSBinaryTests.gfs(["--no-such-flag", "-c", "echo hi"])
        #expect(text.status == 64)
        #expect(text.standardError.hasPrefix("Error: Unknown option '--no-such-flag'"), "\(text.standardError)")
    }

    @Test func wrongCredentialsExit3() async throws {
        let (server, url) = try await GFSBinaryTests.sandbox()
        defer { Task { await server.stop() } }
        let run = try await GFSBinaryTests.gfs(
            GFSBinaryTests.connect(url) + ["--output", "json", "-c", "org list"],
            environment: ["GFS_TEST_PASSWORD": "wrong"]
        )
        #expect(run.status == 3, "\(run.standardError)")
        #expect(run.standardError.contains(#""code":"grafana.unauthorized""#), "\(run.standardError)")
        #expect(run.standardError.contains(#""status":401"#))
        #expect(!run.standardError.contains("wrong"))
    }

    @Test func aMissingPermissionExits3() async throws {
        // A Viewer token may not create orgs: Grafana answers 403.
        let run = try await GFSBinaryTests.gfs([
            "--sandbox", "-c", "key create viewer Viewer\nuse $key\norg create nope",
        ])
        #expect(run.status == 3, "\(run.standardError)")
        #expect(run.standardError.contains("<command line>:3:1: error: "), "\(run.standardError)")
    }

    @Test func aPushWhereSomeFilesFailExits4() async throws {
        let directory = try Self.temporaryDirectory()
        try Self.writeDashboard(directory + "/a.json", uid: "exit-a", title: "A")
        try FileManager.default.createDirectory(atPath: directory + "/second", withIntermediateDirectories: true)
        try Self.writeDashboard(directory + "/second/a.json", uid: "exit-a", title: "A changed")
        try Self.writeDashboard(directory + "/second/b.json", uid: "exit-b", title: "B")
        let run = try await GFSBinaryTests.gfs([
            "--sandbox", "-c",
            "dashboard push \(directory)/a.json\ndashboard push \(directory)/second\necho never",
        ])
        #expect(run.status == 4, "\(run.standardError)")
        #expect(!run.standardOutput.contains("never"))
        #expect(run.standardError.contains("1 of 2 dashboards failed"), "\(run.standardError)")

        let caught = try await GFSBinaryTests.gfs([
            "--sandbox", "-c",
            "dashboard push \(directory)/a.json\ntry dashboard push \(directory)/second\necho $error.code",
        ])
        #expect(caught.status == 0, "\(caught.standardError)")
        #expect(caught.standardOutput.hasSuffix("partial-failure\n"), "\(caught.standardOutput)")
    }

    @Test func aRouteTheServerRemovedExits6() async throws {
        // Grafana answers 410 Gone for a route its release removed (legacy API keys from 11.3).
        let server = try await CannedHTTPServer { _ in
            (410, #"{"message":"This API has been removed"}"#)
        }
        defer { Task { try? await server.close() } }
        let run = try await GFSBinaryTests.gfs(
            ["--url", "http://127.0.0.1:\(server.port)", "--output", "json", "-c", "org list"]
        )
        #expect(run.status == 6, "\(run.standardError)")
        #expect(run.standardError.contains(#""code":"grafana.unsupported-version""#), "\(run.standardError)")
    }

    @Test func grafanasAnswersHaveTheirCodesInError() async throws {
        let run = try await GFSBinaryTests.gfs([
            "--sandbox", "-c",
            """
            org create twice
            try org create twice
            echo $error.code $error.status
            try dashboard pull no-such-uid
            echo $error.code $error.status
            """,
        ])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasSuffix("grafana.conflict 409\ngrafana.not-found 404\n"), "\(run.standardOutput)")
    }

    @Test func aPullToAFullDiskExits74() async throws {
        let directory = try Self.temporaryDirectory()
        try Self.writeDashboard(directory + "/a.json", uid: "full-a", title: "Full")
        let run = try await GFSBinaryTests.gfs(
            ["--sandbox", "-c", "let pushed = (dashboard push \(directory)/a.json)\ndashboard pull full-a"],
            output: "/dev/full"
        )
        #expect(run.status == 74, "\(run.standardError)")
        #expect(run.standardError.contains("gfs: error: Cannot write to standard output: No space left on device"))
    }
}
