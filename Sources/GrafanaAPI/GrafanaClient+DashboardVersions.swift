import Foundation
public import GFSValue

extension GrafanaClient {
    /// `GET /api/dashboards/uid/:uid/versions`: every version, newest first. Before 12 the
    /// answer is the bare list, paged with `limit` and `start` until a page comes back short;
    /// from 12 it is `{continueToken, versions}`, followed by its `continueToken` until that
    /// is empty.
    public func dashboardVersions(uid: String, pageSize: Int = 1000) async throws -> [DashboardVersion] {
        var all: [DashboardVersion] = []
        var start = 0
        var token: String?
        while true {
            var query = [QueryItem("limit", String(pageSize))]
            if let token {
                query.append(QueryItem("continueToken", token))
            } else {
                query.append(QueryItem("start", String(start)))
            }
            let request = APIRequest(
                "list dashboard versions",
                .get,
                ["api", "dashboards", "uid", uid, "versions"],
                query: query
            )
            let response = try await perform(request)
            if let list = try? JSONDecoder().decode([DashboardVersion].self, from: response.body) {
                all += list
                if list.count < pageSize { return all }
                start += list.count
                continue
            }
            let page = try decode(DashboardVersionPage.self, from: response, call: request.call)
            let versions = page.versions ?? []
            all += versions
            guard let next = page.continueToken, !next.isEmpty, !versions.isEmpty else {
                // A server that pages by offset under the 12 shape: go on while pages are full.
                if token == nil && page.continueToken == nil && versions.count == pageSize {
                    start += versions.count
                    continue
                }
                return all
            }
            token = next
        }
    }

    /// `GET /api/dashboards/uid/:uid/versions/:version`: one version with its model in `data`.
    public func dashboardVersion(uid: String, version: Int64) async throws -> DashboardVersion {
        try await perform(
            APIRequest("get dashboard version", .get, ["api", "dashboards", "uid", uid, "versions", String(version)]),
            as: DashboardVersion.self
        )
    }

    /// `POST /api/dashboards/calculate-diff`: Grafana's own diff of two saved versions of the
    /// dashboard with id `dashboardID`, as the HTML its version history shows (`diffType` `json`:
    /// one line of the model per `<p>`; `basic`: a summary per top-level key). It changes
    /// nothing, so it is sent under `--dry-run` too.
    public func calculateDashboardDiff(dashboardID: Int64, from: Int64, to: Int64, diffType: String = "json")
        async throws -> String
    {
        struct Target: Encodable {
            var dashboardId: Int64
            var version: Int64
        }
        struct Body: Encodable {
            var base: Target
            var new: Target
            var diffType: String
        }
        let body = Body(
            base: Target(dashboardId: dashboardID, version: from),
            new: Target(dashboardId: dashboardID, version: to),
            diffType: diffType
        )
        let response = try await perform(
            APIRequest(
                "calculate dashboard diff",
                .post,
                ["api", "dashboards", "calculate-diff"],
                body: try JSONEncoder().encode(body),
                headers: [HTTPHeaderField("Content-Type", "application/json")]
            )
        )
        return String(decoding: response.body, as: UTF8.self)
    }

    /// `POST /api/dashboards/uid/:uid/restore`: saves version `version` again as a new version.
    public func restoreDashboard(uid: String, version: Int64) async throws -> WriteOutcome<SavedDashboard> {
        struct Body: Encodable { var version: Int64 }
        return try await performWrite(
            APIRequest(
                "restore dashboard version",
                .post,
                ["api", "dashboards", "uid", uid, "restore"],
                body: Self.jsonBody(Body(version: version))
            ),
            as: SavedDashboard.self
        )
    }

    /// `GET /api/dashboards/tags`: every tag of the org's dashboards with its count.
    public func dashboardTags() async throws -> [DashboardTag] {
        try await perform(
            APIRequest("list dashboard tags", .get, ["api", "dashboards", "tags"]),
            as: [DashboardTag].self
        )
    }

    /// `GET /api/dashboards/home`: `redirectUri` when a home dashboard is set in the
    /// preferences, otherwise Grafana's built-in home dashboard.
    public func homeDashboard() async throws -> HomeDashboard {
        try await perform(
            APIRequest("get home dashboard", .get, ["api", "dashboards", "home"]),
            as: HomeDashboard.self
        )
    }

    /// `PATCH /api/user/preferences` with `homeDashboardUID`: the signed-in user's home dashboard.
    @discardableResult
    public func setHomeDashboard(uid: String) async throws -> WriteOutcome<Void> {
        struct Body: Encodable { var homeDashboardUID: String }
        return try await performWrite(
            APIRequest(
                "set home dashboard",
                .patch,
                ["api", "user", "preferences"],
                body: Self.jsonBody(Body(homeDashboardUID: uid))
            )
        )
    }

    /// Every search hit, paging with `limit` and `page` until a page comes back short.
    public func searchAll(_ query: SearchQuery, pageSize: Int = 1000) async throws -> [SearchHit] {
        var query = query
        query.limit = pageSize
        var all: [SearchHit] = []
        var page = 1
        while true {
            query.page = page
            let hits = try await search(query)
            all += hits
            if hits.count < pageSize { return all }
            page += 1
        }
    }

    // MARK: Stars

    /// `GET /api/user/stars`: the uids of the dashboards the signed-in user starred.
    public func starredDashboardUIDs() async throws -> [String] {
        try await perform(APIRequest("list stars", .get, ["api", "user", "stars"]), as: [String].self)
    }

    /// `POST /api/user/stars/dashboard/uid/:uid`.
    @discardableResult
    public func starDashboard(uid: String) async throws -> WriteOutcome<Void> {
        try await performWrite(APIRequest("star dashboard", .post, ["api", "user", "stars", "dashboard", "uid", uid]))
    }

    /// `DELETE /api/user/stars/dashboard/uid/:uid`.
    @discardableResult
    public func unstarDashboard(uid: String) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest("unstar dashboard", .delete, ["api", "user", "stars", "dashboard", "uid", uid])
        )
    }

    // MARK: Folders

    /// `POST /api/folders/:uid/move`: under `parentUID`, or to the root when it is empty.
    public func moveFolder(uid: String, parentUID: String) async throws -> WriteOutcome<Folder> {
        struct Body: Encodable { var parentUid: String }
        return try await performWrite(
            APIRequest(
                "move folder",
                .post,
                ["api", "folders", uid, "move"],
                body: Self.jsonBody(Body(parentUid: parentUID))
            ),
            as: Folder.self
        )
    }
}

/// One dashboard version (`DashboardVersionMeta`).
public struct DashboardVersion: Sendable, Hashable, Codable {
    public var id: Int64?
    public var dashboardId: Int64?
    public var uid: String?
    public var parentVersion: Int64?
    public var restoredFrom: Int64?
    public var version: Int64
    public var created: String?
    public var message: String?
    public var createdBy: String?
    /// The model as saved; only a single version's answer carries it.
    public var data: Value?
}

/// `dashver.DashboardVersionResponseMeta`, the 12.x answer of the versions list.
struct DashboardVersionPage: Decodable {
    var continueToken: String?
    var versions: [DashboardVersion]?
}

/// One entry of `GET /api/dashboards/tags`.
public struct DashboardTag: Sendable, Hashable, Codable {
    public var term: String
    public var count: Int64
}

/// `GET /api/dashboards/home`: a redirect to the chosen home dashboard, or the built-in one.
public struct HomeDashboard: Sendable, Hashable, Codable {
    public var redirectUri: String?
    public var dashboard: Value?
}
