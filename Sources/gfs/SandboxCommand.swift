import ArgumentParser
import Foundation
import GrafanaSandbox

/// `gfs sandbox`: serves a Grafana-compatible sandbox for people and other tools until
/// SIGINT or SIGTERM.
///
/// The same server runs in process behind `gfs --sandbox` and in the tests; this command only
/// turns flags into a `SandboxConfiguration` and prints where it listens.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gfs sandbox",
        abstract: "Serve a Grafana-compatible sandbox until interrupted.",
        discussion: """
            An in-memory emulation of the part of Grafana's HTTP API that gfs uses, with
            Grafana's status codes, bodies and permission rules. It binds to loopback unless
            told otherwise, prints its URL once listening, and stops cleanly on Ctrl-C or
            SIGTERM. With --state, everything survives a restart.
            """
    )

    @Option(help: ArgumentHelp("The address to bind.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to bind; 0 picks a free port.", valueName: "port"))
    var port = 3000

    @Option(help: ArgumentHelp("The Grafana release whose behaviour is emulated.", valueName: "version"))
    var grafanaVersion = "11.4.0"

    @Option(help: ArgumentHelp("The server administrator's login.", valueName: "login"))
    var adminUser = "admin"

    @Option(help: ArgumentHelp("The server administrator's password.", valueName: "password"))
    var adminPassword = "admin"

    @Option(help: ArgumentHelp("Keep the state in this file across restarts (written atomically).", valueName: "file"))
    var state: String?

    @Option(
        help: ArgumentHelp(
            "Delay a route, for trying timeouts and Ctrl-C: 'METHOD /path=DURATION' such as 'GET /api/search=5s' (repeatable).",
            valueName: "route=duration"
        )
    )
    var delay: [String] = []

    func validate() throws {
        guard GrafanaVersion(grafanaVersion) != nil else {
            throw ValidationError("--grafana-version expects a version such as 11.4.0, not '\(grafanaVersion)'.")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port expects 0 to 65535, not \(port).") }
        for entry in delay where Self.parseDelay(entry) == nil {
            throw ValidationError(
                "--delay expects 'METHOD /path=DURATION' such as 'GET /api/search=5s', not '\(entry)'."
            )
        }
    }

    func run() async throws {
        var delays: [String: Duration] = [:]
        for entry in delay {
            if let (route, duration) = Self.parseDelay(entry) { delays[route] = duration }
        }
        let configuration = SandboxConfiguration(
            host: host,
            port: port,
            grafanaVersion: GrafanaVersion(grafanaVersion)!,
            adminUser: adminUser,
            adminPassword: adminPassword,
            stateFile: state,
            delays: delays
        )
        let server = SandboxServer(configuration: configuration)
        let version = grafanaVersion
        do {
            try await server.run { url in
                // Standard output carries the URL alone so scripts can read it; the rest is progress.
                FileHandle.standardOutput.write(Data("\(url)\n".utf8))
                FileHandle.standardError.write(
                    Data("gfs: sandbox (Grafana \(version)) listening at \(url); Ctrl-C stops it\n".utf8)
                )
            }
        } catch {
            FileHandle.standardError.write(Data("gfs: error: Cannot run the sandbox: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// `"GET /api/search=5s"` → (`"GET /api/search"`, 5 seconds). Durations take `ms`, `s` or `m`.
    static func parseDelay(_ text: String) -> (String, Duration)? {
        guard let equals = text.lastIndex(of: "=") else { return nil }
        let route = text[..<equals].trimmingCharacters(in: .whitespaces)
        let amount = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard route.split(separator: " ").count == 2 else { return nil }
        let units: [(String, (Double) -> Duration)] = [
            ("ms", { .milliseconds(Int64($0)) }), ("s", { .milliseconds(Int64($0 * 1000)) }),
            ("m", { .milliseconds(Int64($0 * 60_000)) }),
        ]
        for (suffix, make) in units where amount.hasSuffix(suffix) {
            guard let number = Double(amount.dropLast(suffix.count)), number >= 0 else { return nil }
            return (route, make(number))
        }
        return nil
    }
}
