import Foundation
import Hummingbird

// Shared pieces every controller uses: the environment handed to controllers, permission
// checks, and path and query parsing with Grafana's rules.

/// What a controller needs: the store and the emulated release.
struct SandboxEnvironment: Sendable {
    let store: SandboxStore
    let configuration: SandboxConfiguration

    var version: GrafanaVersion { configuration.grafanaVersion }
    var bodyLimit: Int { configuration.maximumBodySize }
}

/// A controller registers one area's routes (Hummingbird examples' `endpoints` pattern).
protocol SandboxController {
    init(environment: SandboxEnvironment)
    func addRoutes(to router: Router<SandboxRequestContext>)
}

extension SandboxRequestContext {
    /// The RBAC middleware of a route (`authorize` / `authorizeInOrg` in `pkg/api/api.go`):
    /// answers the `Access denied` 403 naming the permission when the caller lacks it.
    @discardableResult
    func require(_ action: Action, scope: Action.Scope = .requestOrg, store: SandboxStore? = nil) async throws
        -> Identity
    {
        try await require(anyOf: [action], scope: scope, store: store)
    }

    /// `ac.EvalAny(…)`: any one of the actions suffices; the 403 names them as
    /// `any of a, b` (observed wording, API-NOTES §1.2).
    @discardableResult
    func require(anyOf actions: [Action], scope: Action.Scope = .requestOrg, store: SandboxStore? = nil)
        async throws -> Identity
    {
        let identity = try caller()
        var role = identity.orgRole
        if case .org(let orgID) = scope, orgID != identity.orgID, let store {
            role = await store.read { $0.role(of: identity.userID, in: orgID) } ?? .none
        }
        if actions.contains(where: { $0.isGranted(to: identity, role: role, scope: scope) }) { return identity }
        let evaluator =
            actions.count == 1 ? actions[0].rawValue : "any of " + actions.map(\.rawValue).joined(separator: ", ")
        throw GrafanaError.accessDenied(evaluator)
    }

    /// A signed-in person, not a token (`reqSignedInNoAnonymous` plus `getUserID`).
    func requireUser() throws -> Identity {
        try caller()
    }

    /// A path parameter parsed as Grafana's `strconv.ParseInt(web.Params(...)[":id"], 10, 64)`.
    func int64Parameter(_ name: String, orAnswer failure: GrafanaError) throws -> Int64 {
        guard let text = parameters.get(name), let value = Int64(text) else { throw failure }
        return value
    }

    /// A path parameter, percent-decoded as Go's router hands it to handlers.
    func stringParameter(_ name: String) -> String {
        let raw = parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}

extension Request {
    /// `c.Query(name)`: the first value or "".
    func query(_ name: String) -> String {
        uri.queryParameters[Substring(name)].map(String.init) ?? ""
    }

    /// `c.QueryStrings(name)`: every value.
    func queryAll(_ name: String) -> [String] {
        uri.queryParameters[values: Substring(name)].map(String.init)
    }

    /// `c.QueryInt(name)`: `strconv.Atoi`, 0 when absent or not a number.
    func queryInt(_ name: String) -> Int {
        Int(query(name)) ?? 0
    }

    /// `c.QueryBool(name)`: `strconv.ParseBool`, false otherwise.
    func queryBool(_ name: String) -> Bool {
        ["1", "t", "T", "TRUE", "true", "True"].contains(query(name))
    }
}

extension Collection {
    /// Page `page` (1-based) of `size` items, as Grafana's stores page with SQL
    /// `LIMIT size OFFSET size * (page - 1)`. A page so far out that the offset overflows
    /// is past every row, so it is empty rather than a trap on hostile query strings.
    func page(_ page: Int, size: Int) -> SubSequence {
        let (offset, overflow) = (page - 1).multipliedReportingOverflow(by: size)
        guard page >= 1, size > 0, !overflow else { return self[endIndex...] }
        return dropFirst(offset).prefix(size)
    }
}
