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
    ///
    /// A data source the org already has under another uid but the same name and type is
    /// adopted: Grafana refuses a second one of that name (409, `ErrDataSourceNameExists`), and
    /// the org's is what the export's dashboards and library panels will use (``DashboardKind``
    /// and ``LibraryPanelKind`` point their references at it), so it is left as it is and never
    /// pruned. One of the same name but another type is a conflict, reported before anything
    /// is sent (``apply(_:in:)``).
    public func plan(desired: [TransferResource], current: [TransferResource], prune: Bool, context: TransferContext)
        -> [TransferChange]
    {
        let adopted = Self.adopted(in: context)
        let adopters = Set(adopted.values.map(\.identity))
        return TransferChange.matching(desired: desired, current: current, prune: prune).compactMap { change in
            if change.action == .create, let existing = adopted[change.resource.identity] {
                return TransferChange(.unchanged, desired: change.desired, current: existing)
            }
            if change.action == .delete, adopters.contains(change.resource.identity) { return nil }
            guard change.action == .unchanged, !Self.secretsToSend(change, context: context).isEmpty else {
                return change
            }
            return TransferChange(.update, desired: change.desired, current: change.current)
        }
    }

    public func notes(desired: [TransferResource], context: TransferContext) -> [String] {
        Self.adopted(in: context).sorted { $0.key < $1.key }.map { uid, existing in
            let name = existing.document["name"]?.stringValue ?? ""
            return
                "'\(name)' (uid \(uid)) is already in the org as uid \(existing.identity); kept as it is, and the imported dashboards and library panels use it"
        }
    }

    /// The export's data sources (by uid) that the org has under another uid with the same
    /// name and type: the org's resource for each.
    static func adopted(in context: TransferContext) -> [String: TransferResource] {
        let current = context.current["datasources"] ?? []
        var adopted: [String: TransferResource] = [:]
        for source in context.desired["datasources"] ?? []
        where !current.contains(where: { $0.identity == source.identity }) {
            let mine = identity(source)
            if let existing = current.first(where: { identity($0).name == mine.name && identity($0).type == mine.type })
            {
                adopted[source.identity] = existing
            }
        }
        return adopted
    }

    /// The server's data source of the same name as `resource` under another uid.
    static func namesake(of resource: TransferResource, in context: TransferContext) -> TransferResource? {
        let name = identity(resource).name
        return (context.current["datasources"] ?? []).first {
            $0.identity != resource.identity && identity($0).name == name
        }
    }

    /// A data source resource as the remapper knows it.
    static func identity(_ resource: TransferResource) -> DatasourceIdentity {
        DatasourceIdentity(
            uid: resource.identity,
            name: resource.document["name"]?.stringValue ?? "",
            type: resource.document["type"]?.stringValue ?? "",
            isDefault: resource.document["isDefault"] == .bool(true)
        )
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        let resource = change.resource
        switch change.action {
        case .create, .update:
            guard case .record(var body) = resource.state else { return }
            let secrets = Self.secretsToSend(change, context: context)
            if !secrets.isEmpty { body["secureJsonData"] = .record(secrets) }
            if change.action == .create {
                if let existing = Self.namesake(of: resource, in: context) {
                    // Grafana would refuse it with 409 "data source with the same name already
                    // exists" (`ErrDataSourceNameExists` from the store's `AddDataSource`, in
                    // `pkg/services/datasources/service/store.go`); say which one and what to do.
                    let theirs = Self.identity(existing)
                    throw CommandFailure(
                        message:
                            "Data source '\(theirs.name)' already exists in the target org as uid \(theirs.uid) of type \(theirs.type)",
                        hint:
                            "The export's '\(theirs.name)' (uid \(resource.identity)) is of type \(Self.identity(resource).type), so it was not adopted. Rename one of the two and import again; with copy, --map-datasource \(resource.identity)=NAME points the copied dashboards at another data source."
                    )
                }
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
