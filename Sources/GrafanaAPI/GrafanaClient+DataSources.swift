public import Foundation
import GFSValue

extension GrafanaClient {
    /// `POST /api/datasources` from a raw JSON body (`AddDataSourceCommand`: `name`, `type`,
    /// `access`, `url`, `jsonData`, `secureJsonData`, …).
    ///
    /// A taken name or uid gives 409 (API-NOTES §2.9). Secrets in `secureJsonData` are
    /// blanked in dry-run output.
    public func createDataSource(_ body: Data) async throws -> WriteOutcome<SavedDataSource> {
        var request = APIRequest("create data source", .post, ["api", "datasources"])
        request.body = Data(try Self.jsonObject(body, what: "data source", call: request.call).jsonBytes())
        return try await performWrite(request, as: SavedDataSource.self)
    }

    /// `GET /api/datasources`.
    public func dataSources() async throws -> [DataSourceSummary] {
        try await perform(APIRequest("list data sources", .get, ["api", "datasources"]), as: [DataSourceSummary].self)
    }

    /// `GET /api/datasources/uid/:uid`.
    public func dataSource(uid: String) async throws -> DataSource {
        try await perform(APIRequest("get data source", .get, ["api", "datasources", "uid", uid]), as: DataSource.self)
    }

    /// `GET /api/datasources/uid/:uid` as raw JSON, key order kept, for showing `jsonData`.
    public func dataSourceJSON(uid: String) async throws -> Data {
        try await perform(APIRequest("get data source", .get, ["api", "datasources", "uid", uid])).body
    }

    /// `GET /api/datasources/name/:name`; unknown gives 404 "Data source not found".
    public func dataSource(named name: String) async throws -> DataSource {
        try await perform(
            APIRequest("get data source", .get, ["api", "datasources", "name", name]),
            as: DataSource.self
        )
    }

    /// The data source named `name`, or nil if there is none (404).
    public func findDataSource(named name: String) async throws -> DataSource? {
        try await nilIfNotFound { try await dataSource(named: name) }
    }

    /// `GET /api/datasources/:id` (deprecated by Grafana; dropped in 12.x tests, API-NOTES §2.9).
    public func dataSource(id: Int64) async throws -> DataSource {
        try await perform(APIRequest("get data source", .get, ["api", "datasources", String(id)]), as: DataSource.self)
    }

    /// `PUT /api/datasources/uid/:uid` from a raw JSON body (`UpdateDataSourceCommand`).
    public func updateDataSource(uid: String, body: Data) async throws -> WriteOutcome<SavedDataSource> {
        var request = APIRequest("update data source", .put, ["api", "datasources", "uid", uid])
        request.body = Data(try Self.jsonObject(body, what: "data source", call: request.call).jsonBytes())
        return try await performWrite(request, as: SavedDataSource.self)
    }

    /// `DELETE /api/datasources/uid/:uid`.
    @discardableResult
    public func deleteDataSource(uid: String) async throws -> WriteOutcome<Void> {
        try await performWrite(APIRequest("delete data source", .delete, ["api", "datasources", "uid", uid]))
    }

    /// `DELETE /api/datasources/name/:name`.
    @discardableResult
    public func deleteDataSource(named name: String) async throws -> WriteOutcome<Void> {
        try await performWrite(APIRequest("delete data source", .delete, ["api", "datasources", "name", name]))
    }
}
