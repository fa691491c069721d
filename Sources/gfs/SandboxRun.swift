import GFSCommands
import GFSLanguage
import GrafanaSandbox
import Logging

/// The in-process sandbox behind `--sandbox`: a fresh server on a free loopback port with
/// `admin`/`admin`, stopped when the script ends.
struct SandboxRun {
    let server: SandboxServer
    let url: String

    /// With `verbose`, each wait of a `--sandbox-delay` is noted on stderr once it is over, so
    /// a user (and a test) sees the delay happen without timing it.
    static func start(version: String, delays: [String: Duration] = [:], verbose: Bool = false) async throws
        -> SandboxRun
    {
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
                pause: { delay in
                    try await Task.sleep(for: delay)
                    if verbose {
                        Console.standard.write("gfs: sandbox: waited \(delay) before answering\n", to: .standardError)
                    }
                },
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
