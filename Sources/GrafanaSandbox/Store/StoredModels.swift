import Foundation
import GFSValue

// The sandbox's own storage types. They mirror Grafana's tables (org, user, org_user, api_key,
// dashboard, data_source, team, preferences, permission), not the client module's models,
// so the two sides meet only over HTTP and JSON.

/// An organization role (`org.RoleType` in `pkg/services/org/model.go`).
enum OrgRole: String, Codable, Sendable, CaseIterable {
    case none = "None"
    case viewer = "Viewer"
    case editor = "Editor"
    case admin = "Admin"

    private var rank: Int {
        switch self {
        case .none: 0
        case .viewer: 1
        case .editor: 2
        case .admin: 3
        }
    }

    /// `RoleType.Includes`: whether this role grants at least `other`.
    func includes(_ other: OrgRole) -> Bool { rank >= other.rank }

    /// Parses a role as Grafana's `RoleType.IsValid` accepts it (exact spelling).
    init?(grafana text: String) { self.init(rawValue: text) }
}

struct StoredOrg: Codable, Sendable {
    var id: Int64
    var name: String
    var address1 = ""
    var address2 = ""
    var city = ""
    var zipCode = ""
    var state = ""
    var country = ""
    var created: Date
    var updated: Date
}

struct StoredUser: Codable, Sendable {
    var id: Int64
    var uid: String
    var login: String
    var email: String
    var name: String
    /// SHA-256 of salt and password; empty for service accounts, which cannot sign in.
    var passwordHash: String
    var salt: String
    var isServerAdmin: Bool
    var isDisabled: Bool
    var isServiceAccount: Bool
    /// The user's current org (`user.org_id`), changed by `POST /api/user/using/:id`.
    var currentOrgID: Int64
    var theme: String = ""
    var created: Date
    var updated: Date
    var lastSeen: Date?
    /// The UI's help-flag bitmask (`user.help_flags1`); optional so older state files load.
    var helpFlags1: Int64?
}

/// Membership of a user (or service account) in an org (`org_user`).
struct StoredMembership: Codable, Sendable {
    var orgID: Int64
    var userID: Int64
    var role: OrgRole
    var created: Date
    var updated: Date
}

/// A legacy API key or a service-account token (both live in Grafana's `api_key` table).
struct StoredAPIKey: Codable, Sendable {
    var id: Int64
    var orgID: Int64
    var name: String
    var role: OrgRole
    var secretHash: String
    var created: Date
    var updated: Date
    var expires: Date?
    var lastUsed: Date?
    var isRevoked: Bool = false
    /// Set for service-account tokens.
    var serviceAccountID: Int64?
}

struct StoredFolder: Codable, Sendable {
    var id: Int64
    var uid: String
    var orgID: Int64
    var title: String
    var description: String
    var parentUID: String?
    var version: Int64
    var created: Date
    var updated: Date
    var createdBy: Int64
    var updatedBy: Int64
}

struct StoredDashboard: Codable, Sendable {
    var id: Int64
    var uid: String
    var orgID: Int64
    var title: String
    var slug: String
    /// The dashboard model as saved, with `id`, `uid` and `version` kept in step.
    var data: Value
    var version: Int64
    var folderUID: String?
    var pluginID: String = ""
    var tags: [String]
    var created: Date
    var updated: Date
    var createdBy: Int64
    var updatedBy: Int64
    var message: String = ""
}

/// One saved version of a dashboard (`dashver.DashboardVersion`, the `dashboard_version` table).
struct StoredDashboardVersion: Codable, Sendable {
    var id: Int64
    var dashboardID: Int64
    var parentVersion: Int64
    var restoredFrom: Int64
    var version: Int64
    var created: Date
    var createdBy: Int64
    var message: String
    var data: Value
}

/// A dashboard starred by a user (`star.Star`).
struct StoredStar: Codable, Sendable {
    var userID: Int64
    var dashboardID: Int64
}

struct StoredDataSource: Codable, Sendable {
    var id: Int64
    var uid: String
    var orgID: Int64
    var name: String
    var type: String
    var access: String
    var url: String
    var user: String
    var database: String
    var basicAuth: Bool
    var basicAuthUser: String
    var withCredentials: Bool
    var isDefault: Bool
    var jsonData: Value
    /// Names of `secureJsonData` fields that were set; values are never kept in clear.
    var secureJsonFields: [String]
    var version: Int64
    var readOnly: Bool
    var created: Date
    var updated: Date
}

struct StoredTeam: Codable, Sendable {
    var id: Int64
    var uid: String
    var orgID: Int64
    var name: String
    var email: String
    var created: Date
    var updated: Date
}

struct StoredTeamMember: Codable, Sendable {
    var orgID: Int64
    var teamID: Int64
    var userID: Int64
    /// 0 = member, 4 = team admin (`dashboardaccess.PERMISSION_ADMIN`).
    var permission: Int64
}

/// Preferences of an org (userID = teamID = 0), a team or a user (`preferences` table).
struct StoredPreferences: Codable, Sendable {
    var orgID: Int64
    var userID: Int64
    var teamID: Int64
    var homeDashboardUID: String = ""
    var theme: String = ""
    var timezone: String = ""
    var weekStart: String = ""
    var locale: String = ""
    var language: String = ""
}

/// One access-control entry on a dashboard or folder (legacy ACL shape).
struct StoredPermission: Codable, Sendable {
    enum Resource: String, Codable, Sendable { case dashboard, folder }
    var orgID: Int64
    var resource: Resource
    var resourceUID: String
    var userID: Int64?
    var teamID: Int64?
    var role: OrgRole?
    /// 1 = View, 2 = Edit, 4 = Admin.
    var permission: Int64
    var created: Date
    var updated: Date

    init(
        orgID: Int64,
        resource: Resource,
        resourceUID: String,
        userID: Int64? = nil,
        teamID: Int64? = nil,
        role: OrgRole? = nil,
        permission: Int64,
        created: Date,
        updated: Date
    ) {
        self.orgID = orgID
        self.resource = resource
        self.resourceUID = resourceUID
        self.userID = userID
        self.teamID = teamID
        self.role = role
        self.permission = permission
        self.created = created
        self.updated = updated
    }
}

/// Everything the sandbox knows; one value, so a change is applied to a copy and committed
/// whole, and a failing request never leaves half its writes behind.
struct SandboxState: Codable, Sendable {
    var nextOrgID: Int64 = 1
    var nextUserID: Int64 = 1
    var nextAPIKeyID: Int64 = 1
    var nextDashboardID: Int64 = 1
    var nextDataSourceID: Int64 = 1
    var nextTeamID: Int64 = 1
    var orgs: [StoredOrg] = []
    var users: [StoredUser] = []
    var memberships: [StoredMembership] = []
    var apiKeys: [StoredAPIKey] = []
    var folders: [StoredFolder] = []
    var dashboards = DashboardTable()
    var dataSources: [StoredDataSource] = []
    var teams: [StoredTeam] = []
    var teamMembers: [StoredTeamMember] = []
    var preferences: [StoredPreferences] = []
    var permissions: [StoredPermission] = []
    /// Resources whose permissions were set explicitly (`org/resource/uid`); the others list
    /// Grafana's defaults.
    var permissionsCustomised: Set<String> = []
    /// Library elements, annotations, snapshots and playlists (`LibraryTables.swift`).
    var libraryTables: LibraryTables?
}
