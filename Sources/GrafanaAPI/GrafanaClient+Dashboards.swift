public import Foundation

extension GrafanaClient {
    /// `POST /api/dashboards/db`: creates or updates a dashboard from its JSON model.
    ///
    /// `dashboard` is the bare model (`{"title":…,"panels":[…]}`) as raw JSON; it is embedded
    /// with its key order kept. The client sends the model as given: dropping `id` so a
    /// dashboard moves between instances is the caller's choice.
    ///
    /// Without `overwrite`, a changed dashboard gives 412 `version-mismatch` and a same-title
    /// one 412 `name-exists` (fixtures `dashboard-*.412.json`; newest Grafana: 409).
    /// Without `folderUID` an update moves the dashboard to the root (API-NOTES §2.6).
    public func saveDashboard(
        _ dashboard: Data,
        folderUID: String? = nil,
        overwrite: Bool = false,
        message: String? = nil
    )
        async throws -> WriteOutcome<SavedDashboard>
    {
        let request = APIRequest("save dashboard", .post, ["api", "dashboards", "db"])
        var members = [
            OrderedJSON.Member(
                key: "dashboard",
                value: try Self.jsonObject(dashboard, what: "dashboard", call: request.call)
            )
        ]
        if let folderUID { members.append(.init(key: "folderUid", value: .string(folderUID))) }
        if let message { members.append(.init(key: "message", value: .string(message))) }
        members.append(.init(key: "overwrite", value: .bool(overwrite)))
        var send = request
        send.body = OrderedJSON.object(members).serialized
        return try await performWrite(send, as: SavedDashboard.self)
    }

    /// `POST /api/dashboards/import`: saves a dashboard exported for sharing, filling its `__inputs`.
    public func importDashboard(
        _ dashboard: Data,
        inputs: [ImportInput] = [],
        folderUID: String? = nil,
        overwrite: Bool = false
    ) async throws -> WriteOutcome<ImportedDashboard> {
        let request = APIRequest("import dashboard", .post, ["api", "dashboards", "import"])
        var members = [
            OrderedJSON.Member(
                key: "dashboard",
                value: try Self.jsonObject(dashboard, what: "dashboard", call: request.call)
            )
        ]
        if let folderUID { members.append(.init(key: "folderUid", value: .string(folderUID))) }
        let inputValues: [OrderedJSON] = inputs.map { input in
            var fields: [OrderedJSON.Member] = [
                .init(key: "name", value: .string(input.name)), .init(key: "type", value: .string(input.type)),
            ]
            if let plugin = input.pluginId { fields.append(.init(key: "pluginId", value: .string(plugin))) }
            fields.append(.init(key: "value", value: .string(input.value)))
            return .object(fields)
        }
        members.append(.init(key: "inputs", value: .array(inputValues)))
        members.append(.init(key: "overwrite", value: .bool(overwrite)))
        var send = request
        send.body = OrderedJSON.object(members).serialized
        return try await performWrite(send, as: ImportedDashboard.self)
    }

    /// `GET /api/dashboards/uid/:uid`: the model (raw, order kept) and its metadata.
    public func dashboard(uid: String) async throws -> DashboardDocument {
        let request = APIRequest("get dashboard", .get, ["api", "dashboards", "uid", uid])
        let response = try await perform(request)
        struct Envelope: Decodable { var meta: DashboardMeta }
        let meta = try decode(Envelope.self, from: response, call: request.call).meta
        let model: Data?
        do {
            model = try OrderedJSON.memberBytes("dashboard", in: response.body)
        } catch {
            throw GrafanaError.invalidResponse(
                "Unexpected response: \(error)",
                call: request.call,
                status: response.status
            )
        }
        guard let model else {
            throw GrafanaError.invalidResponse(
                "Unexpected response: missing field 'dashboard'",
                call: request.call,
                status: response.status
            )
        }
        return DashboardDocument(dashboard: model, meta: meta)
    }

    /// The dashboard with `uid`, or nil if there is none (404).
    public func findDashboard(uid: String) async throws -> DashboardDocument? {
        try await nilIfNotFound { try await dashboard(uid: uid) }
    }

    /// `DELETE /api/dashboards/uid/:uid`.
    @discardableResult
    public func deleteDashboard(uid: String) async throws -> WriteOutcome<DeletedDashboard> {
        try await performWrite(
            APIRequest("delete dashboard", .delete, ["api", "dashboards", "uid", uid]),
            as: DeletedDashboard.self
        )
    }

    /// `GET /api/search`: dashboards and folders the caller may see, filtered.
    public func search(_ query: SearchQuery = SearchQuery()) async throws -> [SearchHit] {
        try await perform(
            APIRequest("search dashboards", .get, ["api", "search"], query: query.items),
            as: [SearchHit].self
        )
    }

    /// Parses a caller's document, which must be a JSON object.
    static func jsonObject(_ data: Data, what: String, call: GrafanaError.Call) throws(GrafanaError) -> OrderedJSON {
        let value: OrderedJSON
        do {
            value = try OrderedJSON.parse(data)
        } catch {
            throw .invalidRequest("The \(what) is not valid JSON: \(error)", call: call)
        }
        guard case .object = value else {
            throw .invalidRequest("The \(what) must be a JSON object", call: call)
        }
        return value
    }
}
