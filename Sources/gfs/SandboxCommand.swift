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

    @Option(help: ArgumentHelp("The server administrator's password (default admin).", valueName: "password"))
    var adminPassword: String?

    @Option(
        help: ArgumentHelp("Read the administrator's password from this environment variable.", valueName: "variable")
    )
    var adminPasswordEnv: String?

    @Option(help: ArgumentHelp("Read the administrator's password from this file.", valueName: "file"))
    var adminPasswordFile: String?

    @Option(
        help: ArgumentHelp(
            "Keep the state in this file across restarts (a journal, on disk before each answer).",
            valueName: "file"
        )
    )
    var state: String?

    @Option(
        help: ArgumentHelp(
            "Refuse request bodies over this size with 413: bytes, or with K, M or G (default 32M).",
            valueName: "size"
        )
    )
    var maxBody: String?

    @Option(
        help: ArgumentHelp(
            "Inject a fault: 'METHOD /path=ACTION' with ACTION a status such as 503 (optionally 'retry-after=1'), reset, close-mid-body, trickle[=DURATION] or delay=DURATION, counted with xN such as 'GET /api/search=503x2' (repeatable).",
            valueName: "route=action"
        )
    )
    var fault: [String] = []

    @Option(
        help: ArgumentHelp(
            "Delay a route, for trying timeouts and Ctrl-C: 'METHOD /path=DURATION' such as 'GET /api/search=5s' (repeatable).",
            valueName: "route=duration"
        )
    )
    var delay: [String] = []

    @Option(
        help: ArgumentHelp(
            "Versions of each dashboard kept by the ten-minute cleanup (Grafana's versions_to_keep; below 1 counts as 1).",
            valueName: "count"
        )
    )
    var versionsToKeep = 20

    func validate() throws {
        guard GrafanaVersion(grafanaVersion) != nil else {
            throw ValidationError("--grafana-version expects a version such as 11.4.0, not '\(grafanaVersion)'.")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port expects 0 to 65535, not \(port).") }
        for entry in fault {
            do {
                _ = try SandboxFault(parsing: entry)
            } catch {
                throw ValidationError("--fault \(error.description).")
            }
        }
        if let maxBody, Self.parseSize(maxBody) == nil {
            throw ValidationError("--max-body expects a size in bytes such as 1048576 or 1M, not '\(maxBody)'.")
        }
        _ = try resolvedAdminPassword()
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
        var configuration = SandboxConfiguration(
            host: host,
            port: port,
            grafanaVersion: GrafanaVersion(grafanaVersion)!,
            adminUser: adminUser,
            adminPassword: try resolvedAdminPassword(),
            stateFile: state,
            delays: delays,
            faults: try fault.map { try SandboxFault(parsing: $0) }
        )
        if let size = maxBody.flatMap(Self.parseSize) { configuration.maximumBodySize = size }
        configuration.versionsToKeep = versionsToKeep
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

    /// The administrator's password from at most one of `--admin-password`,
    /// `--admin-password-env` and `--admin-password-file` (one trailing newline dropped), or
    /// Grafana's default `admin`. An empty one is refused: nobody could sign in.
    func resolvedAdminPassword() throws -> String {
        let sources = [adminPassword, adminPasswordEnv, adminPasswordFile].compactMap { $0 }
        guard sources.count <= 1 else {
            throw ValidationError(
                "Give the administrator's password once: --admin-password, --admin-password-env or --admin-password-file."
            )
        }
        var password = adminPassword ?? "admin"
        if let variable = adminPasswordEnv {
            guard let value = ProcessInfo.processInfo.environment[variable] else {
                throw ValidationError("--admin-password-env names \(variable), which is not set.")
            }
            password = value
        }
        if let file = adminPasswordFile {
            guard let data = FileManager.default.contents(atPath: file),
                var text = String(data: data, encoding: .utf8)
            else { throw ValidationError("--admin-password-file cannot read \(file).") }
            if text.hasSuffix("\r\n") {
                text.removeLast(2)
            } else if text.hasSuffix("\n") {
                text.removeLast()
            }
            password = text
        }
        guard !password.isEmpty else {
            throw ValidationError("The administrator's password is empty; nobody could sign in with it.")
        }
        return password
    }

    /// `1048576`, `512K`, `32M`, `1G` (binary multiples) → bytes.
    static func parseSize(_ text: String) -> Int? {
        let multiples: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text.uppercased())
        var multiple = 1
        if let last = digits.last, let found = multiples[last] {
            multiple = found
            digits = digits.dropLast()
        }
        guard let number = Int(digits), number > 0, number <= Int.max / multiple else { return nil }
        return number * multiple
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
