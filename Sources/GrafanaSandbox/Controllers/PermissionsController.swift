import Foundation
import GFSValue
import Hummingbird

/// Folder and dashboard permissions in the legacy ACL shape, `GET/POST
/// /api/folders/:uid/permissions` and `/api/dashboards/uid/:uid/permissions`
/// (`pkg/api/folder_permission.go`, `pkg/api/dashboard_permission.go`). The entries are stored,
/// listed, and decide access to the resources (`HTTP/Access.swift`).
struct PermissionsController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        // `pkg/api/api.go`: each route is authorised on the resource's own scope
        // (`folders.permissions:read` on `folders:uid:<uid>` and so on), so the grants decide.
        router.get("/api/folders/:uid/permissions") { _, context in
            let uid = context.stringParameter("uid")
            let identity = try await context.requireFolder(.foldersPermissionsRead, uid: uid, in: environment)
            return try await list(.folder, uid: uid, identity: identity)
        }
        router.post("/api/folders/:uid/permissions") { request, context in
            let uid = context.stringParameter("uid")
            let identity = try await context.requireFolder(.foldersPermissionsWrite, uid: uid, in: environment)
            return try await update(.folder, uid: uid, identity: identity, request: request, context: context)
        }
        router.get("/api/dashboards/uid/:uid/permissions") { _, context in
            let uid = context.stringParameter("uid")
            let identity = try await context.requireDashboard(.dashboardsPermissionsRead, uid: uid, in: environment)
            return try await list(.dashboard, uid: uid, identity: identity)
        }
        router.post("/api/dashboards/uid/:uid/permissions") { request, context in
            let uid = context.stringParameter("uid")
            let identity = try await context.requireDashboard(.dashboardsPermissionsWrite, uid: uid, in: environment)
            return try await update(.dashboard, uid: uid, identity: identity, request: request, context: context)
        }
        // The deprecated id routes (`GetDashboardPermissionListByID`, `UpdateDashboardPermissionsByID`):
        // a malformed id is 400 "dashboardId is invalid" (`pkg/api/dashboard_permission.go`).
        router.get("/api/dashboards/id/:dashboardID/permissions") { _, context in
            let uid = try await dashboardUID(context)
            let identity = try await context.requireDashboard(.dashboardsPermissionsRead, uid: uid, in: environment)
            return try await list(.dashboard, uid: uid, identity: identity)
        }
        router.post("/api/dashboards/id/:dashboardID/permissions") { request, context in
            let uid = try await dashboardUID(context)
            let identity = try await context.requireDashboard(.dashboardsPermissionsWrite, uid: uid, in: environment)
            return try await update(.dashboard, uid: uid, identity: identity, request: request, context: context)
        }
    }

    /// The uid of the dashboard named by `:dashboardID` in the caller's org; an unknown id is
    /// the dashboard lookup's 404.
    private func dashboardUID(_ context: SandboxRequestContext) async throws -> String {
        let identity = try context.caller()
        let id = try context.int64Parameter(
            "dashboardID",
            orAnswer: .error(.badRequest, "dashboardId is invalid", cause: true)
        )
        let uid = await environment.store.read { state in
            state.dashboards[id: id].flatMap { $0.orgID == identity.orgID ? $0.uid : nil }
        }
        guard let uid else { throw DashboardsController.lookupNotFound }
        return uid
    }

    /// One bound `dtos.DashboardACLUpdateItem`.
    struct Item: Sendable {
        var userID: Int64
        var teamID: Int64
        var role: OrgRole?
        var permission: Int64
    }

    private func notFound(_ resource: StoredPermission.Resource) -> GrafanaError {
        resource == .folder ? FoldersController.notFound : DashboardsController.lookupNotFound
    }

    /// `GetDashboardPermissionList` / `GetFolderPermissionList`: `[]DashboardACLInfoDTO`.
    /// Resources start with Grafana's defaults: the creator as Admin, Editor Edit, Viewer View.
    private func list(_ resource: StoredPermission.Resource, uid: String, identity: Identity) async throws -> Response {
        let version = environment.version
        let body = try await environment.store.read { state -> Value in
            guard let target = state.permissionTarget(resource, uid: uid, orgID: identity.orgID) else {
                throw notFound(resource)
            }
            let entries = state.permissions(resource, uid: uid, orgID: identity.orgID, target: target, version: version)
            return .list(entries.map { state.aclJSON($0, target: target) })
        }
        return SandboxResponse.json(.ok, body)
    }

    /// `UpdateDashboardPermissions` / `UpdateFolderPermissions`: binds `{items: [{userId, teamId,
    /// role, permission}]}`, validates (`validatePermissionsUpdate`, messages of
    /// `pkg/services/dashboards/dashboardaccess`), and replaces the list.
    private func update(
        _ resource: StoredPermission.Resource,
        uid: String,
        identity: Identity,
        request: Request,
        context: SandboxRequestContext
    ) async throws -> Response {
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let items = try bind(.badRequestData) { () throws(RequestForm.Failure) -> [Item] in
            try form.array("items") { value throws(RequestForm.Failure) -> Item in
                guard case .record(let object) = value else { throw RequestForm.Failure() }
                let item = RequestForm(object: object, document: value)
                var role: OrgRole?
                if let text = try item.string("role") {
                    guard let parsed = OrgRole(grafana: text) else { throw RequestForm.Failure() }
                    role = parsed
                }
                return Item(
                    userID: try item.int("userId") ?? 0,
                    teamID: try item.int("teamId") ?? 0,
                    role: role,
                    permission: try item.int("permission") ?? 0
                )
            } ?? []
        }
        for item in items {
            // The two Grafana messages are swapped relative to their names; kept as Grafana has them.
            if item.userID > 0 && item.teamID > 0 {
                throw GrafanaError.error(
                    .badRequest,
                    "team and user permissions cannot have an associated role",
                    cause: true
                )
            }
            if (item.userID > 0 || item.teamID > 0) && item.role != nil {
                throw GrafanaError.error(.badRequest, "permissions cannot have both a user and team", cause: true)
            }
            if item.userID == 0 && item.teamID == 0 && item.role == nil {
                let message =
                    resource == .folder
                    ? "user id and team id cannot both be empty for a folder permission"
                    : "user id and team id cannot both be empty for a dashboard permission"
                throw GrafanaError.error(.badRequest, message, cause: true)
            }
            // Only View (1), Edit (2) and Admin (4) exist (`dashboardaccess.PermissionType`);
            // the answer for another number is inferred.
            guard [1, 2, 4].contains(item.permission) else {
                throw GrafanaError.error(.badRequest, "Invalid permission", cause: false)
            }
        }
        try await environment.store.write { state in
            guard state.permissionTarget(resource, uid: uid, orgID: identity.orgID) != nil else {
                throw notFound(resource)
            }
            // An unknown user or team fails in the permission service (500; inferred wording).
            for item in items {
                if item.userID > 0 && state.membership(orgID: identity.orgID, userID: item.userID) == nil {
                    throw GrafanaError.error(.internalServerError, "Failed to create permission", cause: true)
                }
                if item.teamID > 0 && state.team(item.teamID, orgID: identity.orgID) == nil {
                    throw GrafanaError.error(.internalServerError, "Failed to create permission", cause: true)
                }
            }
            let now = environment.now()
            state.permissions.removeAll {
                $0.orgID == identity.orgID && $0.resource == resource && $0.resourceUID == uid
            }
            state.permissions += items.map { item in
                StoredPermission(
                    orgID: identity.orgID,
                    resource: resource,
                    resourceUID: uid,
                    userID: item.userID > 0 ? item.userID : nil,
                    teamID: item.teamID > 0 ? item.teamID : nil,
                    role: item.role,
                    permission: item.permission,
                    created: now,
                    updated: now
                )
            }
            state.permissionsCustomised.insert("\(identity.orgID)/\(resource.rawValue)/\(uid)")
        }
        return SandboxResponse.success(
            resource == .folder ? "Folder permissions updated" : "Dashboard permissions updated"
        )
    }
}

/// What a permission list describes.
struct PermissionTarget: Sendable {
    var id: Int64
    var uid: String
    var title: String
    var url: String
    var isFolder: Bool
    var folderUID: String
    var createdBy: Int64
    var created: Date
}

extension SandboxState {
    func permissionTarget(_ resource: StoredPermission.Resource, uid: String, orgID: Int64) -> PermissionTarget? {
        switch resource {
        case .folder:
            folder(uid: uid, orgID: orgID).map {
                PermissionTarget(
                    id: $0.id,
                    uid: $0.uid,
                    title: $0.title,
                    url: folderURL($0),
                    isFolder: true,
                    folderUID: $0.parentUID ?? "",
                    createdBy: $0.createdBy,
                    created: $0.created
                )
            }
        case .dashboard:
            dashboard(uid: uid, orgID: orgID).map {
                PermissionTarget(
                    id: $0.id,
                    uid: $0.uid,
                    title: $0.title,
                    url: dashboardURL($0),
                    isFolder: false,
                    folderUID: $0.folderUID ?? "",
                    createdBy: $0.createdBy,
                    created: $0.created
                )
            }
        }
    }

    /// The stored entries, or Grafana's defaults for a resource whose permissions were never set
    /// (`setDefaultPermissions` in `pkg/services/dashboards/service/dashboard_service.go`): the
    /// creator Admin (a service account too from 11, `IsIdentityType(TypeUser, TypeServiceAccount)`),
    /// and for a resource in the root folder only, Editor Edit and Viewer View; a dashboard or
    /// folder inside a folder inherits the rest from it.
    func permissions(
        _ resource: StoredPermission.Resource,
        uid: String,
        orgID: Int64,
        target: PermissionTarget,
        version: GrafanaVersion
    ) -> [StoredPermission] {
        if permissionsCustomised.contains("\(orgID)/\(resource.rawValue)/\(uid)") {
            return permissions.filter { $0.orgID == orgID && $0.resource == resource && $0.resourceUID == uid }
        }
        var defaults: [StoredPermission] = []
        if let creator = user(target.createdBy),
            !creator.isServiceAccount || version.serviceAccountCreatorIsAdmin
        {
            defaults.append(
                StoredPermission(
                    orgID: orgID,
                    resource: resource,
                    resourceUID: uid,
                    userID: creator.id,
                    permission: 4,
                    created: target.created,
                    updated: target.created
                )
            )
        }
        guard target.folderUID.isEmpty else { return defaults }
        defaults.append(
            StoredPermission(
                orgID: orgID,
                resource: resource,
                resourceUID: uid,
                role: .editor,
                permission: 2,
                created: target.created,
                updated: target.created
            )
        )
        defaults.append(
            StoredPermission(
                orgID: orgID,
                resource: resource,
                resourceUID: uid,
                role: .viewer,
                permission: 1,
                created: target.created,
                updated: target.created
            )
        )
        return defaults
    }

    /// `dashboards.DashboardACLInfoDTO`.
    func aclJSON(_ entry: StoredPermission, target: PermissionTarget) -> Value {
        let user = entry.userID.flatMap { self.user($0) }
        let team = entry.teamID.flatMap { self.team($0, orgID: entry.orgID) }
        var object: Record = [
            "dashboardId": .int(target.isFolder ? 0 : target.id), "folderUid": .string(target.folderUID),
            "created": GoTime.json(entry.created), "updated": GoTime.json(entry.updated),
            "userId": .int(entry.userID ?? 0), "userLogin": .string(user?.login ?? ""),
            "userEmail": .string(user?.email ?? ""),
            "userAvatarUrl": .string(user.map { GrafanaFormat.avatarURL($0.email) } ?? ""),
            "teamId": .int(entry.teamID ?? 0),
            "teamEmail": .string(team?.email ?? ""),
            "teamAvatarUrl": .string(team.map { GrafanaFormat.avatarURL(email: $0.email, orName: $0.name) } ?? ""),
            "team": .string(team?.name ?? ""),
        ]
        if let role = entry.role { object["role"] = .string(role.rawValue) }
        object["permission"] = .int(entry.permission)
        object["permissionName"] = .string(["1": "View", "2": "Edit", "4": "Admin"]["\(entry.permission)"] ?? "")
        object["uid"] = .string(target.uid)
        object["title"] = .string(target.title)
        object["slug"] = .string(GrafanaFormat.slug(target.title))
        object["isFolder"] = .bool(target.isFolder)
        object["url"] = .string(target.url)
        object["inherited"] = false
        return .record(object)
    }
}
