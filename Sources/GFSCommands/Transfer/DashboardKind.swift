import Foundation
import GFSLanguage
import GrafanaAPI

/// Dashboards at `dashboards/<folder path>/<uid>.json` (`dashboards/<uid>.json` in the root):
/// the model without `id` and `version`; the directory names its folder, as `folders/` does.
public struct DashboardKind: TransferKind {
    public let name = "dashboards"
    public let dependencies = ["folders", "datasources", "library-panels"]
    public let treePaths = ["dashboards"]

    public init() {}

    public func list(in context: TransferContext) async throws -> [TransferResource] {
        var uids: [String] = []
        var page = 1
        // `limit` above 5000 is cut to 5000 by Grafana's search (`pkg/api/search.go`, `Search`).
        while true {
            let query = [QueryItem("type", "dash-db"), QueryItem("limit", "5000"), QueryItem("page", String(page))]
            guard case .list(let hits) = try await context.get("/api/search", query: query) else { break }
            uids += hits.compactMap { $0["uid"]?.stringValue }
            if hits.count < 5000 { break }
            page += 1
        }
        let resources = try await context.mapConcurrently(uids) { uid -> TransferResource in
            let answer = try await context.get(context.path("api", "dashboards", "uid", uid))
            let folderUID = answer["meta"]?["folderUid"]?.stringValue ?? ""
            guard let segments = context.folderSegments(uid: folderUID) else {
                throw TransferTreeError(
                    path: uid,
                    "Dashboard '\(uid)' is in folder '\(folderUID)', which was not listed"
                )
            }
            return Self.resource(
                model: answer["dashboard"] ?? .null,
                uid: uid,
                segments: segments,
                folderUID: folderUID
            )
        }
        return resources.sorted { $0.path < $1.path }
    }

    public func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource] {
        try tree.jsonFiles(under: "dashboards").map { file in
            let model = try tree.read(file)
            guard let uid = model["uid"]?.stringValue, !uid.isEmpty else {
                throw TransferTreeError(path: file, "\(file): a dashboard needs a 'uid'")
            }
            let segments = Array(file.split(separator: "/").dropFirst().dropLast().map(String.init))
            guard let folderUID = context.folderUID(segments: segments) else {
                throw TransferTreeError(
                    path: file,
                    "\(file): no folder at '\(segments.map(TransferTree.title).joined(separator: "/"))' in the export or on the server"
                )
            }
            var resource = Self.resource(
                model: Self.resolveDataSourceReferences(model, in: context),
                uid: uid,
                segments: segments,
                folderUID: folderUID
            )
            resource.path = file
            return resource
        }
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        let resource = change.resource
        switch change.action {
        case .create, .update:
            // `overwrite`: the import owns the dashboard, whatever version the server holds.
            let body: Record = [
                "dashboard": resource.state["dashboard"] ?? .null,
                "folderUid": resource.state["folderUid"] ?? "",
                "overwrite": true,
                "message": "gfs org import",
            ]
            try await context.write(.post, "/api/dashboards/db", body: .record(body))
        case .delete:
            try await context.write(.delete, context.path("api", "dashboards", "uid", resource.identity))
        case .unchanged:
            break
        }
    }

    /// A dashboard: the file holds the model without `id` and `version`; the state adds the
    /// folder's uid.
    static func resource(model: Value, uid: String, segments: [String], folderUID: String) -> TransferResource {
        var model = model
        if case .record(var record) = model {
            record["id"] = nil
            record["version"] = nil
            model = .record(record)
        }
        return TransferResource(
            kind: "dashboards",
            identity: uid,
            path: (["dashboards"] + segments + [uid + ".json"]).joined(separator: "/"),
            document: model,
            state: ["dashboard": model, "folderUid": .string(folderUID)]
        )
    }

    /// The dashboard's data-source references resolved by ``DatasourceRemapper`` (panels,
    /// rows, targets, template variables and annotations; names, `{type, uid}` and `${DS_X}`
    /// inputs) against the org imported into: the data sources it has, and those of the
    /// export it will have once they are imported. A uid of the export that the org knows
    /// under another uid but the same name becomes the org's (see ``DataSourceKind/adopted(_:)``);
    /// a reference nothing answers is kept as it is, as Grafana keeps it.
    static func resolveDataSourceReferences(_ model: Value, in context: TransferContext) -> Value {
        guard case .record(let record) = model else { return model }
        let rewrite = remapper(in: context).rewrite(dashboard: record)
        return rewrite.changed ? .record(rewrite.model) : model
    }

    /// The remapper from the export's data sources to the org's after the import.
    static func remapper(in context: TransferContext) -> DatasourceRemapper {
        let server = (context.current["datasources"] ?? []).map(DataSourceKind.identity)
        let imported = (context.desired["datasources"] ?? [])
            .map(DataSourceKind.identity)
            .filter { source in !server.contains { $0.uid == source.uid || $0.name == source.name } }
        return DatasourceRemapper(
            source: DatasourceDirectory((context.exported["datasources"] ?? []).map(DataSourceKind.identity)),
            target: DatasourceDirectory(server + imported)
        )
    }
}

extension TransferContext {
    /// `transform` of each item, at most `jobs` at a time, in the items' order.
    public func mapConcurrently<Item: Sendable, Result: Sendable>(
        _ items: [Item],
        jobs: Int = 8,
        _ transform: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: items.count)
            var next = 0
            for _ in 0..<min(jobs, items.count) {
                let index = next
                next += 1
                group.addTask { (index, try await transform(items[index])) }
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < items.count {
                    let index = next
                    next += 1
                    group.addTask { (index, try await transform(items[index])) }
                }
            }
            return results.map { $0! }
        }
    }
}
