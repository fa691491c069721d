import Foundation
import GFSLanguage
import GrafanaAPI

/// Data sources at `datasources/<uid>.json`: the fields of Grafana's data-source DTO that
/// describe it (no id, org or version). Secure fields are not readable through the API: the
/// file lists their names in `secureJsonFields`, and each becomes a secret to supply at import
/// as `UID.FIELD` (`--secret prometheus.basicAuthPassword=env:PROM_PASSWORD`).
public struct DataSourceKind: TransferKind {
    public let name = "datasources"
    public let dependencies: [String] = []
    public let treePaths = ["datasources"]

    /// The fields carried, as `dtos.DataSource` names them (`pkg/api/dtos/datasource.go`).
    static let fields = [
        "uid", "name", "type", "access", "url", "user", "database", "basicAuth", "basicAuthUser", "withCredentials",
        "isDefault", "jsonData",
    ]

    public init() {}

    public func list(in context: TransferContext) async throws -> [TransferResource] {
        guard case .list(let items) = try await context.get("/api/datasources") else { return [] }
        let uids = items.compactMap { $0["uid"]?.stringValue }
        return try await context.mapConcurrently(uids) { uid in
            Self.resource(try await context.get(context.path("api", "datasources", "uid", uid)), uid: uid)
        }.sorted { $0.path < $1.path }
    }

    public func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource] {
        try tree.jsonFiles(under: "datasources").map { file in
            let document = try tree.read(file)
            guard let uid = document["uid"]?.stringValue, !uid.isEmpty, document["name"]?.stringValue != nil,
                document["type"]?.stringValue != nil
            else {
                throw TransferTreeError(path: file, "\(file): a data source needs a 'uid', a 'name' and a 'type'")
            }
            var resource = Self.resource(document, uid: uid)
            resource.path = file
            return resource
        }
    }

    /// Matched by uid; an otherwise unchanged data source is updated when a secret it lists
    /// was supplied and the server has none set for that field. A secret the server already
    /// holds is never sent again, so a second import sends nothing.
    public func plan(desired: [TransferResource], current: [TransferResource], prune: Bool, context: TransferContext)
        -> [TransferChange]
    {
        TransferChange.matching(desired: desired, current: current, prune: prune).map { change in
            guard change.action == .unchanged, !Self.secretsToSend(change, context: context).isEmpty else {
                return change
            }
            return TransferChange(.update, desired: change.desired, current: change.current)
        }
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        let resource = change.resource
        switch change.action {
        case .create, .update:
            guard case .record(var body) = resource.state else { return }
            let secrets = Self.secretsToSend(change, context: context)
            if !secrets.isEmpty { body["secureJsonData"] = .record(secrets) }
            if change.action == .create {
                try await context.write(.post, "/api/datasources", body: .record(body))
            } else {
                try await context.write(
                    .put,
                    context.path("api", "datasources", "uid", resource.identity),
                    body: .record(body)
                )
            }
        case .delete:
            try await context.write(.delete, context.path("api", "datasources", "uid", resource.identity))
        case .unchanged:
            break
        }
    }

    /// The secure fields the file lists.
    static func secureFields(_ resource: TransferResource?) -> [String] {
        guard case .record(let fields)? = resource?.document["secureJsonFields"] else { return [] }
        return fields.keys.sorted()
    }

    /// The supplied secrets of fields the server does not have set yet, by field.
    static func secretsToSend(_ change: TransferChange, context: TransferContext) -> Record {
        let onServer = Set(secureFields(change.current))
        var secrets = Record()
        for field in secureFields(change.desired) where !onServer.contains(field) {
            if let secret = context.secrets["\(change.resource.identity).\(field)"] {
                secrets[field] = .string(secret)
            }
        }
        return secrets
    }

    /// A data source: the file holds the carried fields and the names of its secure fields;
    /// the state leaves the secure fields out (see ``plan(desired:current:prune:context:)``).
    static func resource(_ answer: Value, uid: String) -> TransferResource {
        var state = Record()
        for field in fields {
            if let value = answer[field] { state[field] = value }
        }
        var document = state
        var secrets: [String] = []
        if case .record(let secure)? = answer["secureJsonFields"] {
            let names = secure.filter { $0.value == .bool(true) }.map(\.key).sorted()
            if !names.isEmpty {
                document["secureJsonFields"] = .record(Record(names.map { ($0, Value.bool(true)) }))
                secrets = names.map { "\(uid).\($0)" }
            }
        }
        return TransferResource(
            kind: "datasources",
            identity: uid,
            path: "datasources/\(TransferTree.segment(uid)).json",
            document: .record(document),
            state: .record(state),
            // Grafana makes an org's first data source its default (`AddDataSource` in the
            // data-source store): the default one goes first, so no other takes that role
            // for a moment and needs an update on the next import.
            stage: answer["isDefault"] == .bool(true) ? 0 : 1,
            secrets: secrets
        )
    }
}
