public import Foundation

/// `POST /api/dashboards/db` answer: `{"folderUid","id","slug","status","uid","url","version"}`.
///
/// The 11.4 swagger calls `slug` "title"; the code sends `slug` (API-NOTES §2.6, §3).
/// `folderUid` is present from 11.x.
public struct SavedDashboard: Sendable, Hashable, Codable {
    public var id: Int64?
    public var uid: String
    public var url: String?
    public var status: String?
    public var version: Int64?
    public var slug: String?
    public var folderUid: String?
}

/// `GET /api/dashboards/uid/:uid` answer: the dashboard model as raw JSON, and its metadata.
public struct DashboardDocument: Sendable, Hashable {
    /// The `dashboard` member, byte for byte as the server sent it (key order kept).
    public var dashboard: Data
    public var meta: DashboardMeta
}

/// `DashboardMeta`, the fields gfs uses; others are ignored.
public struct DashboardMeta: Sendable, Hashable, Codable {
    public var type: String?
    public var slug: String?
    public var url: String?
    public var version: Int64?
    public var created: String?
    public var updated: String?
    public var createdBy: String?
    public var updatedBy: String?
    public var canSave: Bool?
    public var canEdit: Bool?
    public var canDelete: Bool?
    public var isFolder: Bool?
    public var folderUid: String?
    public var folderTitle: String?
    public var folderUrl: String?
    public var provisioned: Bool?
}

/// `DELETE /api/dashboards/uid/:uid` answer (11.x+): `{"message","title","uid"}`; 10.x sent `id`.
public struct DeletedDashboard: Sendable, Hashable, Codable {
    public var title: String?
    public var uid: String?
    public var id: Int64?
    public var message: String?
}

/// A value for one `__inputs` entry of a shared dashboard (`ImportDashboardInput`).
public struct ImportInput: Sendable, Hashable, Codable {
    /// The input's `name`, e.g. `DS_PROMETHEUS`.
    public var name: String
    /// The input's `type`, e.g. `datasource` or `constant`.
    public var type: String
    /// For data source inputs, the plugin id, e.g. `prometheus`.
    public var pluginId: String?
    /// The value: a data source uid or name, or a constant.
    public var value: String

    public init(name: String, type: String, pluginId: String? = nil, value: String) {
        self.name = name
        self.type = type
        self.pluginId = pluginId
        self.value = value
    }
}

/// `POST /api/dashboards/import` answer (`ImportDashboardResponse`).
public struct ImportedDashboard: Sendable, Hashable, Codable {
    public var uid: String?
    public var title: String?
    public var slug: String?
    public var dashboardId: Int64?
    public var folderUid: String?
    public var importedUrl: String?
    public var importedRevision: Int64?
    public var imported: Bool?
}

/// Filters for `GET /api/search` (API-NOTES §2.7).
public struct SearchQuery: Sendable, Hashable {
    /// `type=`: dashboards or folders.
    public enum ItemType: String, Sendable, Hashable {
        case dashboard = "dash-db"
        case folder = "dash-folder"
    }

    public var query: String?
    /// Every tag must match (`tag` repeats).
    public var tags: [String]
    public var type: ItemType?
    public var folderUIDs: [String]
    public var dashboardUIDs: [String]
    public var starred: Bool?
    /// At most 5000 (server limit).
    public var limit: Int?
    /// 1-based.
    public var page: Int?

    public init(
        query: String? = nil, tags: [String] = [], type: ItemType? = nil, folderUIDs: [String] = [],
        dashboardUIDs: [String] = [], starred: Bool? = nil, limit: Int? = nil, page: Int? = nil
    ) {
        self.query = query
        self.tags = tags
        self.type = type
        self.folderUIDs = folderUIDs
        self.dashboardUIDs = dashboardUIDs
        self.starred = starred
        self.limit = limit
        self.page = page
    }

    var items: [QueryItem] {
        var items: [QueryItem] = []
        if let query { items.append(QueryItem("query", query)) }
        items += tags.map { QueryItem("tag", $0) }
        if let type { items.append(QueryItem("type", type.rawValue)) }
        items += folderUIDs.map { QueryItem("folderUIDs", $0) }
        items += dashboardUIDs.map { QueryItem("dashboardUIDs", $0) }
        if let starred { items.append(QueryItem("starred", String(starred))) }
        if let limit { items.append(QueryItem("limit", String(limit))) }
        if let page { items.append(QueryItem("page", String(page))) }
        return items
    }
}

/// One search result (`Hit`).
public struct SearchHit: Sendable, Hashable, Codable {
    public var id: Int64?
    public var uid: String
    public var title: String
    /// `dash-db` or `dash-folder`.
    public var type: String?
    public var url: String?
    public var uri: String?
    public var slug: String?
    public var tags: [String]?
    public var isStarred: Bool?
    public var folderUid: String?
    public var folderTitle: String?
    public var folderUrl: String?
}
