import Foundation
import Hummingbird

// Access to folders and dashboards decided by their stored permissions, as Grafana's RBAC
// decides it: a managed permission (user, team or basic role; View, Edit or Admin) on a
// dashboard or on any folder above it grants the actions of its level
// (`pkg/services/dashboards/accesscontrol.go`, `pkg/services/accesscontrol/resourcepermissions`
// and the folder and dashboard permission services of `pkg/services/accesscontrol/ossaccesscontrol`).
// Org Admins hold every dashboard and folder action on every scope (basic Admin role); Editors
// may also create dashboards and folders under the root folder (`fixed:dashboards:creator`,
// `fixed:folders:creator`, granted to Editor by `declareFixedRoles` in `pkg/api/accesscontrol.go`).
// Everything else comes from the stored grants, so a Viewer granted Edit on one folder can save
// dashboards there and nowhere else, and a team's grant reaches its members.

extension SandboxEnvironment {
    /// The configured clock (``SandboxConfiguration/now``).
    func now() -> Date { configuration.now() }
}

/// The levels of a managed permission (`dashboardaccess.PermissionType`: View 1, Edit 2, Admin 4).
enum AccessLevel {
    static let none: Int64 = 0
    static let view: Int64 = 1
    static let edit: Int64 = 2
    static let admin: Int64 = 4
}

extension Action {
    /// The level whose action set holds this action (`DashboardViewActions`, `DashboardEditActions`,
    /// `DashboardAdminActions` and their folder counterparts in `ossaccesscontrol`):
    /// View reads, Edit writes, creates inside a folder and deletes, Admin reads and changes
    /// the permissions.
    var requiredLevel: Int64 {
        switch self {
        case .dashboardsRead, .foldersRead: AccessLevel.view
        case .dashboardsPermissionsRead, .dashboardsPermissionsWrite, .foldersPermissionsRead,
            .foldersPermissionsWrite:
            AccessLevel.admin
        default: AccessLevel.edit
        }
    }
}

extension SandboxState {
    /// The teams `userID` belongs to in `orgID` (team admins included).
    func teamIDs(of userID: Int64, orgID: Int64) -> Set<Int64> {
        guard userID != 0 else { return [] }
        return Set(teamMembers.filter { $0.orgID == orgID && $0.userID == userID }.map(\.teamID))
    }

    /// Whether a stored permission names the caller: as the user, through one of their teams,
    /// or through their basic role, which includes the roles below it (basic Editor inherits
    /// basic Viewer's permissions, `pkg/services/accesscontrol/roles.go` `BuiltInRolesWithParents`).
    func grant(_ entry: StoredPermission, reaches identity: Identity, teams: Set<Int64>) -> Bool {
        if let userID = entry.userID { return userID != 0 && userID == identity.userID }
        if let teamID = entry.teamID { return teams.contains(teamID) }
        if let role = entry.role { return identity.orgRole != .none && identity.orgRole.includes(role) }
        return false
    }

    /// The strongest level the caller holds on a dashboard or folder, through its own
    /// permissions and those of every folder above it (the scope resolvers of
    /// `pkg/services/dashboards/accesscontrol.go` expand a dashboard to its parent folders);
    /// `nil` when the resource does not exist.
    func accessLevel(
        _ identity: Identity,
        _ resource: StoredPermission.Resource,
        uid: String,
        version: GrafanaVersion
    ) -> Int64? {
        var chain: [(StoredPermission.Resource, String)] = []
        var parent: String?
        switch resource {
        case .dashboard:
            guard let dashboard = dashboard(uid: uid, orgID: identity.orgID) else { return nil }
            chain.append((.dashboard, dashboard.uid))
            parent = dashboard.folderUID
        case .folder:
            guard folder(uid: uid, orgID: identity.orgID) != nil else { return nil }
            parent = uid
        }
        if identity.orgRole == .admin { return AccessLevel.admin }
        while let folderUID = parent, let folder = folder(uid: folderUID, orgID: identity.orgID),
            !chain.contains(where: { $0.0 == .folder && $0.1 == folderUID })
        {
            chain.append((.folder, folderUID))
            parent = folder.parentUID
        }
        let teams = teamIDs(of: identity.userID, orgID: identity.orgID)
        var best = AccessLevel.none
        for (kind, resourceUID) in chain {
            guard let target = permissionTarget(kind, uid: resourceUID, orgID: identity.orgID) else { continue }
            for entry in permissions(kind, uid: resourceUID, orgID: identity.orgID, target: target, version: version)
            where grant(entry, reaches: identity, teams: teams) {
                best = max(best, entry.permission)
            }
        }
        return best
    }

    /// Whether the caller may see the folder: the folder list shows only those
    /// (`pkg/services/folder/folderimpl` `GetChildren` filters by `folders:read`).
    func canRead(_ identity: Identity, folderUID: String, version: GrafanaVersion) -> Bool {
        // Admins read everything; answering before the lookups keeps long lists linear.
        if identity.orgRole == .admin { return true }
        return (accessLevel(identity, .folder, uid: folderUID, version: version) ?? AccessLevel.none)
            >= AccessLevel.view
    }

    /// Whether the caller may read the dashboard, for lists that show only what the caller can
    /// see (`pkg/services/search` filters hits by `dashboards:read` / `folders:read`).
    func canRead(_ identity: Identity, dashboardUID: String, version: GrafanaVersion) -> Bool {
        if identity.orgRole == .admin { return true }
        return (accessLevel(identity, .dashboard, uid: dashboardUID, version: version) ?? AccessLevel.none)
            >= AccessLevel.view
    }

    /// The caller's grant on a dashboard or folder as the role whose rights it carries, for
    /// the `canSave`/`canEdit`/`canAdmin` flags of the dashboard and folder answers, which
    /// Grafana computes from the same permissions (`dashboards:write`, `dashboards.permissions:write`
    /// on the resource, `pkg/api/dashboard.go` `getDashboardHelper` and `pkg/api/folder.go`).
    func grantedRole(
        _ identity: Identity,
        _ resource: StoredPermission.Resource,
        uid: String,
        version: GrafanaVersion
    ) -> OrgRole {
        switch accessLevel(identity, resource, uid: uid, version: version) ?? AccessLevel.none {
        case AccessLevel.admin...: .admin
        case AccessLevel.edit...: .editor
        case AccessLevel.view...: .viewer
        default: .none
        }
    }

    /// The strongest level the caller holds on any folder or dashboard of the org: what an
    /// unscoped `authorize(ac.EvalPermission(action))` asks (does the caller have the action on
    /// any scope at all).
    func strongestGrant(_ identity: Identity, version: GrafanaVersion) -> Int64 {
        if identity.orgRole == .admin { return AccessLevel.admin }
        let teams = teamIDs(of: identity.userID, orgID: identity.orgID)
        var best = AccessLevel.none
        for folder in folders where folder.orgID == identity.orgID {
            guard let target = permissionTarget(.folder, uid: folder.uid, orgID: identity.orgID) else { continue }
            for entry in permissions(.folder, uid: folder.uid, orgID: identity.orgID, target: target, version: version)
            where grant(entry, reaches: identity, teams: teams) {
                best = max(best, entry.permission)
            }
        }
        for entry in permissions where entry.orgID == identity.orgID && entry.resource == .dashboard {
            if grant(entry, reaches: identity, teams: teams) { best = max(best, entry.permission) }
        }
        return best
    }

    /// The dashboard service's save check (`getGuardianForSavePermissionCheck` in
    /// `pkg/services/dashboards/service/dashboard_service.go`): an existing dashboard needs
    /// `dashboards:write` on it, a new one (or one moved to another folder) `dashboards:create`
    /// in the target folder, which basic Editors hold on the root folder. A refusal is
    /// `ErrDashboardUpdateAccessDenied`: 403 "Access denied to save dashboard".
    func checkCanSave(
        _ identity: Identity,
        existing: StoredDashboard?,
        folderUID: String?,
        version: GrafanaVersion
    ) throws {
        let denied = GrafanaError.error(.forbidden, "Access denied to save dashboard", cause: true)
        if let existing {
            let level = accessLevel(identity, .dashboard, uid: existing.uid, version: version) ?? AccessLevel.none
            guard level >= AccessLevel.edit else { throw denied }
            if existing.folderUID == folderUID { return }
        }
        guard let folderUID else {
            guard identity.orgRole.includes(.editor) else { throw denied }
            return
        }
        guard (accessLevel(identity, .folder, uid: folderUID, version: version) ?? AccessLevel.none) >= AccessLevel.edit
        else { throw denied }
    }
    /// The folder service's create check (`pkg/services/folder/folderimpl/folder.go` `Create`):
    /// `folders:create` on the parent folder, which its Edit grant carries; under the root
    /// folder, basic Editor and above (`fixed:folders:creator`). A refusal is
    /// `ErrFolderCreationAccessDenied` (`pkg/services/dashboards/errors.go`).
    func checkCanCreateFolder(_ identity: Identity, parentUID: String?, version: GrafanaVersion) throws {
        let allowed: Bool
        if let parentUID, !parentUID.isEmpty {
            allowed = (accessLevel(identity, .folder, uid: parentUID, version: version) ?? 0) >= AccessLevel.edit
        } else {
            allowed = identity.orgRole.includes(.editor)
        }
        guard !allowed else { return }
        throw GrafanaError.errutil(
            .forbidden,
            messageID: "folders.forbiddenCreation",
            message: "not enough permissions to create a folder in the selected location"
        )
    }
}

extension SandboxRequestContext {
    /// `authorize(ac.EvalPermission(action, dashboardScope))` for the dashboard `uid` (by default
    /// the route's `:uid`): the 403 `Access denied` naming the action when the caller's grants do
    /// not reach it. An unknown dashboard passes, so the handler answers its own 404. The
    /// identity returned carries the caller's grant there as ``Identity/resourceRole``.
    @discardableResult
    func requireDashboard(_ action: Action, uid: String? = nil, in environment: SandboxEnvironment) async throws
        -> Identity
    {
        try await requireResource(action, .dashboard, uid: uid ?? stringParameter("uid"), in: environment)
    }

    /// `authorize(ac.EvalPermission(action, folderScope))` for the folder `uid` (by default the
    /// route's `:uid`), as ``requireDashboard(_:uid:in:)``.
    @discardableResult
    func requireFolder(_ action: Action, uid: String? = nil, in environment: SandboxEnvironment) async throws
        -> Identity
    {
        try await requireResource(action, .folder, uid: uid ?? stringParameter("uid"), in: environment)
    }

    private func requireResource(
        _ action: Action,
        _ resource: StoredPermission.Resource,
        uid: String,
        in environment: SandboxEnvironment
    ) async throws -> Identity {
        let caller = try caller()
        let version = environment.version
        let (level, role) = await environment.store.read { state in
            (
                state.accessLevel(caller, resource, uid: uid, version: version),
                state.grantedRole(caller, resource, uid: uid, version: version)
            )
        }
        guard let level else { return caller }
        guard level >= action.requiredLevel else { throw GrafanaError.accessDenied(action.rawValue) }
        var identity = caller
        identity.grantedRole = role
        return identity
    }

    /// An unscoped `authorize(ac.EvalAny(...))` for dashboard and folder actions: the caller's
    /// basic role holds one of them, or a stored grant anywhere in the org does (a Viewer with
    /// Edit on one folder passes `POST /api/dashboards/db`; the save check then decides).
    @discardableResult
    func requireAnywhere(_ actions: [Action], in environment: SandboxEnvironment) async throws -> Identity {
        let identity = try caller()
        if actions.contains(where: { $0.isGranted(to: identity, role: identity.orgRole, scope: .requestOrg) }) {
            return identity
        }
        let version = environment.version
        let best = await environment.store.read { $0.strongestGrant(identity, version: version) }
        if actions.contains(where: { best >= $0.requiredLevel }) { return identity }
        let evaluator =
            actions.count == 1 ? actions[0].rawValue : "any of " + actions.map(\.rawValue).joined(separator: ", ")
        throw GrafanaError.accessDenied(evaluator)
    }
}
