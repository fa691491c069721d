import Foundation
import GFSValue
import Hummingbird

/// `GET /api/search` (`pkg/api/search.go`, `pkg/services/search`): folders and dashboards of
/// the request's org, filtered by the query parameters of the 11.4 spec.
struct SearchController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/search", use: search)
    }

    /// The filters of `search.Query`, read as `hs.Search` reads them.
    struct Filters: Sendable {
        var query: String
        var tags: [String]
        var type: String
        var dashboardUIDs: Set<String>
        var dashboardIDs: Set<Int64>
        var folderUIDs: Set<String>
        var folderIDs: Set<Int64>
        var starred: Bool
        var limit: Int
        var page: Int
        var sort: String
        /// The caller, whose stars `starred` and `isStarred` read.
        var userID: Int64 = 0

        init(_ request: Request) {
            query = request.query("query")
            tags = request.queryAll("tag")
            type = request.query("type")
            dashboardUIDs = Set(request.queryAll("dashboardUIDs").flatMap { $0.split(separator: ",").map(String.init) })
            dashboardIDs = Set(request.queryAll("dashboardIds").compactMap { Int64($0) })
            folderUIDs = Set(request.queryAll("folderUIDs").flatMap { $0.split(separator: ",").map(String.init) })
            folderIDs = Set(request.queryAll("folderIds").compactMap { Int64($0) })
            starred = request.query("starred") == "true"
            // `limit` defaults to 1000 and is capped at 5000; `page` is 1-based.
            let requestedLimit = request.queryInt("limit")
            limit = requestedLimit <= 0 ? 1000 : min(requestedLimit, 5000)
            page = max(request.queryInt("page"), 1)
            sort = request.query("sort")
        }
    }

    @Sendable func search(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.caller()
        var unfiltered = Filters(request)
        unfiltered.userID = identity.userID
        let filters = unfiltered
        if !filters.type.isEmpty && filters.type != "dash-db" && filters.type != "dash-folder"
            && environment.version.rejectsUnknownSearchType
        {
            throw GrafanaError.error(.internalServerError, "Search failed", cause: true)
        }
        // Search is permission-filtered: without dashboards:read nothing is visible.
        guard Action.dashboardsRead.isGranted(to: identity, role: identity.orgRole, scope: .requestOrg) else {
            return SandboxResponse.json(.ok, [])
        }
        let version = environment.version
        let hits = await environment.store.read { state in
            state.searchHits(orgID: identity.orgID, filters: filters) { isFolder, uid in
                isFolder
                    ? state.canRead(identity, folderUID: uid, version: version)
                    : state.canRead(identity, dashboardUID: uid, version: version)
            }
        }
        return SandboxResponse.json(.ok, .list(hits))
    }
}

extension SandboxState {
    /// `model.Hit` rows: folders first, then dashboards, each by case-insensitive title
    /// (`model.HitList.Less`), unless `sort=alpha-desc` asks otherwise. Only what `canRead`
    /// lets the caller see is listed, before paging, as Grafana's search filters by
    /// `dashboards:read` and `folders:read` in the query itself (`pkg/services/search`
    /// `SearchHandler`, the permission filter of `sqlstore/searchstore`).
    func searchHits(
        orgID: Int64,
        filters: SearchController.Filters,
        canRead: (_ isFolder: Bool, _ uid: String) -> Bool = { _, _ in true }
    ) -> [Value] {
        let starred = dashboards.starredIDs(userID: filters.userID)
        let query = filters.query.lowercased()
        var rows: [(isFolder: Bool, title: String, hit: Value)] = []

        let wantFolders = filters.type.isEmpty || filters.type == "dash-folder"
        let wantDashboards = filters.type.isEmpty || filters.type == "dash-db"
        // Tag filters and dashboard id/uid filters only ever match dashboards.
        let dashboardOnly = !filters.tags.isEmpty || !filters.dashboardUIDs.isEmpty || !filters.dashboardIDs.isEmpty

        // `starred` keeps only the caller's starred dashboards, which folders never are.
        if wantFolders && !dashboardOnly && !filters.starred {
            for folder in folders where folder.orgID == orgID {
                guard query.isEmpty || folder.title.lowercased().contains(query) else { continue }
                guard canRead(true, folder.uid) else { continue }
                let parent = folder.parentUID.flatMap { self.folder(uid: $0, orgID: orgID) }
                if !filters.folderUIDs.isEmpty && !filters.folderUIDs.contains(parent?.uid ?? "") { continue }
                if !filters.folderIDs.isEmpty && !filters.folderIDs.contains(parent?.id ?? 0) { continue }
                var hit: Record = [
                    "id": .int(folder.id), "uid": .string(folder.uid), "title": .string(folder.title),
                    "uri": .string("db/\(GrafanaFormat.slug(folder.title))"), "url": .string(folderURL(folder)),
                    "slug": "",
                    "type": "dash-folder", "tags": [], "isStarred": false,
                ]
                if let parent { addFolderFields(&hit, parent) }
                hit["sortMeta"] = 0
                hit["isDeleted"] = false
                rows.append((true, folder.title, .record(hit)))
            }
        }
        if wantDashboards {
            for dashboard in dashboards where dashboard.orgID == orgID {
                guard query.isEmpty || dashboard.title.lowercased().contains(query) else { continue }
                guard filters.tags.allSatisfy(dashboard.tags.contains) else { continue }
                if !filters.dashboardUIDs.isEmpty && !filters.dashboardUIDs.contains(dashboard.uid) { continue }
                if !filters.dashboardIDs.isEmpty && !filters.dashboardIDs.contains(dashboard.id) { continue }
                if filters.starred && !starred.contains(dashboard.id) { continue }
                guard canRead(false, dashboard.uid) else { continue }
                let folder = dashboard.folderUID.flatMap { self.folder(uid: $0, orgID: orgID) }
                // `folderUIDs` / `folderIds`: "" and 0 mean the root (General) folder.
                if !filters.folderUIDs.isEmpty && !filters.folderUIDs.contains(folder?.uid ?? "") { continue }
                if !filters.folderIDs.isEmpty && !filters.folderIDs.contains(folder?.id ?? 0) { continue }
                var hit: Record = [
                    "id": .int(dashboard.id), "uid": .string(dashboard.uid), "title": .string(dashboard.title),
                    "uri": .string("db/\(dashboard.slug)"), "url": .string(dashboardURL(dashboard)), "slug": "",
                    "type": "dash-db", "tags": .list(dashboard.tags.sorted().map { .string($0) }),
                    "isStarred": .bool(starred.contains(dashboard.id)),
                ]
                if let folder { addFolderFields(&hit, folder) }
                hit["sortMeta"] = 0
                hit["isDeleted"] = false
                rows.append((false, dashboard.title, .record(hit)))
            }
        }
        if filters.sort == "alpha-desc" {
            rows.sort { $0.title.lowercased() > $1.title.lowercased() }
        } else if filters.sort == "alpha-asc" {
            rows.sort { $0.title.lowercased() < $1.title.lowercased() }
        } else {
            rows.sort { lhs, rhs in
                if lhs.isFolder != rhs.isFolder { return lhs.isFolder }
                return lhs.title.lowercased() < rhs.title.lowercased()
            }
        }
        return Array(rows.page(filters.page, size: filters.limit).map(\.hit))
    }

    /// `folderId`, `folderUid`, `folderTitle`, `folderUrl` are `omitempty`: root items lack them.
    private func addFolderFields(_ hit: inout Record, _ folder: StoredFolder) {
        hit["folderId"] = .int(folder.id)
        hit["folderUid"] = .string(folder.uid)
        hit["folderTitle"] = .string(folder.title)
        hit["folderUrl"] = .string(folderURL(folder))
    }
}
