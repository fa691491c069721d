import Foundation
import GFSLanguage
import GrafanaAPI

/// Library panels at `library-panels/<uid>.json`: `{uid, name, folderUid, description, model}`
/// (the folder by uid, empty fields left out). Dashboards name them by uid. A panel's model
/// names data sources as a dashboard's panels do, so it is remapped as they are: after the
/// data sources, which it depends on.
public struct LibraryPanelKind: TransferKind {
    public let name = "library-panels"
    public let dependencies = ["folders", "datasources"]
    public let treePaths = ["library-panels"]

    public init() {}

    public func list(in context: TransferContext) async throws -> [TransferResource] {
        var resources: [TransferResource] = []
        var page = 1
        while true {
            // Kind 1 is a panel (`model.PanelElement` in `pkg/services/libraryelements/model`).
            let query = [QueryItem("kind", "1"), QueryItem("perPage", "100"), QueryItem("page", String(page))]
            let answer = try await context.get("/api/library-elements", query: query)
            guard case .list(let elements)? = answer["result"]?["elements"] else { break }
            resources += elements.compactMap(Self.resource)
            if elements.count < 100 { break }
            page += 1
        }
        return resources.sorted { $0.path < $1.path }
    }

    public func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource] {
        try tree.jsonFiles(under: "library-panels").map { file in
            let document = try tree.read(file)
            guard var resource = Self.resource(Self.resolveDataSourceReferences(document, in: context)) else {
                throw TransferTreeError(path: file, "\(file): a library panel needs a 'uid', a 'name' and a 'model'")
            }
            resource.path = file
            return resource
        }
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        let resource = change.resource
        switch change.action {
        case .create, .update:
            guard case .record(var body) = resource.document else { return }
            body["kind"] = 1
            if change.action == .create {
                try await context.write(.post, "/api/library-elements", body: .record(body))
            } else {
                // `PATCH` needs the version it replaces (412 otherwise), read with the plan.
                body["version"] = change.current?.server["version"] ?? .int(1)
                if body["folderUid"] == nil { body["folderUid"] = "" }
                try await context.write(
                    .patch,
                    context.path("api", "library-elements", resource.identity),
                    body: .record(body)
                )
            }
        case .delete:
            try await context.write(.delete, context.path("api", "library-elements", resource.identity))
        case .unchanged:
            break
        }
    }

    /// The model's data-source references resolved as a dashboard's panels are
    /// (``DashboardKind/resolveDataSourceReferences(_:in:)``): against the data sources the org
    /// has and those of the export it will have, a uid it knows under another uid but the same
    /// name becoming the org's; a reference nothing answers is kept as it is.
    static func resolveDataSourceReferences(_ document: Value, in context: TransferContext) -> Value {
        guard case .record(var record) = document, case .record(let model)? = record["model"] else { return document }
        let rewrite = DashboardKind.remapper(in: context).rewrite(panel: model)
        guard rewrite.changed else { return document }
        record["model"] = .record(rewrite.model)
        return .record(record)
    }

    static func resource(_ element: Value) -> TransferResource? {
        guard let uid = element["uid"]?.stringValue, !uid.isEmpty, let name = element["name"]?.stringValue,
            let model = element["model"]
        else { return nil }
        var document: Record = ["uid": .string(uid), "name": .string(name), "model": model]
        for field in ["folderUid", "description"] {
            if let text = element[field]?.stringValue, !text.isEmpty { document[field] = .string(text) }
        }
        var server = Record()
        if let version = element["version"] { server["version"] = version }
        return TransferResource(
            kind: "library-panels",
            identity: uid,
            path: "library-panels/\(TransferTree.segment(uid)).json",
            document: .record(document),
            server: server
        )
    }
}
