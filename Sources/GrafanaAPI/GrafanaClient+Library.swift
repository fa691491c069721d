import Foundation
public import GFSValue

// Library elements, annotations, snapshots and playlists. Their answers are returned as
// values: the commands show and bind them as Grafana sends them, and a field a release adds
// comes through without a model change.

extension GrafanaClient {
    // MARK: Library elements

    /// `GET /api/library-elements` for every page (`perPage` 100), filtered as Grafana filters:
    /// `searchString` by name or description, `folderFilterUIDs`. Returns the elements.
    public func libraryElements(searchString: String? = nil, folderUIDs: [String] = []) async throws -> [Value] {
        var elements: [Value] = []
        var page = 1
        while true {
            var query = [QueryItem("perPage", "100"), QueryItem("page", String(page)), QueryItem("kind", "1")]
            if let searchString, !searchString.isEmpty { query.append(QueryItem("searchString", searchString)) }
            if !folderUIDs.isEmpty { query.append(QueryItem("folderFilterUIDs", folderUIDs.joined(separator: ","))) }
            let answer = try await value(
                APIRequest("list library panels", .get, ["api", "library-elements"], query: query)
            )
            let result = Self.field(answer, "result")
            let batch = Self.list(Self.field(result, "elements"))
            elements += batch
            var total = elements.count
            if case .int(let count)? = Self.field(result, "totalCount") { total = count }
            if batch.isEmpty || elements.count >= total { return elements }
            page += 1
        }
    }

    /// `GET /api/library-elements/:uid`: the element (`result`).
    public func libraryElement(uid: String) async throws -> Value {
        let answer = try await value(APIRequest("get library panel", .get, ["api", "library-elements", uid]))
        return Self.field(answer, "result") ?? .null
    }

    /// The element with `uid`, or nil when Grafana answers 404.
    public func findLibraryElement(uid: String) async throws -> Value? {
        try await nilIfNotFound { try await libraryElement(uid: uid) }
    }

    /// `POST /api/library-elements` with kind 1 (a panel).
    public func createLibraryPanel(uid: String, name: String, folderUID: String?, model: Value) async throws
        -> WriteOutcome<Value>
    {
        var body: Record = ["kind": 1, "uid": .string(uid), "name": .string(name), "model": model]
        if let folderUID { body["folderUid"] = .string(folderUID) }
        return try await write(
            APIRequest("create library panel", .post, ["api", "library-elements"], body: json(body))
        )
    }

    /// `PATCH /api/library-elements/:uid` with the version it replaces; another version is 412.
    public func updateLibraryPanel(uid: String, name: String, folderUID: String?, model: Value, version: Int)
        async throws -> WriteOutcome<Value>
    {
        var body: Record = [
            "kind": 1, "uid": .string(uid), "name": .string(name), "model": model, "version": .int(version),
        ]
        if let folderUID { body["folderUid"] = .string(folderUID) }
        return try await write(
            APIRequest("update library panel", .patch, ["api", "library-elements", uid], body: json(body))
        )
    }

    /// `DELETE /api/library-elements/:uid`; refused (403) while dashboards use it.
    public func deleteLibraryElement(uid: String) async throws -> WriteOutcome<Value> {
        try await write(APIRequest("delete library panel", .delete, ["api", "library-elements", uid]))
    }

    /// `GET /api/library-elements/:uid/connections/`: the connected dashboards (`result`).
    public func libraryElementConnections(uid: String) async throws -> [Value] {
        let answer = try await value(
            APIRequest("get library panel connections", .get, ["api", "library-elements", uid, "connections", ""])
        )
        return Self.list(Self.field(answer, "result"))
    }

    // MARK: Annotations

    /// `POST /api/annotations`.
    public func createAnnotation(_ body: Record) async throws -> WriteOutcome<Value> {
        try await write(APIRequest("create annotation", .post, ["api", "annotations"], body: json(body)))
    }

    /// `GET /api/annotations` with Grafana's filters as query items.
    public func annotations(query: [QueryItem]) async throws -> [Value] {
        Self.list(try await value(APIRequest("list annotations", .get, ["api", "annotations"], query: query)))
    }

    /// `GET /api/annotations/:id`.
    public func annotation(id: Int) async throws -> Value {
        try await value(APIRequest("get annotation", .get, ["api", "annotations", String(id)]))
    }

    /// `PATCH /api/annotations/:id`: changes only the fields given.
    public func patchAnnotation(id: Int, _ body: Record) async throws -> WriteOutcome<Value> {
        try await write(APIRequest("update annotation", .patch, ["api", "annotations", String(id)], body: json(body)))
    }

    /// `DELETE /api/annotations/:id`.
    public func deleteAnnotation(id: Int) async throws -> WriteOutcome<Value> {
        try await write(APIRequest("delete annotation", .delete, ["api", "annotations", String(id)]))
    }

    // MARK: Snapshots

    /// `POST /api/snapshots`: `{dashboard, name, expires}`; answers the keys and URLs.
    public func createSnapshot(dashboard: Value, name: String?, expiresSeconds: Int?) async throws
        -> WriteOutcome<Value>
    {
        var body: Record = ["dashboard": dashboard]
        if let name { body["name"] = .string(name) }
        if let expiresSeconds { body["expires"] = .int(expiresSeconds) }
        return try await write(APIRequest("create snapshot", .post, ["api", "snapshots"], body: json(body)))
    }

    /// `GET /api/dashboard/snapshots`.
    public func snapshots(query: String? = nil) async throws -> [Value] {
        var items: [QueryItem] = []
        if let query { items.append(QueryItem("query", query)) }
        return Self.list(
            try await value(APIRequest("list snapshots", .get, ["api", "dashboard", "snapshots"], query: items))
        )
    }

    /// `GET /api/snapshots/:key`: `{dashboard, meta}`.
    public func snapshot(key: String) async throws -> Value {
        try await value(APIRequest("get snapshot", .get, ["api", "snapshots", key]))
    }

    /// `DELETE /api/snapshots/:key`.
    public func deleteSnapshot(key: String) async throws -> WriteOutcome<Value> {
        try await write(APIRequest("delete snapshot", .delete, ["api", "snapshots", key]))
    }

    // MARK: Playlists

    /// `POST /api/playlists`.
    public func createPlaylist(name: String, interval: String, items: [Value]) async throws -> WriteOutcome<Value> {
        let body: Record = ["name": .string(name), "interval": .string(interval), "items": .list(items)]
        return try await write(APIRequest("create playlist", .post, ["api", "playlists"], body: json(body)))
    }

    /// `GET /api/playlists`.
    public func playlists(query: String? = nil) async throws -> [Value] {
        var items: [QueryItem] = []
        if let query { items.append(QueryItem("query", query)) }
        return Self.list(try await value(APIRequest("list playlists", .get, ["api", "playlists"], query: items)))
    }

    /// `GET /api/playlists/:uid`.
    public func playlist(uid: String) async throws -> Value {
        try await value(APIRequest("get playlist", .get, ["api", "playlists", uid]))
    }

    /// `DELETE /api/playlists/:uid`.
    public func deletePlaylist(uid: String) async throws -> WriteOutcome<Value> {
        try await write(APIRequest("delete playlist", .delete, ["api", "playlists", uid]))
    }

    // MARK: Funnel

    private static func field(_ value: Value?, _ key: String) -> Value? {
        if case .record(let record)? = value { return record[key] }
        return nil
    }

    private static func list(_ value: Value?) -> [Value] {
        if case .list(let items)? = value { return items }
        return []
    }

    private func json(_ record: Record) -> Data {
        Data(Value.record(record).jsonBytes(options: JSONWritingOptions(sortsKeys: true)))
    }

    /// A read whose JSON answer is returned as a value.
    private func value(_ request: APIRequest) async throws -> Value {
        let response = try await perform(request)
        return try Self.parse(response, call: request.call)
    }

    /// A write whose JSON answer (or `null` for an empty body) is returned as a value.
    private func write(_ request: APIRequest) async throws -> WriteOutcome<Value> {
        switch try await recordOrSend(request) {
        case .sent(let response): .sent(try Self.parse(response, call: request.call))
        case .planned(let planned): .planned(planned)
        }
    }

    private static func parse(_ response: TransportResponse, call: GrafanaError.Call) throws(GrafanaError) -> Value {
        if response.body.isEmpty { return .null }
        do {
            return try Value(json: String(decoding: response.body, as: UTF8.self))
        } catch {
            throw .invalidResponse("Unexpected response: \(error)", call: call, status: response.status)
        }
    }
}
