public import Foundation
public import GFSValue

/// `POST /api/dashboards/db` answer: `{"folderUid","id","slug","status","uid","url","version"}`.
///
/// The 11.4 swagger calls `slug` "title"; the code sends `slug` (API-NOTES §2.6, §3).
/// `folderUid` is present from 11.x.
public struct SavedDashboard: Sendable, Hashable, Codable {
    /// The numeric id.
    public var id: Int64?
    /// The uid, stable across instances.
    public var uid: String
    /// The path in the Grafana UI, e.g. `/d/<uid>/<slug>`.
    public var url: String?
    /// Grafana's result word, `success`.
    public var status: String?
    /// The version, raised on every save.
    public var version: Int64?
    /// The URL-friendly title.
    public var slug: String?
    /// The uid of the containing folder; empty or absent at the root.
    public var folderUid: String?
}

/// `GET /api/dashboards/uid/:uid` answer: the dashboard model, and its metadata.
public struct DashboardDocument: Sendable, Hashable {
    /// The `dashboard` member as compact JSON, key order, integers and big numbers as the
    /// server sent them.
    public var dashboard: Data
    /// The `dashboard` member as the shared value tree, already parsed: callers that look
    /// inside the model need not read `dashboard` again.
    public var model: Value
    /// The metadata: folder, permissions, version, provisioning.
    public var meta: DashboardMeta

    /// A document from the parsed model; `dashboard` is written from it.
    public init(model: Value, meta: DashboardMeta) {
        self.model = model
        self.meta = meta
        dashboard = Data(model.jsonBytes())
    }
}

/// `DashboardMeta`, the fields gfs uses; others are ignored.
public struct DashboardMeta: Sendable, Hashable, Codable {
    /// `db` for dashboards.
    public var type: String?
    /// The URL-friendly title.
    public var slug: String?
    /// The path in the Grafana UI, e.g. `/d/<uid>/<slug>`.
    public var url: String?
    /// The version the server holds.
    public var version: Int64?
    /// When it was created (ISO 8601).
    public var created: String?
    /// When it was last changed (ISO 8601).
    public var updated: String?
    /// The login that created it.
    public var createdBy: String?
    /// The login that last changed it.
    public var updatedBy: String?
    /// Whether the caller may save it.
    public var canSave: Bool?
    /// Whether the caller may edit it.
    public var canEdit: Bool?
    /// Whether the caller may delete it.
    public var canDelete: Bool?
    /// Whether it is a folder.
    public var isFolder: Bool?
    /// The uid of the containing folder; empty or absent at the root.
    public var folderUid: String?
    /// The containing folder's title (`General` at the root).
    public var folderTitle: String?
    /// The containing folder's UI path.
    public var folderUrl: String?
    /// Whether it is provisioned from files (then it cannot be saved).
    public var provisioned: Bool?
    /// Whether the signed-in user starred the dashboard.
    public var isStarred: Bool?
}

/// `DELETE /api/dashboards/uid/:uid` answer (11.x+): `{"message","title","uid"}`; 10.x sent `id`.
public struct DeletedDashboard: Sendable, Hashable, Codable {
    /// The title.
    public var title: String?
    /// The uid, stable across instances.
    public var uid: String?
    /// The numeric id.
    public var id: Int64?
    /// Grafana's confirmation text: `Dashboard <title> deleted`.
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

    /// Creates an input value.
    public init(name: String, type: String, pluginId: String? = nil, value: String) {
        self.name = name
        self.type = type
        self.pluginId = pluginId
        self.value = value
    }
}

/// `POST /api/dashboards/import` answer (`ImportDashboardResponse`).
public struct ImportedDashboard: Sendable, Hashable, Codable {
    /// The uid, stable across instances.
    public var uid: String?
    /// The title.
    public var title: String?
    /// The URL-friendly title.
    public var slug: String?
    /// The numeric id of the saved dashboard.
    public var dashboardId: Int64?
    /// The uid of the containing folder; empty or absent at the root.
    public var folderUid: String?
    /// The UI path of the imported dashboard.
    public var importedUrl: String?
    /// The imported revision.
    public var importedRevision: Int64?
    /// Whether the dashboard was imported.
    public var imported: Bool?
}

/// Filters for `GET /api/search` (API-NOTES §2.7).
public struct SearchQuery: Sendable, Hashable {
    /// `type=`: dashboards or folders.
    public enum ItemType: String, Sendable, Hashable {
        case dashboard = "dash-db"
        case folder = "dash-folder"
    }

    /// Matches titles by substring.
    public var query: String?
    /// Every tag must match (`tag` repeats).
    public var tags: [String]
    /// Dashboards or folders only.
    public var type: ItemType?
    /// Only items in these folders.
    public var folderUIDs: [String]
    /// Only these dashboards.
    public var dashboardUIDs: [String]
    /// Only starred items.
    public var starred: Bool?
    /// At most 5000 (server limit).
    public var limit: Int?
    /// 1-based.
    public var page: Int?

    /// Creates a query; every filter is optional.
    public init(
        query: String? = nil,
        tags: [String] = [],
        type: ItemType? = nil,
        folderUIDs: [String] = [],
        dashboardUIDs: [String] = [],
        starred: Bool? = nil,
        limit: Int? = nil,
        page: Int? = nil
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
    /// The numeric id.
    public var id: Int64?
    /// The uid, stable across instances.
    public var uid: String
    /// The title.
    public var title: String
    /// `dash-db` or `dash-folder`.
    public var type: String?
    /// The path in the Grafana UI.
    public var url: String?
    /// The legacy `db/<slug>` reference.
    public var uri: String?
    /// The URL-friendly title.
    public var slug: String?
    /// The tags.
    public var tags: [String]?
    /// Whether the caller starred it.
    public var isStarred: Bool?
    /// The uid of the containing folder; empty or absent at the root.
    public var folderUid: String?
    /// The containing folder's title (`General` at the root).
    public var folderTitle: String?
    /// The containing folder's UI path.
    public var folderUrl: String?
}
