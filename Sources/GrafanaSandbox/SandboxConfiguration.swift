public import Foundation
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
    /// A file that holds the state between runs: a journal loaded (and compacted) at start,
    /// with each change appended and synced before it is answered. `nil` keeps everything in
    /// memory.
    public var stateFile: String?
    /// Artificial delays per route, keyed `"METHOD /path"` (the literal request path or the
    /// route pattern such as `/api/dashboards/uid/:uid`), for tests of timeouts and cancellation.
    public var delays: [String: Duration]
    /// Faults to inject, in order of precedence (the first that matches a request and is not
    /// used up applies): errors, resets, bodies cut short or trickled, delays. See
    /// ``SandboxFault``.
    public var faults: [SandboxFault]
    /// How the sandbox waits for ``delays``, for ``SandboxFault/Action/delay(_:)`` and between
    /// the bytes of ``SandboxFault/Action/trickle(_:)``. `Task.sleep` by default; tests pass their own to
    /// observe or skip the waits.
    public var pause: @Sendable (Duration) async throws -> Void
    /// The largest request body accepted, in bytes; larger ones are answered 413 with the size
    /// and the limit. Grafana has no limit of its own; 32 MiB keeps a sandbox's memory bounded.
    public var maximumBodySize: Int
    /// The largest URL, and the largest request line and headers together, in bytes: Go's
    /// `DefaultMaxHeaderBytes` (1 MiB), which Grafana does not change. Over it, 414 (the URL)
    /// or 431 (the headers) with a JSON body.
    public var maximumHeaderSize: Int
    /// How long a connection may go without delivering a complete request head (or, between
    /// requests, anything at all) before it is closed, so a client that sends its headers a
    /// byte at a time cannot hold a connection forever. `nil` waits forever, as Grafana's
    /// default `read_timeout = 0` does.
    public var headerTimeout: Duration?
    /// The least severe message the server logs. `.warning` by default; `gfs --sandbox` uses
    /// `.critical`, because stopping an in-process server makes Hummingbird log an error for
    /// each open connection it cancels (`Waiting on child channel: CancellationError()`).
    public var logLevel: Logger.Level
    /// The sandbox's wall clock, read wherever it stamps or compares a time (token expiry, last
    /// use, creation and update times of service accounts, keys and permissions). `Date()` by
    /// default; tests pass a clock they move themselves, so an expiry needs no sleep.
    public var now: @Sendable () -> Date
    /// How many versions of each dashboard the cleanup keeps (Grafana's `[dashboards]
    /// versions_to_keep`, `MustInt(20)` in `pkg/setting/setting.go`; below 1 counts as 1). The
    /// cleanup runs every ten minutes of ``now``, as Grafana's `CleanUpService` ticker does.
    public var versionsToKeep: Int

    /// A configuration with Grafana's defaults: `127.0.0.1:3000`, Grafana 11.4.0, `admin`/`admin`.
    public init(
        host: String = "127.0.0.1",
        port: Int = 3000,
        grafanaVersion: GrafanaVersion = .v11_4_0,
        adminUser: String = "admin",
        adminPassword: String = "admin",
        stateFile: String? = nil,
        delays: [String: Duration] = [:],
        faults: [SandboxFault] = [],
        pause: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        maximumBodySize: Int = 32 * 1024 * 1024,
        maximumHeaderSize: Int = 1 << 20,
        headerTimeout: Duration? = .seconds(30),
        logLevel: Logger.Level = .warning,
        now: @escaping @Sendable () -> Date = { Date() },
        versionsToKeep: Int = 20
    ) {
        self.host = host
        self.port = port
        self.grafanaVersion = grafanaVersion
        self.adminUser = adminUser
        self.adminPassword = adminPassword
        self.stateFile = stateFile
        self.delays = delays
        self.faults = faults
        self.pause = pause
        self.maximumBodySize = maximumBodySize
        self.maximumHeaderSize = maximumHeaderSize
        self.headerTimeout = headerTimeout
        self.logLevel = logLevel
        self.now = now
        self.versionsToKeep = versionsToKeep
    }
}
