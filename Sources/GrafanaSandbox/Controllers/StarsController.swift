import Foundation
import GFSValue
import Hummingbird

/// The signed-in user's starred dashboards (`pkg/api/stars.go`: `GetStars`,
/// `StarDashboardByUID`, `UnstarDashboardByUID`, and before 12 `StarDashboard` /
/// `UnstarDashboard` by numeric id).
struct StarsController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/user/stars", use: list)
        router.post("/api/user/stars/dashboard/uid/:uid") { _, context in
            try await change(context, star: true, try Self.uidReference(context))
        }
        router.delete("/api/user/stars/dashboard/uid/:uid") { _, context in
            try await change(context, star: false, try Self.uidReference(context))
        }
        if environment.version.hasDashboardIDStarRoutes {
            router.post("/api/user/stars/dashboard/:id") { _, context in
                try await change(context, star: true, try Self.idReference(context))
            }
            router.delete("/api/user/stars/dashboard/:id") { _, context in
                try await change(context, star: false, try Self.idReference(context))
            }
        }
    }

    static func uidReference(_ context: SandboxRequestContext) throws -> DashboardsController.Reference {
        let uid = context.stringParameter("uid")
        guard !uid.isEmpty else { throw GrafanaError.error(.badRequest, "Invalid dashboard UID", cause: false) }
        return .uid(uid)
    }

    /// `strconv.ParseInt` failing is 400 "Invalid dashboard ID"; an id of 0 or less is
    /// 400 "Missing dashboard id".
    static func idReference(_ context: SandboxRequestContext) throws -> DashboardsController.Reference {
        let id = try context.int64Parameter("id", orAnswer: .error(.badRequest, "Invalid dashboard ID", cause: false))
        guard id > 0 else { throw GrafanaError.error(.badRequest, "Missing dashboard id", cause: false) }
        return .id(id)
    }

    /// `GetStars`: the uids of the user's starred dashboards in the current org.
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.caller()
        let uids = await environment.store.read { state in
            state.dashboards.starredIDs(userID: identity.userID).compactMap { id -> StoredDashboard? in
                state.dashboards[id: id].flatMap { $0.orgID == identity.orgID ? $0 : nil }
            }.sorted { $0.id < $1.id }.map { Value.string($0.uid) }
        }
        return SandboxResponse.json(.ok, .list(uids))
    }

    /// Star or unstar: the dashboard is looked up first (`getDashboardHelper`, 404 "Dashboard not
    /// found"). Starring twice breaks the star table's unique index on `user_id, dashboard_id`:
    /// up to 9.x that is 500 "Failed to star dashboard", from 10 the store ignores the
    /// violation and the star succeeds (``GrafanaVersion/starringTwiceSucceeds``). Unstarring one
    /// that is not starred deletes nothing and succeeds.
    func change(_ context: SandboxRequestContext, star: Bool, _ reference: DashboardsController.Reference)
        async throws -> Response
    {
        let identity = try context.caller()
        let idempotent = environment.version.starringTwiceSucceeds
        try await environment.store.write { state in
            let dashboard = try state.dashboard(reference, orgID: identity.orgID)
            if star {
                guard state.dashboards.star(userID: identity.userID, dashboardID: dashboard.id) || idempotent else {
                    throw GrafanaError.error(.internalServerError, "Failed to star dashboard", cause: true)
                }
            } else {
                state.dashboards.unstar(userID: identity.userID, dashboardID: dashboard.id)
            }
        }
        return SandboxResponse.success(star ? "Dashboard starred!" : "Dashboard unstarred")
    }
}
