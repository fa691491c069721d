import Foundation
import GFSLanguage
import Synchronization
import Testing

@testable import GFSCommands

/// Codes for Grafana's answers, warnings about secret files, the config file's errors, and
/// hints that name real commands.
@Suite struct ErrorMappingTests {
    @Test(arguments: [
        (400, "grafana.bad-request"), (422, "grafana.bad-request"), (401, "grafana.unauthorized"),
        (403, "grafana.forbidden"), (404, "grafana.not-found"), (409, "grafana.conflict"),
        (410, "grafana.unsupported-version"), (412, "grafana.precondition-failed"), (413, "grafana.too-large"),
        (429, "grafana.rate-limited"), (500, "grafana.server-error"), (503, "grafana.server-error"),
        (418, "grafana.http-error"),
    ])
    func everyStatusHasACode(status: Int, code: String) {
        #expect(CommandFailure.code(forStatus: status).name == code)
    }

    @Test func aContextErrorIsAConfigurationFailure() {
        let failure = CommandFailure(ContextError("Bad settings", hint: "Fix them."))
        #expect(failure.code == .configuration)
        #expect(failure.code.exitStatus == .configuration)
        #expect(failure.message == "Bad settings")
    }

    /// A resolver over a fresh config directory that collects its warnings.
    final class Resolving: Sendable {
        let directory = NSTemporaryDirectory() + "gfs-errors-\(UUID().uuidString)"
        let warnings = Mutex<[String]>([])

        init() throws {
            try FileManager.default.createDirectory(atPath: directory + "/gfs", withIntermediateDirectories: true)
        }

        func resolver(_ environment: [String: String] = [:]) -> ContextResolver {
            ContextResolver(environment: environment.merging(["XDG_CONFIG_HOME": directory]) { a, _ in a }) {
                [self] message, hint in self.warnings.withLock { $0.append(message + " / " + hint) }
            }
        }

        func file(_ name: String, _ text: String, mode: Int) throws -> String {
            let path = directory + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            return path
        }
    }

    @Test func aSecretFileOthersCanReadIsWarnedAboutNeverItsContent() throws {
        let resolving = try Resolving()
        let open = try resolving.file("open.password", "hunter22\n", mode: 0o644)
        let context = try resolving.resolver().resolve(ConnectionOptions(user: "ops", passwordFile: open))
        #expect(context.authentication == .basic(user: "ops", password: "hunter22"))
        #expect(
            resolving.warnings.withLock { $0 } == [
                "The password file \(open) is accessible by other users (mode 0644) / Restrict it to yourself with 'chmod 600 \(open)'."
            ]
        )

        let groupToken = try resolving.file("group.token", "glsa_token\n", mode: 0o640)
        _ = try resolving.resolver().resolve(ConnectionOptions(tokenFile: groupToken))
        #expect(resolving.warnings.withLock { $0.last?.hasPrefix("The token file \(groupToken) ") } == true)
        #expect(resolving.warnings.withLock { $0.allSatisfy { !$0.contains("hunter22") && !$0.contains("glsa_") } })
    }

    @Test func aPrivateSecretFileIsNotWarnedAbout() throws {
        let resolving = try Resolving()
        let closed = try resolving.file("closed.password", "hunter22\n", mode: 0o600)
        _ = try resolving.resolver().resolve(ConnectionOptions(user: "ops", passwordFile: closed))
        #expect(resolving.warnings.withLock { $0 }.isEmpty)
    }

    @Test func aMalformedConfigFileNamesItsLineAndColumn() throws {
        let resolving = try Resolving()
        _ = try resolving.file("gfs/config.yaml", "current-context: local\ncontexts:\n  local: {url: x\n", mode: 0o600)
        let path = resolving.directory + "/gfs/config.yaml"
        #expect {
            try resolving.resolver().resolve(ConnectionOptions())
        } throws: { error in
            guard let error = error as? ContextError else { return false }
            return error.message.hasPrefix("Malformed config file \(path):4:1: ") && error.hint != nil
        }
    }

    @Test func aMalformedConfigFileIsSetAsideUnlessAContextIsNamed() throws {
        let resolving = try Resolving()
        _ = try resolving.file("gfs/config.yaml", "contexts: [\n", mode: 0o600)
        let (context, configError) = try resolving.resolver(["GRAFANA_URL": "http://env:3000"])
            .resolveSettingConfigAside(ConnectionOptions())
        #expect(context.url.absoluteString == "http://env:3000")
        #expect(configError?.message.hasPrefix("Malformed config file ") == true)
        #expect(throws: ContextError.self) {
            try resolving.resolver().resolveSettingConfigAside(ConnectionOptions(contextName: "prod"))
        }
    }

    @Test func theComparisonHintNamesACommandThatExists() throws {
        do {
            _ = try parse(SourceFile(name: "x.gfs", text: "org create a == b"))
            Issue.record("parsed")
        } catch {
            let hint = try #require(error.hint)
            let match = try #require(hint.firstMatch(of: /\((\w+) (\w+) 1\)\.name/))
            let path = [String(match.1), String(match.2)]
            #expect(GFSCommandCatalog.table.command(path) != nil, "\(hint)")
        }
    }
}
