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
    /// The dashboard model as saved, with `id`, `uid` and `version` kept in step, as the JSON
    /// Grafana keeps in `dashboard.data` and writes back (`json.Marshal`: sorted keys, Go's
    /// escapes and floats). A row held as a value tree cost a walk of thousands of scattered
    /// nodes each time it was replaced, which with 5,000 dashboards missed the cache on every
    /// node and made a save a third dearer than with 100; as bytes, `GetDashboard` copies it
    /// into the answer as it is, and its current version shares the same buffer.
    private(set) var modelJSON: [UInt8]
    var version: Int64
    var folderUID: String?
    var pluginID: String = ""
    var tags: [String]
    var created: Date
    var updated: Date
    var createdBy: Int64
    var updatedBy: Int64
    var message: String = ""

    init(
        id: Int64,
        uid: String,
        orgID: Int64,
        title: String,
        slug: String,
        data: Value,
        version: Int64,
        folderUID: String?,
        pluginID: String = "",
        tags: [String],
        created: Date,
        updated: Date,
        createdBy: Int64,
        updatedBy: Int64,
        message: String = ""
    ) {
        self.id = id
        self.uid = uid
        self.orgID = orgID
        self.title = title
        self.slug = slug
        modelJSON = data.jsonBytes(options: .go)
        self.version = version
        self.folderUID = folderUID
        self.pluginID = pluginID
        self.tags = tags
        self.created = created
        self.updated = updated
        self.createdBy = createdBy
        self.updatedBy = updatedBy
        self.message = message
    }

    /// The model as a tree, read from ``modelJSON`` on each use (rare: restores, library panel
    /// connections, the state file); setting it writes the JSON.
    var data: Value {
        get { (try? Value(jsonUTF8: modelJSON)) ?? .null }
        set { modelJSON = newValue.jsonBytes(options: .go) }
    }

    // The state file holds `data` as a JSON value, as it did when rows were trees.
    private enum CodingKeys: String, CodingKey {
        case id, uid, orgID, title, slug, data, version, folderUID, pluginID, tags, created, updated, createdBy
        case updatedBy, message
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(Int64.self, forKey: .id),
            uid: try container.decode(String.self, forKey: .uid),
            orgID: try container.decode(Int64.self, forKey: .orgID),
            title: try container.decode(String.self, forKey: .title),
            slug: try container.decode(String.self, forKey: .slug),
            data: try container.decode(Value.self, forKey: .data),
            version: try container.decode(Int64.self, forKey: .version),
            folderUID: try container.decodeIfPresent(String.self, forKey: .folderUID),
            pluginID: try container.decodeIfPresent(String.self, forKey: .pluginID) ?? "",
            tags: try container.decode([String].self, forKey: .tags),
            created: try container.decode(Date.self, forKey: .created),
            updated: try container.decode(Date.self, forKey: .updated),
            createdBy: try container.decode(Int64.self, forKey: .createdBy),
            updatedBy: try container.decode(Int64.self, forKey: .updatedBy),
            message: try container.decodeIfPresent(String.self, forKey: .message) ?? ""
        )
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(uid, forKey: .uid)
        try container.encode(orgID, forKey: .orgID)
        try container.encode(title, forKey: .title)
        try container.encode(slug, forKey: .slug)
        try container.encode(data, forKey: .data)
        try container.encode(version, forKey: .version)
        try container.encodeIfPresent(folderUID, forKey: .folderUID)
        try container.encode(pluginID, forKey: .pluginID)
        try container.encode(tags, forKey: .tags)
        try container.encode(created, forKey: .created)
        try container.encode(updated, forKey: .updated)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(updatedBy, forKey: .updatedBy)
        try container.encode(message, forKey: .message)
    }
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
    private var storage: VersionData

    init(
        id: Int64,
        dashboardID: Int64,
        parentVersion: Int64,
        restoredFrom: Int64,
        version: Int64,
        created: Date,
        createdBy: Int64,
        message: String,
        data: Value
    ) {
        self.id = id
        self.dashboardID = dashboardID
        self.parentVersion = parentVersion
        self.restoredFrom = restoredFrom
        self.version = version
        self.created = created
        self.createdBy = createdBy
        self.message = message
        storage = .tree(data)
    }

    /// The dashboard model as this version saved it.
    var data: Value {
        get { storage.value }
        set { storage = .tree(newValue) }
    }

    /// The model as JSON. Set to a saved row's ``StoredDashboard/modelJSON``, the version
    /// shares that buffer and has nothing to compact when the row moves on.
    var modelJSON: [UInt8] {
        get {
            switch storage {
            case .tree(let tree): tree.jsonBytes()
            case .json(let bytes): bytes
            }
        }
        set { storage = .json(newValue) }
    }

    /// Keeps the model as compact JSON rather than a value tree, and returns how many bytes
    /// that is. The current version shares its tree with the dashboard's row, which costs
    /// nothing; once the row moves on, the old tree would be the version's alone, four times
    /// the size of its JSON or more, and a replaced dashboard's memory would never come back.
    /// Versions are read rarely (a listing reads none of them), so parsing on read is cheap.
    @discardableResult
    mutating func compact() -> Int {
        if case .tree(let tree) = storage { storage = .json(tree.jsonBytes()) }
        if case .json(let bytes) = storage { return bytes.count }
        return 0
    }

    /// Whether ``compact()`` has run (for tests).
    var isCompact: Bool {
        if case .json = storage { return true }
        return false
    }

    /// The model as a tree, or as the compact JSON it was written to: a value written by the
    /// one JSON writer reads back as the same value (key order, integers, big numbers).
    private enum VersionData: Sendable {
        case tree(Value)
        case json([UInt8])

        var value: Value {
            switch self {
            case .tree(let tree): tree
            case .json(let bytes): (try? Value(jsonUTF8: bytes)) ?? .null
            }
        }
    }

    // The state file holds `data` as before, whichever form the version is kept in.
    private enum CodingKeys: String, CodingKey {
        case id, dashboardID, parentVersion, restoredFrom, version, created, createdBy, message, data
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(Int64.self, forKey: .id),
            dashboardID: try container.decode(Int64.self, forKey: .dashboardID),
            parentVersion: try container.decode(Int64.self, forKey: .parentVersion),
            restoredFrom: try container.decode(Int64.self, forKey: .restoredFrom),
            version: try container.decode(Int64.self, forKey: .version),
            created: try container.decode(Date.self, forKey: .created),
            createdBy: try container.decode(Int64.self, forKey: .createdBy),
            message: try container.decode(String.self, forKey: .message),
            data: try container.decode(Value.self, forKey: .data)
        )
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(dashboardID, forKey: .dashboardID)
        try container.encode(parentVersion, forKey: .parentVersion)
        try container.encode(restoredFrom, forKey: .restoredFrom)
        try container.encode(version, forKey: .version)
        try container.encode(created, forKey: .created)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(message, forKey: .message)
        try container.encode(data, forKey: .data)
    }
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
    /// Alerting rules and notification settings (`AlertingState.swift`); optional so state
    /// files written before alerting existed still load.
    var alertingStore: AlertingState?
}
