import Foundation
import GrafanaAPI
import Synchronization

/// Where a session stands, as an interactive prompt shows it: `admin@localhost:3000 [apiorg]`.
public struct SessionLocation: Sendable, Hashable {
    /// The server as `host:port` (the port only when the URL names one).
    public var server: String?
    /// The basic-auth login, the token's name, or `token` for a token of unknown name.
    public var identity: String?
    /// The current org's name, when known.
    public var organization: String?

    public init(server: String? = nil, identity: String? = nil, organization: String? = nil) {
        self.server = server
        self.identity = identity
        self.organization = organization
    }
}

/// Tells the prompt where the host's session stands after each command.
///
/// The server and identity come from the host's context. The org's name comes from the context
/// when `use $org` or a config context named it; otherwise (a user's current org, a token's
/// org, `GRAFANA_ORG_ID`) it is asked once per connection with `GET /api/org` and kept. The
/// question waits at most `lookupTimeout` and a failure leaves the name out: a prompt never
/// waits on a slow server or shows an error.
public final class SessionLocator: Sendable {
    private let host: GrafanaShellHost
    private let lookupTimeout: Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    /// The org names asked for, by the context they were asked in.
    private let orgNames = Mutex<[GrafanaContext: String]>([:])

    /// - Parameter clock: the clock `lookupTimeout` is measured on; tests pass one they
    ///   advance themselves.
    public init(
        host: GrafanaShellHost,
        lookupTimeout: Duration = .milliseconds(700),
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.host = host
        self.lookupTimeout = lookupTimeout
        self.sleep = Self.sleeper(on: clock)
    }

    private static func sleeper<C: Clock<Duration>>(on clock: C) -> @Sendable (Duration) async throws -> Void {
        { try await clock.sleep(for: $0) }
    }

    /// The location now, asking the server for the org's name if nothing else gives it.
    public func location() async -> SessionLocation {
        let context = host.context
        var location = Self.location(of: context)
        guard location.organization == nil, context.authentication != .none else { return location }
        if let known = orgNames.withLock({ $0[context] }) {
            location.organization = known
            return location
        }
        let client = host.client
        if let name = await Self.firstAnswer(
            within: lookupTimeout,
            sleep: sleep,
            { try? await client.currentOrg().name }
        ) {
            orgNames.withLock { $0[context] = name }
            location.organization = name
        }
        return location
    }

    /// What the context alone says.
    static func location(of context: GrafanaContext) -> SessionLocation {
        var server = context.url.host ?? context.url.absoluteString
        if server.contains(":") { server = "[\(server)]" }  // an IPv6 address
        if let port = context.url.port { server += ":\(port)" }
        let identity: String? =
            switch context.authentication {
            case .none: nil
            case .basic(let user, _): user
            case .token(_, let name, _): name ?? "token"
            }
        return SessionLocation(server: server, identity: identity, organization: context.org?.name)
    }

    /// `body`'s answer, or nil when it takes longer than `timeout`; the slow call is cancelled.
    static func firstAnswer(
        within timeout: Duration,
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        _ body: @escaping @Sendable () async -> String?
    ) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await body() }
            group.addTask {
                try? await sleep(timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
