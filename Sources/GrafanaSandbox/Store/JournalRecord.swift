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
    /// The library tables whole, when there were none before (a state from before they existed).
    var libraryTables: LibraryTables?
    /// The alerting tables whole, likewise.
    var alerting: AlertingState?
    /// What changed in the library tables, row by row.
    var libraryChanges: LibraryChanges?
    /// What changed in the alerting tables, row by row.
    var alertingChanges: AlertingChanges?
    /// Dashboards inserted or replaced, whole.
    var dashboards: [StoredDashboard]?
    /// Ids of dashboards removed.
    var removedDashboards: [Int64]?
    /// Dashboard versions added (versions are never changed, only added or removed with
    /// their dashboard).
    var dashboardVersions: [StoredDashboardVersion]?
    /// Dashboard versions removed by the cleanup of old versions.
    var prunedDashboardVersions: [DashboardTable.VersionKey]?
    /// The whole star list, when it changed.
    var stars: [StoredStar]?

    init(snapshot: SandboxState? = nil) {
        self.snapshot = snapshot
    }

    /// What `new` changed since `old`.
    ///
    /// Dashboards report their own changes row by row; the library and alerting tables, which
    /// grow with use too, are written as splices of the rows that differ (``TableSplice``). The
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
            sharesStorage(lhs, rhs) ? nil : rhs
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
        let pruned = new.dashboards.takePrunedVersions()
        if !pruned.isEmpty { record.prunedDashboardVersions = pruned }
        record.stars = new.dashboards.takeStarChanges()
        // The same test for the library and alerting tables, so a dashboard save does not
        // compare every annotation and rule it did not touch; a table that changed is written
        // as a splice of the rows that differ, so one annotation costs one row in the journal.
        if !sharesStorage(old.libraryTables, new.libraryTables, by: LibraryTables.sharesStorage) {
            if let before = old.libraryTables, let after = new.libraryTables {
                record.libraryChanges = LibraryChanges(from: before, to: after)
            } else {
                record.libraryTables = new.libraryTables
            }
        }
        if !sharesStorage(old.alertingStore, new.alertingStore, by: AlertingState.sharesStorage) {
            if let before = old.alertingStore, let after = new.alertingStore {
                record.alertingChanges = AlertingChanges(from: before, to: after)
            } else {
                record.alerting = new.alertingStore
            }
        }
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
        if let alerting { state.alertingStore = alerting }
        if let libraryChanges {
            var tables = state.library
            libraryChanges.apply(to: &tables)
            state.libraryTables = tables
        }
        if let alertingChanges {
            var alerting = state.alertingStore ?? AlertingState()
            alertingChanges.apply(to: &alerting)
            state.alertingStore = alerting
        }
        for dashboard in dashboards ?? [] { state.dashboards.upsert(dashboard) }
        for id in removedDashboards ?? [] { state.dashboards.remove(id: id) }
        for version in dashboardVersions ?? [] { state.dashboards.addVersion(version) }
        state.dashboards.removeVersions(prunedDashboardVersions ?? [])
        if let stars { state.dashboards.replaceStars(stars) }
        _ = state.dashboards.takeChanges()
    }
}

/// Whether two arrays are one storage: a copy of a persisted table that was mutated had to copy
/// its storage first, so sharing it means unchanged, found in O(1).
func sharesStorage<T>(_ lhs: [T], _ rhs: [T]) -> Bool {
    lhs.withUnsafeBufferPointer { left in
        rhs.withUnsafeBufferPointer { right in left.baseAddress == right.baseAddress && left.count == right.count }
    }
}

/// ``sharesStorage(_:_:)`` for an optional group of tables, compared by `same`.
func sharesStorage<T>(_ lhs: T?, _ rhs: T?, by same: (T, T) -> Bool) -> Bool {
    switch (lhs, rhs) {
    case (nil, nil): true
    case (let lhs?, let rhs?): same(lhs, rhs)
    default: false
    }
}

extension LibraryTables {
    /// Unchanged since `old` (``sharesStorage(_:_:)`` for every table, equal counters).
    static func sharesStorage(_ old: LibraryTables, _ new: LibraryTables) -> Bool {
        old.nextElementID == new.nextElementID && old.nextAnnotationID == new.nextAnnotationID
            && old.nextSnapshotID == new.nextSnapshotID && old.nextPlaylistID == new.nextPlaylistID
            && GrafanaSandbox.sharesStorage(old.elements, new.elements)
            && GrafanaSandbox.sharesStorage(old.connections, new.connections)
            && GrafanaSandbox.sharesStorage(old.annotations, new.annotations)
            && GrafanaSandbox.sharesStorage(old.snapshots, new.snapshots)
            && GrafanaSandbox.sharesStorage(old.playlists, new.playlists)
    }
}

extension AlertingState {
    /// Unchanged since `old` (``sharesStorage(_:_:)`` for every table, equal counters and orgs).
    static func sharesStorage(_ old: AlertingState, _ new: AlertingState) -> Bool {
        old.nextRuleID == new.nextRuleID && old.configuredOrgs == new.configuredOrgs
            && GrafanaSandbox.sharesStorage(old.rules, new.rules)
            && GrafanaSandbox.sharesStorage(old.groups, new.groups)
            && GrafanaSandbox.sharesStorage(old.contactPoints, new.contactPoints)
            && GrafanaSandbox.sharesStorage(old.policies, new.policies)
            && GrafanaSandbox.sharesStorage(old.muteTimings, new.muteTimings)
            && GrafanaSandbox.sharesStorage(old.templates, new.templates)
    }
}
