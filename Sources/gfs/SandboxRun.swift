import GrafanaSandbox
import Logging

/// The in-process sandbox behind `--sandbox`: a fresh server on a free loopback port with
/// `admin`/`admin`, stopped when the script ends.
struct SandboxRun {
    let server: SandboxServer
    let url: String

    static func start(version: String, delays: [String: Duration] = [:]) async throws -> SandboxRun {
        guard let grafanaVersion = GrafanaSandbox.GrafanaVersion(version) else {
            throw SandboxRunError(description: "unknown Grafana version '\(version)'")
        }
        // Only critical messages: stopping the server logs an error per cancelled connection,
        // noise on stderr at the end of every run.
        let server = SandboxServer(
            configuration: SandboxConfiguration(
                port: 0,
                grafanaVersion: grafanaVersion,
                delays: delays,
                logLevel: .critical
            )
        )
        try await server.start()
        guard let url = server.url else { throw SandboxRunError(description: "the sandbox did not report its address") }
        return SandboxRun(server: server, url: url)
    }

    func stop() async {
        await server.stop()
    }
}

struct SandboxRunError: Error, CustomStringConvertible {
    var description: String
}
