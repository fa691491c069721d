import Foundation
import GFSValue
import Hummingbird

/// Dashboard snapshots, `/api/snapshots…` and `/api/dashboard/snapshots` (`pkg/api/dashboard_snapshot.go`,
/// `pkg/services/dashboardsnapshots/service.go` `CreateDashboardSnapshot`). Only local snapshots:
/// the sandbox has no external snapshot server, so `external: true` is refused as Grafana refuses
/// it with `external_enabled = false`.
struct SnapshotsController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/api/snapshots", use: create)
        router.get("/api/dashboard/snapshots", use: list)
        router.get("/api/snapshots/:key", use: get)
        router.delete("/api/snapshots/:key", use: delete)
        router.get("/api/snapshots-delete/:deleteKey", use: deleteWithKey)
    }

    /// `CreateDashboardSnapshot`: binds `{dashboard (required), name, expires (seconds),
    /// external, key, deleteKey}`; the dashboard's uid must name a saved dashboard (400
    /// "Dashboard not found"); keys are 32 random characters unless given; no name is
    /// "Unnamed snapshot"; `expires` 0 is never (50 years). Answers `{key, deleteKey, url, deleteUrl}`,
    /// plus the snapshot `id` where the version sends it.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        // `reqSnapshotPublicModeOrSignedIn` (9.x) lets any signed-in member create one; 11.x
        // asks for `snapshots:create`, whose basic-role grant is taken to be the same (inferred).
        let identity = try context.requireBasicRole(.viewer, action: "snapshots:create")
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (dashboard, name, expires, external, key, deleteKey) = try bind(.badRequestData) {
            () throws(RequestForm.Failure) in
            guard let dashboard = try form.objectValue("dashboard") else { throw RequestForm.Failure() }
            return (
                dashboard, try form.string("name") ?? "", try form.int("expires") ?? 0,
                try form.bool("external") ?? false,
                try form.string("key") ?? "", try form.string("deleteKey") ?? ""
            )
        }
        if external {
            throw GrafanaError.jsonAPIError(.forbidden, "External dashboard creation is disabled")
        }
        let uid = dashboard["uid"]?.stringValue ?? ""
        let snapshot = try await environment.store.write { state -> StoredSnapshot in
            guard state.dashboard(uid: uid, orgID: identity.orgID) != nil else {
                throw GrafanaError.jsonAPIError(.badRequest, "Dashboard not found")
            }
            let now = Date()
            let snapshot = StoredSnapshot(
                id: state.library.nextSnapshotID,
                orgID: identity.orgID,
                userID: identity.userID,
                name: name.isEmpty ? "Unnamed snapshot" : name,
                key: key.isEmpty ? KeyGenerator.randomString(32) : key,
                deleteKey: deleteKey.isEmpty ? KeyGenerator.randomString(32) : deleteKey,
                dashboard: .record(dashboard),
                expires: now.addingTimeInterval(expires > 0 ? TimeInterval(expires) : 50 * 365 * 86400),
                created: now,
                updated: now
            )
            state.library.nextSnapshotID += 1
            state.library.snapshots.append(snapshot)
            return snapshot
        }
        let base = Self.appURL(of: request)
        var pairs: [(String, Value)] = [
            ("deleteKey", .string(snapshot.deleteKey)),
            ("deleteUrl", .string(base + "api/snapshots-delete/" + snapshot.deleteKey)),
            ("key", .string(snapshot.key)), ("url", .string(base + "dashboard/snapshot/" + snapshot.key)),
        ]
        if environment.version.snapshotCreateAnswersID { pairs.append(("id", .int(snapshot.id))) }
        return SandboxResponse.json(.ok, .map(pairs))
    }

    /// `SearchDashboardSnapshots`: the org's snapshots, `query` a substring of the name,
    /// `limit` (default 1000), newest first; each a `DashboardSnapshotDTO`.
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.viewer, action: "snapshots:read")
        let query = request.query("query").lowercased()
        let limit = request.queryInt("limit") > 0 ? request.queryInt("limit") : 1000
        let body = await environment.store.read { state -> Value in
            let rows = state.library.snapshots.filter {
                $0.orgID == identity.orgID && (query.isEmpty || $0.name.lowercased().contains(query))
            }.sorted { ($0.created, $0.id) > ($1.created, $1.id) }.prefix(limit).map { snapshot -> Value in
                .record([
                    "id": .int(snapshot.id), "name": .string(snapshot.name), "key": .string(snapshot.key),
                    "orgId": .int(snapshot.orgID), "userId": .int(snapshot.userID), "external": false,
                    "externalUrl": "", "expires": GoTime.json(snapshot.expires),
                    "created": GoTime.json(snapshot.created), "updated": GoTime.json(snapshot.updated),
                ])
            }
            return .list(Array(rows))
        }
        return SandboxResponse.json(.ok, body)
    }

    /// `GetDashboardSnapshot`: `{dashboard, meta}` with the snapshot's meta. Grafana registers
    /// it with no auth middleware (the key is the credential), so any caller may read it, with
    /// or without credentials (`AuthMiddleware` lets it through).
    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let key = context.stringParameter("key")
        return try await environment.store.read { state in
            guard let snapshot = state.library.snapshots.first(where: { $0.key == key }) else {
                throw GrafanaError.error(.notFound, "Dashboard snapshot not found", cause: true)
            }
            let meta: Value = .record([
                "isSnapshot": true, "type": "snapshot", "canSave": false, "canEdit": false, "canStar": false,
                "slug": .string(GrafanaFormat.slug(snapshot.dashboard["title"]?.stringValue ?? "")),
                "expires": GoTime.json(snapshot.expires), "created": GoTime.json(snapshot.created),
            ])
            return SandboxResponse.json(.ok, .record(["dashboard": snapshot.dashboard, "meta": meta]))
        }
    }

    /// `DeleteDashboardSnapshot`: by key (`reqEditorRole` in 9.x, `snapshots:delete` later);
    /// answers the CDN message and the snapshot's id.
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.editor, action: "snapshots:delete")
        let key = context.stringParameter("key")
        let id = try await environment.store.write { state -> Int64 in
            guard let snapshot = state.library.snapshots.first(where: { $0.key == key && $0.orgID == identity.orgID })
            else { throw GrafanaError.error(.notFound, "Failed to find dashboard snapshot", cause: true) }
            state.library.snapshots.removeAll { $0.id == snapshot.id }
            return snapshot.id
        }
        return SandboxResponse.json(.ok, .map([("id", .int(id)), ("message", .string(Self.deletedMessage))]))
    }

    /// `DeleteDashboardSnapshotByDeleteKey`: the delete key is the credential, so any signed-in
    /// caller may use it; unknown is 404 "Snapshot not found".
    @Sendable func deleteWithKey(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        _ = try context.caller()
        let deleteKey = context.stringParameter("deleteKey")
        let id = try await environment.store.write { state -> Int64 in
            guard let snapshot = state.library.snapshots.first(where: { $0.deleteKey == deleteKey }) else {
                throw GrafanaError.error(.notFound, "Snapshot not found", cause: true)
            }
            state.library.snapshots.removeAll { $0.id == snapshot.id }
            return snapshot.id
        }
        var pairs: [(String, Value)] = [("message", .string(Self.deletedMessage))]
        if environment.version.snapshotCreateAnswersID { pairs.append(("id", .int(id))) }
        return SandboxResponse.json(.ok, .map(pairs))
    }

    static let deletedMessage = "Snapshot deleted. It might take an hour before it's cleared from any CDN caches."
}

extension SnapshotsController {
    /// Grafana's `root_url` (`setting.ToAbsUrl`); the sandbox's is the address the request came
    /// to, from its `Host` header, as the org redirect infers it.
    static func appURL(of request: Request) -> String {
        "http://\(request.head.authority ?? "localhost:3000")/"
    }
}
