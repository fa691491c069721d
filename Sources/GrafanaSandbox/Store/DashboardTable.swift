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

    /// Every saved version of every dashboard (Grafana's `dashboard_version` table), keyed by
    /// dashboard and version number. Each save adds one entry to the trie, so a save costs the
    /// same with 1,000 versions as with one; a dashboard's versions are the numbers 1 to its
    /// current version, so a listing reads only the keys it returns.
    private var versions: TreeDictionary<VersionKey, StoredDashboardVersion> = [:]
    private var nextVersionID: Int64 = 1
    /// Versions added since ``takeChanges()``, for the journal.
    private var addedVersions: [StoredDashboardVersion] = []
    /// Versions pruned since ``takeChanges()``, for the journal.
    private var prunedVersions: [VersionKey] = []
    /// JSON bytes of version models compacted since ``takeReleasedBytes()``.
    private var releasedBytes = 0
    /// Where each dashboard's versions start once its first ones were pruned (absent: 1), so a
    /// cleanup does not walk numbers long gone. Only ever too low, never too high.
    private var oldestVersions: TreeDictionary<Int64, Int64> = [:]

    /// Dashboards starred by users (Grafana's `star` table, `user_id` and `dashboard_id`).
    private(set) var stars: [StoredStar] = []
    private var starsChanged = false

    init() {}

    init(
        _ dashboards: some Sequence<StoredDashboard>,
        versions: some Sequence<StoredDashboardVersion> = [],
        stars: [StoredStar] = []
    ) {
        for dashboard in dashboards { upsert(dashboard) }
        for version in versions { addVersion(version) }
        self.stars = stars
        changed = []
        addedVersions = []
        releasedBytes = 0
    }

    struct VersionKey: Hashable, Sendable, Codable {
        var dashboardID: Int64
        var version: Int64
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
    /// A replaced version's model is compacted (``StoredDashboardVersion/compact()``): the row
    /// no longer shares its tree.
    mutating func upsert(_ dashboard: StoredDashboard) {
        if let old = rows[dashboard.id] {
            unindex(old)
            if old.version != dashboard.version { compactVersion(old.version, of: old.id) }
        }
        rows[dashboard.id] = dashboard
        idsByUID[UIDKey(orgID: dashboard.orgID, uid: dashboard.uid)] = dashboard.id
        let titleKey = TitleKey(orgID: dashboard.orgID, folderUID: dashboard.folderUID, title: dashboard.title)
        var ids = idsByTitle[titleKey] ?? []
        ids.insert(dashboard.id, at: ids.firstIndex { $0 > dashboard.id } ?? ids.count)
        idsByTitle[titleKey] = ids
        changed.insert(dashboard.id)
    }

    /// Removes the dashboard with `id`, if any, with its versions and stars, and returns it.
    @discardableResult
    mutating func remove(id: Int64) -> StoredDashboard? {
        guard let old = rows.removeValue(forKey: id) else { return nil }
        unindex(old)
        changed.insert(id)
        if old.version >= 1 {
            for number in 1...old.version { versions[VersionKey(dashboardID: id, version: number)] = nil }
        }
        oldestVersions[id] = nil
        if stars.contains(where: { $0.dashboardID == id }) {
            stars.removeAll { $0.dashboardID == id }
            starsChanged = true
        }
        return old
    }

    // MARK: Versions

    /// Records a version; the id is assigned here (Grafana's auto-increment) when it is 0. A
    /// version other than its dashboard's current one (loaded from a state file) is compacted.
    @discardableResult
    mutating func addVersion(_ version: StoredDashboardVersion) -> StoredDashboardVersion {
        var version = version
        if rows[version.dashboardID]?.version != version.version { version.compact() }
        if version.id == 0 { version.id = nextVersionID }
        nextVersionID = Swift.max(nextVersionID, version.id + 1)
        versions[VersionKey(dashboardID: version.dashboardID, version: version.version)] = version
        addedVersions.append(version)
        return version
    }

    /// Grafana's cleanup of old versions (`dashverimpl.Service.DeleteExpired` with
    /// `sqlStore.GetBatch` and `DeleteBatch`): of each dashboard, the versions numbered below
    /// `min + count - keep` go, where `min` and `count` are its oldest version and how many it
    /// has, so the newest `keep` stay. `keep` below 1 counts as 1. One run deletes at most
    /// `limit` versions (Grafana: 50 batches of 100); returns how many it deleted.
    @discardableResult
    mutating func pruneVersions(keeping keep: Int, limit: Int = 5_000) -> Int {
        let keep = Int64(Swift.max(keep, 1))
        var deleted = 0
        for id in rows.keys.sorted() where deleted < limit {
            guard let dashboard = rows[id] else { continue }
            let oldest = oldestVersions[id] ?? 1
            guard dashboard.version >= oldest else { continue }
            var present: [Int64] = []
            for number in oldest...dashboard.version
            where versions[VersionKey(dashboardID: id, version: number)] != nil {
                present.append(number)
            }
            guard let first = present.first else { continue }
            if first > oldest { oldestVersions[id] = first }
            guard Int64(present.count) > keep else { continue }
            let bound = first + Int64(present.count) - keep
            for number in present where number < bound && deleted < limit {
                let key = VersionKey(dashboardID: id, version: number)
                versions[key] = nil
                prunedVersions.append(key)
                deleted += 1
            }
            oldestVersions[id] = present.first { versions[VersionKey(dashboardID: id, version: $0)] != nil }
        }
        return deleted
    }

    /// Keeps a version's model as compact JSON once its dashboard has moved on, and counts the
    /// tree that frees (about four times the JSON) for ``takeReleasedBytes()``.
    private mutating func compactVersion(_ number: Int64, of dashboardID: Int64) {
        let key = VersionKey(dashboardID: dashboardID, version: number)
        guard var version = versions[key], !version.isCompact else { return }
        releasedBytes += version.compact()
        versions[key] = version
    }

    /// The JSON size of the version models compacted since the last call, and forgets it: the
    /// store hands memory back to the system after a large dashboard is replaced.
    mutating func takeReleasedBytes() -> Int {
        defer { releasedBytes = 0 }
        return releasedBytes
    }

    /// Removes the given versions (a pruning replayed from the journal).
    mutating func removeVersions(_ keys: [VersionKey]) {
        for key in keys { versions[key] = nil }
    }

    /// The versions pruned since the last call, and forgets them (for the journal).
    mutating func takePrunedVersions() -> [VersionKey] {
        defer { prunedVersions = [] }
        return prunedVersions
    }

    func version(_ number: Int64, of dashboardID: Int64) -> StoredDashboardVersion? {
        versions[VersionKey(dashboardID: dashboardID, version: number)]
    }

    /// The versions of `dashboard`, newest first, skipping `start` and returning at most `limit`
    /// (`ListDashboardVersions`: `ORDER BY version DESC LIMIT limit OFFSET start`).
    func versions(of dashboard: StoredDashboard, start: Int, limit: Int) -> [StoredDashboardVersion] {
        var result: [StoredDashboardVersion] = []
        var number = dashboard.version - Int64(Swift.max(start, 0))
        let oldest = oldestVersions[dashboard.id] ?? 1
        while number >= oldest && result.count < limit {
            if let version = versions[VersionKey(dashboardID: dashboard.id, version: number)] {
                result.append(version)
            }
            number -= 1
        }
        return result
    }

    /// The versions added since the last call, and forgets them (for the journal).
    mutating func takeNewVersions() -> [StoredDashboardVersion] {
        defer { addedVersions = [] }
        return addedVersions
    }

    // MARK: Stars

    /// Stars `dashboardID` for `userID`; false when it was already starred (the star table's
    /// unique index on `user_id, dashboard_id`).
    mutating func star(userID: Int64, dashboardID: Int64) -> Bool {
        guard !stars.contains(where: { $0.userID == userID && $0.dashboardID == dashboardID }) else { return false }
        stars.append(StoredStar(userID: userID, dashboardID: dashboardID))
        starsChanged = true
        return true
    }

    mutating func unstar(userID: Int64, dashboardID: Int64) {
        guard stars.contains(where: { $0.userID == userID && $0.dashboardID == dashboardID }) else { return }
        stars.removeAll { $0.userID == userID && $0.dashboardID == dashboardID }
        starsChanged = true
    }

    func starredIDs(userID: Int64) -> Set<Int64> {
        Set(stars.filter { $0.userID == userID }.map(\.dashboardID))
    }

    /// The whole star list when it changed since the last call (for the journal).
    mutating func takeStarChanges() -> [StoredStar]? {
        defer { starsChanged = false }
        return starsChanged ? stars : nil
    }

    mutating func replaceStars(_ stars: [StoredStar]) {
        self.stars = stars
    }

    /// Removes every dashboard that `shouldRemove` selects.
    mutating func removeAll(where shouldRemove: (StoredDashboard) throws -> Bool) rethrows {
        for dashboard in rows.values where try shouldRemove(dashboard) { remove(id: dashboard.id) }
    }

    /// The ids changed since the last call, and forgets them: the journal writes the current
    /// row of each (or its removal).
    mutating func takeChanges() -> Set<Int64> {
        defer {
            changed = []
            addedVersions = []
            prunedVersions = []
            starsChanged = false
        }
        return changed
    }

    /// Where the indexes disagree with indexes rebuilt from the rows (empty when they agree):
    /// for tests that check every kind of write keeps them in step.
    var indexMismatches: [String] {
        var rebuilt = DashboardTable()
        for dashboard in rows.values { rebuilt.upsert(dashboard) }
        var mismatches: [String] = []
        for (key, id) in idsByUID where rebuilt.idsByUID[key] != id {
            mismatches.append("uid \(key.uid) in org \(key.orgID) names \(id), not \(rebuilt.idsByUID[key] ?? 0)")
        }
        for (key, id) in rebuilt.idsByUID where idsByUID[key] == nil {
            mismatches.append("uid \(key.uid) in org \(key.orgID) of \(id) is not indexed")
        }
        for (key, ids) in idsByTitle where rebuilt.idsByTitle[key] != ids {
            mismatches.append(
                "title \(key.title) in \(key.folderUID ?? "root") names \(ids), not \(rebuilt.idsByTitle[key] ?? [])"
            )
        }
        for (key, ids) in rebuilt.idsByTitle where idsByTitle[key] == nil {
            mismatches.append("title \(key.title) in \(key.folderUID ?? "root") of \(ids) is not indexed")
        }
        return mismatches
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
    private enum CodingKeys: String, CodingKey { case dashboards, versions, stars }

    /// Stored as `{dashboards, versions, stars}`; the indexes are rebuilt on load. State files
    /// written before versions were kept hold the plain list of dashboards, which still loads.
    init(from decoder: any Decoder) throws {
        if let list = try? [StoredDashboard](from: decoder) {
            self.init(list)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try container.decode([StoredDashboard].self, forKey: .dashboards),
            versions: try container.decodeIfPresent([StoredDashboardVersion].self, forKey: .versions) ?? [],
            stars: try container.decodeIfPresent([StoredStar].self, forKey: .stars) ?? []
        )
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Array(self), forKey: .dashboards)
        try container.encode(versions.values.sorted { $0.id < $1.id }, forKey: .versions)
        try container.encode(stars, forKey: .stars)
    }
}
