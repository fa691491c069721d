/// A data source in full (`DataSource` DTO), from get by uid, name or id.
///
/// Secrets are never returned: `secureJsonFields` only says which are set.
/// `jsonData` is free-form; read it from the raw answer if needed.
public struct DataSource: Sendable, Hashable, Codable {
    public var id: Int64
    public var uid: String
    public var orgId: Int64?
    public var name: String
    public var type: String
    public var typeLogoUrl: String?
    public var access: String?
    public var url: String?
    public var user: String?
    public var database: String?
    public var basicAuth: Bool?
    public var basicAuthUser: String?
    public var withCredentials: Bool?
    public var isDefault: Bool?
    public var secureJsonFields: [String: Bool]?
    public var version: Int64?
    public var readOnly: Bool?
}

/// A data source as `GET /api/datasources` lists it (`DataSourceListItemDTO`).
public struct DataSourceSummary: Sendable, Hashable, Codable {
    public var id: Int64
    public var uid: String
    public var orgId: Int64?
    public var name: String
    public var type: String
    public var typeName: String?
    public var access: String?
    public var url: String?
    public var user: String?
    public var database: String?
    public var basicAuth: Bool?
    public var isDefault: Bool?
    public var readOnly: Bool?
}

/// `POST /api/datasources` and `PUT /api/datasources/uid/:uid` answer:
/// `{"datasource":{…},"id":N,"message":"Datasource added","name":"…"}`.
public struct SavedDataSource: Sendable, Hashable, Codable {
    public var id: Int64?
    public var name: String?
    public var message: String?
    public var datasource: DataSource?
}
