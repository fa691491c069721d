import Foundation
import GFSValue
import Hummingbird

/// Server settings and statistics, `/api/admin/settings` and `/api/admin/stats`
/// (`pkg/api/admin.go`; `settings:read` and `server.stats:read`, which only the Grafana Admin
/// role holds, in `pkg/api/api.go`).
struct AdminController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/admin/settings", use: settings)
        router.get("/api/admin/stats", use: stats)
    }

    /// Only Grafana Admins hold the fixed `settings:reader` and `server:stats:reader` roles.
    private func requireServerAdmin(_ context: SandboxRequestContext, action: String) throws {
        guard try context.caller().isServerAdmin else { throw GrafanaError.accessDenied(action) }
    }

    /// `AdminGetSettings`: the ini file as `setting.SettingsBag` (section → key → value),
    /// secrets as `setting.RedactedPassword` ("*********"). The sandbox reports the settings it
    /// actually runs with.
    @Sendable func settings(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try requireServerAdmin(context, action: "settings:read")
        let configuration = environment.configuration
        let bag: [(String, [(String, String)])] = [
            ("security", [("admin_user", configuration.adminUser), ("admin_password", "*********")]),
            (
                "server",
                [
                    ("http_addr", configuration.host), ("http_port", String(configuration.port)),
                    ("protocol", "http"),
                ]
            ),
            (
                "users",
                [
                    ("allow_org_create", "false"), ("auto_assign_org", "true"), ("auto_assign_org_id", "1"),
                    ("auto_assign_org_role", "Viewer"),
                ]
            ),
        ]
        return SandboxResponse.json(
            .ok,
            .map(bag.map { section, keys in (section, .map(keys.map { ($0.0, Value.string($0.1)) })) })
        )
    }

    /// `AdminGetStats`: `stats.AdminStats` counted from the store. Roles count each user once,
    /// at their highest role in any org (`GetAdminStats` in `pkg/services/stats/statsimpl`);
    /// the sandbox keeps no sessions, alerts, playlists, snapshots or tags, so those are 0, and
    /// "active" means seen in the last 30 days.
    @Sendable func stats(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try requireServerAdmin(context, action: "server.stats:read")
        let body = await environment.store.read { state -> Value in
            let people = state.users.filter { !$0.isServiceAccount }
            let active = Set(
                people.filter { state.lastSeen($0) > Date().addingTimeInterval(-30 * 24 * 3600) }.map(\.id)
            )
            var highest: [Int64: OrgRole] = [:]
            for membership in state.memberships {
                guard people.contains(where: { $0.id == membership.userID }) else { continue }
                if let known = highest[membership.userID], known.includes(membership.role) { continue }
                highest[membership.userID] = membership.role
            }
            func count(_ role: OrgRole, activeOnly: Bool = false) -> Int {
                highest.filter { $0.value == role && (!activeOnly || active.contains($0.key)) }.count
            }
            let fields: [(String, Int)] = [
                ("orgs", state.orgs.count), ("dashboards", state.dashboards.count), ("snapshots", 0), ("tags", 0),
                ("datasources", state.dataSources.count), ("playlists", 0), ("stars", 0), ("alerts", 0),
                ("users", people.count), ("admins", count(.admin)), ("editors", count(.editor)),
                ("viewers", count(.viewer)), ("activeUsers", active.count),
                ("activeAdmins", count(.admin, activeOnly: true)), ("activeEditors", count(.editor, activeOnly: true)),
                ("activeViewers", count(.viewer, activeOnly: true)), ("activeSessions", 0), ("dailyActiveUsers", 0),
                ("dailyActiveAdmins", 0), ("dailyActiveEditors", 0), ("dailyActiveViewers", 0),
                ("dailyActiveSessions", 0), ("monthlyActiveUsers", active.count), ("activeDevices", 0),
            ]
            return .map(fields.map { ($0.0, Value.int($0.1)) })
        }
        return SandboxResponse.json(.ok, body)
    }
}
