/// A data source in full (`DataSource` DTO), from get by uid, name or id.
///
/// Secrets are never returned: `secureJsonFields` only says which are set.
/// `jsonData` is free-form and not modelled; ``GrafanaClient/dataSourceJSON(uid:)`` returns
/// the whole answer as raw JSON.
public struct DataSource: Sendable, Hashable, Codable {
    /// The numeric id.
    public var id: Int64
    /// The uid, stable across instances.
    public var uid: String
    /// The org it belongs to.
    public var orgId: Int64?
    /// The name.
    public var name: String
    /// The plugin id, e.g. `prometheus`.
    public var type: String
    /// The plugin logo path.
    public var typeLogoUrl: String?
    /// `proxy` (server-side) or `direct` (browser).
    public var access: String?
    /// The URL Grafana queries, e.g. `http://prometheus:9090`.
    public var url: String?
    /// The user name for the data source, if any.
    public var user: String?
    /// The database name, for SQL-like sources.
    public var database: String?
    /// Whether basic auth is used towards the data source.
    public var basicAuth: Bool?
    /// The basic-auth user towards the data source.
    public var basicAuthUser: String?
    /// Whether browser credentials are sent (direct access).
    public var withCredentials: Bool?
    /// Whether it is the org's default data source.
    public var isDefault: Bool?
    /// Which secure fields are set (values are never returned).
    public var secureJsonFields: [String: Bool]?
    /// The version, raised on every save.
    public var version: Int64?
    /// Whether it is provisioned and read-only.
    public var readOnly: Bool?
}

/// A data source as `GET /api/datasources` lists it (`DataSourceListItemDTO`).
public struct DataSourceSummary: Sendable, Hashable, Codable {
    /// The numeric id.
    public var id: Int64
    /// The uid, stable across instances.
    public var uid: String
    /// The org it belongs to.
    public var orgId: Int64?
    /// The name.
    public var name: String
    /// The plugin id, e.g. `prometheus`.
    public var type: String
    /// The plugin's display name.
    public var typeName: String?
    /// `proxy` (server-side) or `direct` (browser).
    public var access: String?
    /// The URL Grafana queries.
    public var url: String?
    /// The user name for the data source, if any.
    public var user: String?
    /// The database name, for SQL-like sources.
    public var database: String?
    /// Whether basic auth is used towards the data source.
    public var basicAuth: Bool?
    /// Whether it is the org's default data source.
    public var isDefault: Bool?
    /// Whether it is provisioned and read-only.
    public var readOnly: Bool?
}

/// `POST /api/datasources` and `PUT /api/datasources/uid/:uid` answer:
/// `{"datasource":{…},"id":N,"message":"Datasource added","name":"…"}`.
public struct SavedDataSource: Sendable, Hashable, Codable {
    /// The data source's numeric id.
    public var id: Int64?
    /// The data source's name.
    public var name: String?
    /// Grafana's confirmation text.
    public var message: String?
    /// The saved data source.
    public var datasource: DataSource?
}
