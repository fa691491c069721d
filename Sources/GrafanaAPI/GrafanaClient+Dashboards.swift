public import Foundation
public import GFSValue

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
        return try await saveDashboard(
            model: try Self.jsonObject(dashboard, what: "dashboard", call: request.call),
            folderUID: folderUID,
            overwrite: overwrite,
            message: message
        )
    }

    /// `POST /api/dashboards/db` with a model the caller already holds as a value (a record),
    /// so it is written once into the body and never read back from text.
    public func saveDashboard(
        model: Value,
        folderUID: String? = nil,
        overwrite: Bool = false,
        message: String? = nil
    )
        async throws -> WriteOutcome<SavedDashboard>
    {
        let request = APIRequest("save dashboard", .post, ["api", "dashboards", "db"])
        guard case .record = model else {
            throw GrafanaError.invalidRequest("The dashboard must be a JSON object", call: request.call)
        }
        var body = Record()
        body["dashboard"] = model
        if let folderUID { body["folderUid"] = .string(folderUID) }
        if let message { body["message"] = .string(message) }
        body["overwrite"] = .bool(overwrite)
        var send = request
        send.body = Data(Value.record(body).jsonBytes())
        return try await performWrite(send, as: SavedDashboard.self)
    }

    /// `POST /api/dashboards/db` with a body built around the model's text, sent as it is.
    /// The answer is read from its bytes, or decoded as every answer is when it holds
    /// something unexpected (see `SavedDashboard.init(answer:)`).
    public func saveDashboard(_ body: DashboardSaveBody) async throws -> WriteOutcome<SavedDashboard> {
        var send = APIRequest("save dashboard", .post, ["api", "dashboards", "db"])
        send.body = body.bytes
        switch try await recordOrSend(send) {
        case .planned(let write):
            return .planned(write)
        case .sent(let response):
            let fast = response.body.withUnsafeBytes { raw in
                SavedDashboard(answer: raw.bindMemory(to: UInt8.self))
            }
            if let fast { return .sent(fast) }
            return .sent(try decode(SavedDashboard.self, from: response, call: send.call))
        }
    }

    /// `POST /api/dashboards/import`: saves a dashboard exported for sharing, filling its `__inputs`.
    public func importDashboard(
        _ dashboard: Data,
        inputs: [ImportInput] = [],
        folderUID: String? = nil,
        overwrite: Bool = false
    ) async throws -> WriteOutcome<ImportedDashboard> {
        let request = APIRequest("import dashboard", .post, ["api", "dashboards", "import"])
        var body = Record()
        body["dashboard"] = try Self.jsonObject(dashboard, what: "dashboard", call: request.call)
        if let folderUID { body["folderUid"] = .string(folderUID) }
        body["inputs"] = .list(
            inputs.map { input in
                var fields: Record = ["name": .string(input.name), "type": .string(input.type)]
                if let plugin = input.pluginId { fields["pluginId"] = .string(plugin) }
                fields["value"] = .string(input.value)
                return .record(fields)
            }
        )
        body["overwrite"] = .bool(overwrite)
        var send = request
        send.body = Data(Value.record(body).jsonBytes())
        return try await performWrite(send, as: ImportedDashboard.self)
    }

    /// `GET /api/dashboards/uid/:uid`: the model (key order kept) and its metadata.
    ///
    /// The answer is read once by the shared JSON reader; `meta` is decoded from that tree
    /// and `dashboard` written back from it, so the model is not parsed twice.
    public func dashboard(uid: String) async throws -> DashboardDocument {
        let request = APIRequest("get dashboard", .get, ["api", "dashboards", "uid", uid])
        let response = try await perform(request)
        let answer: Record
        do {
            guard case .record(let record) = try Value(jsonUTF8: response.body) else {
                throw GrafanaError.invalidResponse(
                    "Unexpected response: the body is not a JSON object",
                    call: request.call,
                    status: response.status
                )
            }
            answer = record
        } catch let error as JSONSyntaxError {
            throw GrafanaError.invalidResponse(
                "Unexpected response: the body is not JSON (\(error))",
                call: request.call,
                status: response.status
            )
        }
        guard let model = answer["dashboard"] else {
            throw GrafanaError.invalidResponse(
                "Unexpected response: missing field 'dashboard'",
                call: request.call,
                status: response.status
            )
        }
        guard let metaValue = answer["meta"] else {
            throw GrafanaError.invalidResponse(
                "Unexpected response: missing field 'meta'",
                call: request.call,
                status: response.status
            )
        }
        let meta: DashboardMeta
        do {
            meta = try ValueDecoder().decode(DashboardMeta.self, from: metaValue)
        } catch let error as DecodingError {
            throw GrafanaError.invalidResponse(
                "Unexpected response: \(Self.summary(of: error, body: response.body, under: "meta"))",
                call: request.call,
                status: response.status
            )
        }
        return DashboardDocument(model: model, meta: meta)
    }

    /// `GET /api/dashboards/uid/:uid` for a comparison: the metadata and a digest of the model
    /// (without its top-level members named in `ignoring`), read from the answer's bytes in
    /// one pass with no tree, so a large dashboard is never held twice. It fails as
    /// ``dashboard(uid:)`` does, with the same messages.
    public func dashboardFingerprint(uid: String, ignoring: Set<String>) async throws -> DashboardFingerprint {
        let request = APIRequest("get dashboard", .get, ["api", "dashboards", "uid", uid])
        let response = try await perform(request)
        func invalid(_ message: String) -> GrafanaError {
            .invalidResponse(message, call: request.call, status: response.status)
        }
        let digest: JSONDigest
        let metaValue: Value
        var fastMeta: DashboardMeta?
        do {
            (digest, metaValue) = try response.body.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                // The answer is checked and the model digested in the same pass.
                guard
                    let (answer, modelDigest) = try JSONReader.objectMembers(
                        bytes,
                        digestingObject: "dashboard",
                        ignoring: ignoring
                    )
                else {
                    throw invalid("Unexpected response: the body is not a JSON object")
                }
                guard answer.last("dashboard") != nil else {
                    throw invalid("Unexpected response: missing field 'dashboard'")
                }
                guard let meta = answer.last("meta") else {
                    throw invalid("Unexpected response: missing field 'meta'")
                }
                let digest =
                    try modelDigest
                    ?? Array("{}".utf8).withUnsafeBufferPointer { empty throws(JSONSyntaxError) in
                        try JSONReader.digest(empty, at: 0..<2)
                    }
                // The few members read from the bytes; a tree and the decoder only when they
                // hold something unexpected, so that the error is the decoder's.
                if let read = DashboardMeta(object: meta, in: bytes) {
                    fastMeta = read
                    return (digest, .null)
                }
                return (digest, JSONReader.value(bytes, at: meta) ?? .null)
            }
        } catch let error as JSONSyntaxError {
            throw invalid("Unexpected response: the body is not JSON (\(error))")
        }
        if let fastMeta { return DashboardFingerprint(modelDigest: digest, meta: fastMeta) }
        do {
            return DashboardFingerprint(
                modelDigest: digest,
                meta: try ValueDecoder().decode(DashboardMeta.self, from: metaValue)
            )
        } catch let error as DecodingError {
            throw invalid("Unexpected response: \(Self.summary(of: error, body: response.body, under: "meta"))")
        }
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
    static func jsonObject(_ data: Data, what: String, call: GrafanaError.Call) throws(GrafanaError) -> Value {
        let value: Value
        do {
            value = try Value(jsonUTF8: data)
        } catch {
            throw .invalidRequest("The \(what) is not valid JSON: \(error)", call: call)
        }
        guard case .record = value else {
            throw .invalidRequest("The \(what) must be a JSON object", call: call)
        }
        return value
    }
}
