/// One record of the state journal (``StatePersistence``): a whole snapshot, or what one write
/// changed. Only the fields a write touched are present.
struct JournalRecord: Codable {
    var snapshot: SandboxState?

    var nextOrgID: Int64?
    var nextUserID: Int64?
    var nextAPIKeyID: Int64?
    var nextDashboardID: Int64?
    var nextDataSourceID: Int64?
    var nextTeamID: Int64?
    var orgs: [StoredOrg]?
    var users: [StoredUser]?
    var memberships: [StoredMembership]?
    var apiKeys: [StoredAPIKey]?
    var folders: [StoredFolder]?
    var dataSources: [StoredDataSource]?
    var teams: [StoredTeam]?
    var teamMembers: [StoredTeamMember]?
    var preferences: [StoredPreferences]?
    var permissions: [StoredPermission]?
    var permissionsCustomised: Set<String>?
    var libraryTables: LibraryTables?
    /// Dashboards inserted or replaced, whole.
    var dashboards: [StoredDashboard]?
    /// Ids of dashboards removed.
    var removedDashboards: [Int64]?
    /// Dashboard versions added (versions are never changed, only added or removed with
    /// their dashboard).
    var dashboardVersions: [StoredDashboardVersion]?
    /// The whole star list, when it changed.
    var stars: [StoredStar]?

    init(snapshot: SandboxState? = nil) {
        self.snapshot = snapshot
    }

    /// What `new` changed since `old`.
    ///
    /// Dashboards, the one table that grows large, report their own changes row by row. The
    /// other tables are small and written whole when they changed. A table changed exactly when
    /// its array storage differs from the persisted one: the persisted copy keeps the old
    /// storage alive, so any mutation of the new state's array had to copy it first.
    static func changes(from old: SandboxState, to new: inout SandboxState) -> JournalRecord {
        var record = JournalRecord()
        record.nextOrgID = new.nextOrgID
        record.nextUserID = new.nextUserID
        record.nextAPIKeyID = new.nextAPIKeyID
        record.nextDashboardID = new.nextDashboardID
        record.nextDataSourceID = new.nextDataSourceID
        record.nextTeamID = new.nextTeamID
        func changed<T>(_ lhs: [T], _ rhs: [T]) -> [T]? {
            let same = lhs.withUnsafeBufferPointer { left in
                rhs.withUnsafeBufferPointer { right in
                    left.baseAddress == right.baseAddress && left.count == right.count
                }
            }
            return same ? nil : rhs
        }
        record.orgs = changed(old.orgs, new.orgs)
        record.users = changed(old.users, new.users)
        record.memberships = changed(old.memberships, new.memberships)
        record.apiKeys = changed(old.apiKeys, new.apiKeys)
        record.folders = changed(old.folders, new.folders)
        record.dataSources = changed(old.dataSources, new.dataSources)
        record.teams = changed(old.teams, new.teams)
        record.teamMembers = changed(old.teamMembers, new.teamMembers)
        record.preferences = changed(old.preferences, new.preferences)
        record.permissions = changed(old.permissions, new.permissions)
        if old.permissionsCustomised != new.permissionsCustomised {
            record.permissionsCustomised = new.permissionsCustomised
        }
        let newVersions = new.dashboards.takeNewVersions()
        if !newVersions.isEmpty { record.dashboardVersions = newVersions }
        record.stars = new.dashboards.takeStarChanges()
        if old.libraryTables != new.libraryTables { record.libraryTables = new.libraryTables }
        var upserted: [StoredDashboard] = []
        var removed: [Int64] = []
        for id in new.dashboards.takeChanges().sorted() {
            if let dashboard = new.dashboards[id: id] { upserted.append(dashboard) } else { removed.append(id) }
        }
        if !upserted.isEmpty { record.dashboards = upserted }
        if !removed.isEmpty { record.removedDashboards = removed }
        return record
    }

    /// Replays a change record onto `state`.
    func apply(to state: inout SandboxState) {
        if let nextOrgID { state.nextOrgID = nextOrgID }
        if let nextUserID { state.nextUserID = nextUserID }
        if let nextAPIKeyID { state.nextAPIKeyID = nextAPIKeyID }
        if let nextDashboardID { state.nextDashboardID = nextDashboardID }
        if let nextDataSourceID { state.nextDataSourceID = nextDataSourceID }
        if let nextTeamID { state.nextTeamID = nextTeamID }
        if let orgs { state.orgs = orgs }
        if let users { state.users = users }
        if let memberships { state.memberships = memberships }
        if let apiKeys { state.apiKeys = apiKeys }
        if let folders { state.folders = folders }
        if let dataSources { state.dataSources = dataSources }
        if let teams { state.teams = teams }
        if let teamMembers { state.teamMembers = teamMembers }
        if let preferences { state.preferences = preferences }
        if let permissions { state.permissions = permissions }
        if let permissionsCustomised { state.permissionsCustomised = permissionsCustomised }
        if let libraryTables { state.libraryTables = libraryTables }
        for dashboard in dashboards ?? [] { state.dashboards.upsert(dashboard) }
        for id in removedDashboards ?? [] { state.dashboards.remove(id: id) }
        for version in dashboardVersions ?? [] { state.dashboards.addVersion(version) }
        if let stars { state.dashboards.replaceStars(stars) }
        _ = state.dashboards.takeChanges()
    }
}
