import Foundation
import GFSLanguage
import GrafanaAPI
import GrafanaSandbox
import Synchronization
import Testing

@testable import GFSCommands

/// Captures what the host writes, per stream.
final class CapturingSink: OutputSink {
    private let streams = Mutex<[OutputStreamKind: String]>([:])

    func write(_ text: String, to stream: OutputStreamKind) {
        streams.withLock { $0[stream, default: ""] += text }
    }

    var standardOutput: String { streams.withLock { $0[.standardOutput] ?? "" } }
    var standardError: String { streams.withLock { $0[.standardError] ?? "" } }
}

/// Expects a script run to have succeeded, showing its diagnostics and hints and what the host
/// wrote to standard error when it did not.
func expectSuccess(
    _ outcome: RunOutcome,
    _ harness: SandboxHarness,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        outcome.status == .success,
        "\(outcome.diagnostics.map { "\($0.message) \($0.hint ?? "")" }) \(harness.sink.standardError)",
        sourceLocation: sourceLocation
    )
}

/// A sandbox on a real port, a host connected to it as admin/admin, and a way to run scripts.
struct SandboxHarness {
    let server: SandboxServer
    let url: String
    let sink: CapturingSink
    let host: GrafanaShellHost
    let interpreter: Interpreter

    static func start(
        version: String = "11.4.0",
        options: GrafanaShellHost.Options = GrafanaShellHost.Options(environment: [:])
    ) async throws -> SandboxHarness {
        let server = SandboxServer(
            configuration: SandboxConfiguration(port: 0, grafanaVersion: GrafanaSandbox.GrafanaVersion(version)!)
        )
        try await server.start()
        let url = server.url!
        let context = try ContextResolver(environment: [:], configPath: "/nonexistent").resolve(
            ConnectionOptions(url: url, user: "admin", password: "admin")
        )
        let sink = CapturingSink()
        let host = GrafanaShellHost(context: context, options: options, sink: sink)
        return SandboxHarness(server: server, url: url, sink: sink, host: host, interpreter: Interpreter(host: host))
    }

    /// Runs script text in the harness's session.
    func run(_ text: String, name: String = "test.gfs") async -> RunOutcome {
        await interpreter.run(SourceFile(name: name, text: text))
    }

    /// A client that checks the sandbox's state directly, as admin in `org` (or as `token`).
    func adminClient(org: Int64? = nil) -> GrafanaClient {
        GrafanaClient(
            configuration: .init(
                baseURL: URL(string: url)!,
                credentials: .basic(user: "admin", password: "admin"),
                orgID: org
            )
        )
    }

    func tokenClient(_ token: String) -> GrafanaClient {
        GrafanaClient(configuration: .init(baseURL: URL(string: url)!, credentials: .bearer(token)))
    }

    func stop() async { await server.stop() }

    static func repositoryFile(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent(path).path
    }
}
