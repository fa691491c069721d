/// Who is making a request, after authentication, in the org the request acts in.
struct Identity: Sendable {
    enum Kind: Sendable, Equatable {
        /// A person signed in with basic auth.
        case user
        /// A service account acting through one of its tokens.
        case serviceAccount(tokenID: Int64)
        /// A legacy API key (not owned by a service account).
        case apiKey(keyID: Int64)
    }

    var kind: Kind
    /// The user id (people and service accounts share Grafana's `user` table); 0 for plain keys.
    var userID: Int64
    var login: String
    /// The org the request acts in.
    var orgID: Int64
    /// The role in ``orgID``; `.none` when the caller is not a member of it.
    var orgRole: OrgRole
    var isServerAdmin: Bool
    /// The caller's grant on the dashboard or folder a route acts on, as the role whose rights
    /// it carries; set by the resource checks of `Access.swift`.
    var grantedRole: OrgRole? = nil

    var isUser: Bool { kind == .user }

    /// The role the answer's `canSave`/`canEdit`/`canAdmin` flags follow: the grant on the
    /// resource when a resource check set it, else the org role.
    var resourceRole: OrgRole { grantedRole ?? orgRole }
}

/// Grafana's RBAC actions the sandbox evaluates, granted by basic role as Grafana's fixed
/// roles grant them (`pkg/services/accesscontrol/roles.go`, the basic role definitions of
/// `pkg/services/*/accesscontrol.go`). Scopes narrower than the org are not modelled.
enum Action: String, Sendable {
    case orgsRead = "orgs:read"
    case orgsWrite = "orgs:write"
    case orgsCreate = "orgs:create"
    case orgsDelete = "orgs:delete"
    case orgsPreferencesRead = "orgs.preferences:read"
    case orgsPreferencesWrite = "orgs.preferences:write"
    case orgUsersRead = "org.users:read"
    case orgUsersAdd = "org.users:add"
    case orgUsersWrite = "org.users:write"
    case orgUsersRemove = "org.users:remove"
    case usersRead = "users:read"
    case usersWrite = "users:write"
    case usersCreate = "users:create"
    case usersDelete = "users:delete"
    case usersDisable = "users:disable"
    case usersEnable = "users:enable"
    case usersPasswordWrite = "users.password:write"
    case apiKeysRead = "apikeys:read"
    case apiKeysCreate = "apikeys:create"
    case apiKeysDelete = "apikeys:delete"
    case serviceAccountsRead = "serviceaccounts:read"
    case serviceAccountsCreate = "serviceaccounts:create"
    case serviceAccountsWrite = "serviceaccounts:write"
    case serviceAccountsDelete = "serviceaccounts:delete"
    case dashboardsRead = "dashboards:read"
    case dashboardsCreate = "dashboards:create"
    case dashboardsWrite = "dashboards:write"
    case dashboardsDelete = "dashboards:delete"
    case dashboardsPermissionsRead = "dashboards.permissions:read"
    case dashboardsPermissionsWrite = "dashboards.permissions:write"
    case foldersRead = "folders:read"
    case foldersCreate = "folders:create"
    case foldersWrite = "folders:write"
    case foldersDelete = "folders:delete"
    case foldersPermissionsRead = "folders.permissions:read"
    case foldersPermissionsWrite = "folders.permissions:write"
    case dataSourcesRead = "datasources:read"
    case dataSourcesCreate = "datasources:create"
    case dataSourcesWrite = "datasources:write"
    case dataSourcesDelete = "datasources:delete"
    case dataSourcesIDRead = "datasources.id:read"
    case teamsRead = "teams:read"
    case teamsCreate = "teams:create"
    case teamsWrite = "teams:write"
    case teamsDelete = "teams:delete"
    case teamsPermissionsRead = "teams.permissions:read"
    case teamsPermissionsWrite = "teams.permissions:write"

    /// Actions the Grafana Admin (server admin) role holds in every org
    /// (`pkg/services/accesscontrol/roles.go` `fixed:organization:*`, `fixed:users:*`,
    /// `fixed:org.users:*` granted to `Grafana Admin`).
    private static let serverAdminActions: Set<Action> = [
        .orgsRead, .orgsWrite, .orgsCreate, .orgsDelete, .orgUsersRead, .orgUsersAdd, .orgUsersWrite,
        .orgUsersRemove, .usersRead, .usersWrite, .usersCreate, .usersDelete, .usersDisable, .usersEnable,
        .usersPasswordWrite,
    ]

    /// The least basic role that holds the action in its org.
    /// Viewer: reads of dashboards, folders, data sources and the current org (basic Viewer);
    /// Editor: dashboard and folder writes (basic Editor); Admin: the rest (basic Admin).
    /// `nil` means no basic role holds it (server admin only). Team reads and org preference
    /// reads are placed with Admin (inferred: the sandbox does not model the optional
    /// `editors_can_admin` and the finer fixed roles).
    private var minimumRole: OrgRole? {
        switch self {
        case .orgsRead, .dashboardsRead, .foldersRead, .dataSourcesRead, .dataSourcesIDRead: .viewer
        case .dashboardsCreate, .dashboardsWrite, .dashboardsDelete, .foldersCreate, .foldersWrite, .foldersDelete:
            .editor
        case .orgsWrite, .orgsPreferencesRead, .orgsPreferencesWrite, .orgUsersRead, .orgUsersAdd, .orgUsersWrite,
            .orgUsersRemove, .apiKeysRead, .apiKeysCreate,
            .apiKeysDelete, .serviceAccountsRead, .serviceAccountsCreate, .serviceAccountsWrite,
            .serviceAccountsDelete, .dashboardsPermissionsRead, .dashboardsPermissionsWrite,
            .foldersPermissionsRead, .foldersPermissionsWrite, .dataSourcesCreate, .dataSourcesWrite,
            .dataSourcesDelete, .teamsRead, .teamsCreate, .teamsWrite, .teamsDelete, .teamsPermissionsRead,
            .teamsPermissionsWrite:
            .admin
        case .orgsCreate, .orgsDelete, .usersRead, .usersWrite, .usersCreate, .usersDelete, .usersDisable,
            .usersEnable, .usersPasswordWrite:
            nil
        }
    }

    /// Where the permission is evaluated, as `authorizeInOrg(ac.UseGlobalOrg, …)` and
    /// `authorize(…)` choose in `pkg/api/api.go`.
    enum Scope: Sendable {
        /// The request's org (`authorize`).
        case requestOrg
        /// Server-wide (`ac.UseGlobalOrg`): only server-admin grants count.
        case global
        /// The org named in the path (`ac.UseOrgFromContextParams`).
        case org(Int64)
    }

    func isGranted(to identity: Identity, role: OrgRole, scope: Scope) -> Bool {
        if identity.isServerAdmin && Self.serverAdminActions.contains(self) { return true }
        switch scope {
        case .global: return false
        case .requestOrg, .org: break
        }
        guard let minimumRole else { return false }
        return role != .none && role.includes(minimumRole)
    }
}
