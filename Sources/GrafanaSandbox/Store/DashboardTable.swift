import HashTreeCollections

/// The dashboards of every org, indexed by id, by uid and by folder and title.
///
/// ``SandboxStore/write(persist:_:)`` runs each change on a copy of the whole state and keeps
/// the copy only when the change succeeds. With the dashboards in a plain array, each save
/// therefore copied every dashboard (a quarter of the sandbox's CPU with 5,000 of them) and the
/// same-title check lower-cased every stored title. Here the rows and both indexes are
/// persistent hash tries (`TreeDictionary`): a copy shares everything, and a save changes one
/// path of each trie, so it costs the same with 100 dashboards as with 5,000.
struct DashboardTable: Sendable {
    /// Where a dashboard's uid is unique: one org.
    struct UIDKey: Hashable, Sendable {
        var orgID: Int64
        var uid: String
    }

    /// Where Grafana looks for a dashboard of the same title: one org, one folder (`nil` for
    /// the root), the title compared case-insensitively as the existing-title check always has.
    struct TitleKey: Hashable, Sendable {
        var orgID: Int64
        var folderUID: String?
        var title: String

        init(orgID: Int64, folderUID: String?, title: String) {
            self.orgID = orgID
            self.folderUID = folderUID
            self.title = title.lowercased()
        }
    }

    private var rows: TreeDictionary<Int64, StoredDashboard> = [:]
    private var idsByUID: TreeDictionary<UIDKey, Int64> = [:]
    /// Several dashboards may share a title where Grafana allows it (from 12), so each key
    /// holds every id that has it.
    private var idsByTitle: TreeDictionary<TitleKey, [Int64]> = [:]
    /// Ids inserted, replaced or removed since ``takeChanges()``, for the journal.
    private var changed: Set<Int64> = []

    init() {}

    init(_ dashboards: some Sequence<StoredDashboard>) {
        for dashboard in dashboards { upsert(dashboard) }
        changed = []
    }

    var count: Int { rows.count }
    var isEmpty: Bool { rows.isEmpty }

    subscript(id id: Int64) -> StoredDashboard? { rows[id] }

    func dashboard(uid: String, orgID: Int64) -> StoredDashboard? {
        idsByUID[UIDKey(orgID: orgID, uid: uid)].flatMap { rows[$0] }
    }

    /// The dashboards titled `title` (case-insensitively) in `folderUID` of `orgID`, by id.
    func dashboards(titled title: String, folderUID: String?, orgID: Int64) -> [StoredDashboard] {
        (idsByTitle[TitleKey(orgID: orgID, folderUID: folderUID, title: title)] ?? []).compactMap { rows[$0] }
    }

    /// Inserts `dashboard`, or replaces the one with its id, keeping both indexes in step.
    mutating func upsert(_ dashboard: StoredDashboard) {
        if let old = rows[dashboard.id] { unindex(old) }
        rows[dashboard.id] = dashboard
        idsByUID[UIDKey(orgID: dashboard.orgID, uid: dashboard.uid)] = dashboard.id
        let titleKey = TitleKey(orgID: dashboard.orgID, folderUID: dashboard.folderUID, title: dashboard.title)
        var ids = idsByTitle[titleKey] ?? []
        ids.insert(dashboard.id, at: ids.firstIndex { $0 > dashboard.id } ?? ids.count)
        idsByTitle[titleKey] = ids
        changed.insert(dashboard.id)
    }

    /// Removes the dashboard with `id`, if any, and returns it.
    @discardableResult
    mutating func remove(id: Int64) -> StoredDashboard? {
        guard let old = rows.removeValue(forKey: id) else { return nil }
        unindex(old)
        changed.insert(id)
        return old
    }

    /// Removes every dashboard that `shouldRemove` selects.
    mutating func removeAll(where shouldRemove: (StoredDashboard) throws -> Bool) rethrows {
        for dashboard in rows.values where try shouldRemove(dashboard) { remove(id: dashboard.id) }
    }

    /// The ids changed since the last call, and forgets them: the journal writes the current
    /// row of each (or its removal).
    mutating func takeChanges() -> Set<Int64> {
        defer { changed = [] }
        return changed
    }

    private mutating func unindex(_ dashboard: StoredDashboard) {
        let uidKey = UIDKey(orgID: dashboard.orgID, uid: dashboard.uid)
        if idsByUID[uidKey] == dashboard.id { idsByUID[uidKey] = nil }
        let titleKey = TitleKey(orgID: dashboard.orgID, folderUID: dashboard.folderUID, title: dashboard.title)
        if var ids = idsByTitle[titleKey] {
            ids.removeAll { $0 == dashboard.id }
            idsByTitle[titleKey] = ids.isEmpty ? nil : ids
        }
    }
}

extension DashboardTable: Sequence {
    /// Dashboards in id order (the order they were created in), as the array kept them.
    func makeIterator() -> IndexingIterator<[StoredDashboard]> {
        rows.values.sorted { $0.id < $1.id }.makeIterator()
    }
}

extension DashboardTable: Codable {
    /// Stored as the plain list of dashboards; the indexes are rebuilt on load.
    init(from decoder: any Decoder) throws {
        self.init(try [StoredDashboard](from: decoder))
    }

    func encode(to encoder: any Encoder) throws {
        try Array(self).encode(to: encoder)
    }
}
