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
    /// The library tables whole, as journals written before annotations were recorded row by
    /// row hold them; read, never written.
    var libraryTables: LibraryTables?
    /// The library tables other than annotations (elements, connections, snapshots,
    /// playlists), whole, when one of them changed; its `annotations` is empty and ignored.
    var library: LibraryTables?
    var nextAnnotationID: Int64?
    /// Annotations added or changed, whole: the table that grows with every deploy marker, so
    /// like dashboards it is recorded by the rows a write touched.
    var annotations: [StoredAnnotation]?
    /// Ids of annotations removed.
    var removedAnnotations: [Int64]?
    var alerting: AlertingState?
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
        record.stars = new.dashboards.takeStarChanges()
        // The same test for the library and alerting tables, so a dashboard save does not
        // compare every annotation and rule it did not touch.
        let (oldLibrary, newLibrary) = (old.library, new.library)
        if !LibraryTables.sharesStorage(oldLibrary, newLibrary, apartFromAnnotations: true) {
            var rest = newLibrary
            rest.annotations = []
            record.library = rest
        }
        if oldLibrary.nextAnnotationID != newLibrary.nextAnnotationID {
            record.nextAnnotationID = newLibrary.nextAnnotationID
        }
        if !sharesStorage(oldLibrary.annotations, newLibrary.annotations) {
            // The rows that differ, found in memory: far cheaper than encoding and syncing the
            // whole table, which is what made a write cost O(annotations) on disk.
            let (upserted, removed) = rowChanges(from: oldLibrary.annotations, to: newLibrary.annotations)
            if !upserted.isEmpty { record.annotations = upserted }
            if !removed.isEmpty { record.removedAnnotations = removed }
        }
        if !sharesStorage(old.alertingStore, new.alertingStore, by: AlertingState.sharesStorage) {
            record.alerting = new.alertingStore
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
        if let library {
            var tables = library
            tables.annotations = state.library.annotations
            state.libraryTables = tables
        }
        if let nextAnnotationID { state.library.nextAnnotationID = nextAnnotationID }
        if annotations != nil || removedAnnotations != nil {
            var rows = state.library.annotations
            for row in annotations ?? [] {
                if let index = rows.firstIndex(where: { $0.id == row.id }) {
                    rows[index] = row
                } else {
                    rows.append(row)
                }
            }
            if let removedAnnotations {
                let removed = Set(removedAnnotations)
                rows.removeAll { removed.contains($0.id) }
            }
            state.library.annotations = rows
        }
        if let alerting { state.alertingStore = alerting }
        for dashboard in dashboards ?? [] { state.dashboards.upsert(dashboard) }
        for id in removedDashboards ?? [] { state.dashboards.remove(id: id) }
        for version in dashboardVersions ?? [] { state.dashboards.addVersion(version) }
        if let stars { state.dashboards.replaceStars(stars) }
        _ = state.dashboards.takeChanges()
    }
}

/// The rows of `new` that are not in `old` as they are, and the ids of the rows of `old` that
/// `new` no longer has.
func rowChanges(from old: [StoredAnnotation], to new: [StoredAnnotation]) -> (
    upserted: [StoredAnnotation], removed: [Int64]
) {
    // Rows keep their order and ids are never reused, so an append or an update in place (the
    // usual writes) leaves every old row at its index: compare them in one walk, without
    // hashing. A removal moves rows; then match them by id.
    if old.count <= new.count {
        var upserted: [StoredAnnotation] = []
        var index = 0
        while index < old.count, old[index].id == new[index].id {
            if old[index] != new[index] { upserted.append(new[index]) }
            index += 1
        }
        if index == old.count { return (upserted + new[index...], []) }
    }
    let before = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    var kept = Set<Int64>()
    var upserted: [StoredAnnotation] = []
    for row in new {
        kept.insert(row.id)
        if before[row.id] != row { upserted.append(row) }
    }
    return (upserted, old.compactMap { kept.contains($0.id) ? nil : $0.id })
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
    /// Unchanged since `old` (``sharesStorage(_:_:)`` for every table, equal counters), or with
    /// `apartFromAnnotations`, unchanged but for the annotations and their counter.
    static func sharesStorage(_ old: LibraryTables, _ new: LibraryTables, apartFromAnnotations: Bool = false) -> Bool {
        let annotationsShared =
            apartFromAnnotations
            || (old.nextAnnotationID == new.nextAnnotationID
                && GrafanaSandbox.sharesStorage(old.annotations, new.annotations))
        return annotationsShared && old.nextElementID == new.nextElementID
            && old.nextSnapshotID == new.nextSnapshotID && old.nextPlaylistID == new.nextPlaylistID
            && GrafanaSandbox.sharesStorage(old.elements, new.elements)
            && GrafanaSandbox.sharesStorage(old.connections, new.connections)
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
