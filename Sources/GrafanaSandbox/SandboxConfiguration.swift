public import Logging

/// How to run a sandbox: where it listens, which Grafana it pretends to be, who may sign in,
/// and where its state lives.
///
/// ```swift
/// var configuration = SandboxConfiguration()
/// configuration.port = 0                       // any free port
/// configuration.grafanaVersion = GrafanaVersion("9.5.0")!
/// let server = SandboxServer(configuration: configuration)
/// try await server.start()
/// print(server.url)                             // http://127.0.0.1:49321
/// ```
public struct SandboxConfiguration: Sendable {
    /// The address to bind; loopback by default, so a sandbox is never reachable from outside
    /// unless asked.
    public var host: String
    /// The port to bind; `0` picks a free port (read it back from ``SandboxServer/port``).
    public var port: Int
    /// The Grafana release whose behaviour is emulated.
    public var grafanaVersion: GrafanaVersion
    /// The login of the built-in server administrator (Grafana's `[security] admin_user`).
    public var adminUser: String
    /// The password of the built-in server administrator (Grafana's `[security] admin_password`).
    public var adminPassword: String
    /// A file that holds the state between runs: loaded at start, rewritten atomically after
    /// every change. `nil` keeps everything in memory.
    public var stateFile: String?
    /// Artificial delays per route, keyed `"METHOD /path"` (the literal request path or the
    /// route pattern such as `/api/dashboards/uid/:uid`), for tests of timeouts and cancellation.
    public var delays: [String: Duration]
    /// The largest request body accepted, in bytes.
    public var maximumBodySize: Int
    /// The least severe message the server logs. `.warning` by default; `gfs --sandbox` uses
    /// `.critical`, because stopping an in-process server makes Hummingbird log an error for
    /// each open connection it cancels (`Waiting on child channel: CancellationError()`).
    public var logLevel: Logger.Level

    /// A configuration with Grafana's defaults: `127.0.0.1:3000`, Grafana 11.4.0, `admin`/`admin`.
    public init(
        host: String = "127.0.0.1",
        port: Int = 3000,
        grafanaVersion: GrafanaVersion = .v11_4_0,
        adminUser: String = "admin",
        adminPassword: String = "admin",
        stateFile: String? = nil,
        delays: [String: Duration] = [:],
        maximumBodySize: Int = 32 * 1024 * 1024,
        logLevel: Logger.Level = .warning
    ) {
        self.host = host
        self.port = port
        self.grafanaVersion = grafanaVersion
        self.adminUser = adminUser
        self.adminPassword = adminPassword
        self.stateFile = stateFile
        self.delays = delays
        self.maximumBodySize = maximumBodySize
        self.logLevel = logLevel
    }
}
