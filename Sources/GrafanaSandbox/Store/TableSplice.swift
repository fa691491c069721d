/// What one write did to a table kept as an array, for the journal: the rows between the part
/// both versions start with and the part both end with, replaced. An append is the new row
/// alone, an update or a delete the one row, so the record stays the same size however many
/// rows the table holds; replaying it yields the same array, order included.
struct TableSplice<Row: Codable & Equatable>: Codable {
    /// Where the changed stretch starts, in the old array.
    var start: Int
    /// How many old rows it replaces.
    var removing: Int
    /// The rows that take their place.
    var rows: [Row]

    /// The splice that turns `old` into `new`, or `nil` when they are one storage (unchanged,
    /// see ``sharesStorage(_:_:)``) or equal.
    init?(from old: [Row], to new: [Row]) {
        if sharesStorage(old, new) { return nil }
        var prefix = 0
        let shorter = Swift.min(old.count, new.count)
        while prefix < shorter && old[prefix] == new[prefix] { prefix += 1 }
        if prefix == old.count && prefix == new.count { return nil }
        var suffix = 0
        while suffix < shorter - prefix && old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        start = prefix
        removing = old.count - prefix - suffix
        rows = Array(new[prefix..<(new.count - suffix)])
    }

    func apply(to table: inout [Row]) {
        let end = Swift.min(start + removing, table.count)
        table.replaceSubrange(Swift.min(start, table.count)..<end, with: rows)
    }
}

/// What one write changed in ``LibraryTables``: the counters, and a splice per changed table.
struct LibraryChanges: Codable {
    var nextElementID: Int64
    var nextAnnotationID: Int64
    var nextSnapshotID: Int64
    var nextPlaylistID: Int64
    var elements: TableSplice<StoredLibraryElement>?
    var connections: TableSplice<StoredLibraryConnection>?
    var annotations: TableSplice<StoredAnnotation>?
    var snapshots: TableSplice<StoredSnapshot>?
    var playlists: TableSplice<StoredPlaylist>?

    init(from old: LibraryTables, to new: LibraryTables) {
        nextElementID = new.nextElementID
        nextAnnotationID = new.nextAnnotationID
        nextSnapshotID = new.nextSnapshotID
        nextPlaylistID = new.nextPlaylistID
        elements = TableSplice(from: old.elements, to: new.elements)
        connections = TableSplice(from: old.connections, to: new.connections)
        annotations = TableSplice(from: old.annotations, to: new.annotations)
        snapshots = TableSplice(from: old.snapshots, to: new.snapshots)
        playlists = TableSplice(from: old.playlists, to: new.playlists)
    }

    func apply(to tables: inout LibraryTables) {
        tables.nextElementID = nextElementID
        tables.nextAnnotationID = nextAnnotationID
        tables.nextSnapshotID = nextSnapshotID
        tables.nextPlaylistID = nextPlaylistID
        elements?.apply(to: &tables.elements)
        connections?.apply(to: &tables.connections)
        annotations?.apply(to: &tables.annotations)
        snapshots?.apply(to: &tables.snapshots)
        playlists?.apply(to: &tables.playlists)
    }
}

/// What one write changed in ``AlertingState``: the counter, the configured orgs (one per org,
/// small), and a splice per changed table.
struct AlertingChanges: Codable {
    var nextRuleID: Int64
    var configuredOrgs: Set<Int64>?
    var rules: TableSplice<StoredAlertRule>?
    var groups: TableSplice<StoredRuleGroup>?
    var contactPoints: TableSplice<StoredContactPoint>?
    var policies: TableSplice<StoredPolicyTree>?
    var muteTimings: TableSplice<StoredMuteTiming>?
    var templates: TableSplice<StoredTemplate>?

    init(from old: AlertingState, to new: AlertingState) {
        nextRuleID = new.nextRuleID
        configuredOrgs = old.configuredOrgs == new.configuredOrgs ? nil : new.configuredOrgs
        rules = TableSplice(from: old.rules, to: new.rules)
        groups = TableSplice(from: old.groups, to: new.groups)
        contactPoints = TableSplice(from: old.contactPoints, to: new.contactPoints)
        policies = TableSplice(from: old.policies, to: new.policies)
        muteTimings = TableSplice(from: old.muteTimings, to: new.muteTimings)
        templates = TableSplice(from: old.templates, to: new.templates)
    }

    func apply(to state: inout AlertingState) {
        state.nextRuleID = nextRuleID
        if let configuredOrgs { state.configuredOrgs = configuredOrgs }
        rules?.apply(to: &state.rules)
        groups?.apply(to: &state.groups)
        contactPoints?.apply(to: &state.contactPoints)
        policies?.apply(to: &state.policies)
        muteTimings?.apply(to: &state.muteTimings)
        templates?.apply(to: &state.templates)
    }
}
