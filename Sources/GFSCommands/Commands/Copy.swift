import Foundation
import GFSLanguage
import GrafanaAPI

// copy dashboard|folder|library-panel|datasource: an export of the chosen resources and what
// they need, imported into another org or server.
extension GFSCommandCatalog {
    static let copyKinds = ["dashboard", "folder", "library-panel", "datasource"]

    /// A copy kind in words ("library panel", "data source"). Not Foundation's
    /// `replacingOccurrences`: it bridges through `NSString`, and the catalog is built at every
    /// start, where that cost 1.9M instructions (of 16M for `gfs -c 'echo hi'`).
    static func copyKindWords(_ kind: String) -> String {
        kind == "datasource" ? "data source" : String(kind.map { $0 == "-" ? " " : $0 })
    }

    static let copy: [CommandDefinition] = copyKinds.map { kind in
        CommandDefinition(
            CommandSpec(
                path: ["copy", kind],
                summary: "Copy a \(copyKindWords(kind)) and what it needs into another org or server.",
                arguments: [
                    ArgumentSpec(
                        "name",
                        completion: kind == "datasource" ? .datasourceName : kind == "folder" ? .folder : .none,
                        summary: kind == "datasource" ? "Its name or UID." : "Its UID or title."
                    )
                ],
                options: [
                    OptionSpec("to-org", valueName: "ORG", summary: "The org to copy into (name or id)."),
                    OptionSpec(
                        "to-context",
                        valueName: "CTX",
                        summary: "A context of the config file for the target server (default: this one)."
                    ),
                    OptionSpec(
                        "map-datasource",
                        valueName: "OLD=NEW",
                        isRepeatable: true,
                        summary: "Point references to data source OLD at NEW (names or UIDs). May be repeated."
                    ),
                    OptionSpec(
                        "folder",
                        valueName: "FOLDER",
                        summary: "Put it in this folder of the target (UID or title)."
                    ),
                    OptionSpec("dry-run", summary: "Read and plan; print the writes as curl and send none."),
                ],
                example: "copy \(kind) \(kind == "datasource" ? "prometheus" : "service-overview") --to-org staging",
                discussion: """
                    It is exported with what it needs (its folders; a dashboard's library \
                    panels; the data sources it references that the target lacks) and imported into \
                    the target, so a second copy changes nothing. Data-source references in panels, \
                    targets, variables and annotations are pointed at the target's data sources by \
                    uid, else by name, or by --map-datasource; those that resolve to nothing are \
                    listed. Secure fields of a copied data source are not carried. With --dry-run \
                    the planned writes are printed as curl commands and none is sent.
                    """
            ),
            display: ResultDisplay(columns: TransferReport.columns)
        ) { try await $0.copyResource($1, kind: kind) }
    }
}

extension GrafanaShellHost {
    /// `copy KIND NAME --to-org ORG [--to-context CTX] [--map-datasource OLD=NEW]... [--folder F] [--dry-run]`.
    func copyResource(_ call: CommandArguments, kind: String) async throws -> Value {
        let name = try call.required("name")
        var mappings: [DatasourceMapping] = []
        for text in try call.options("map-datasource") {
            guard let mapping = DatasourceMapping(parsing: text) else {
                throw CommandFailure(
                    code: .invalidOptionValue,
                    message: "Invalid --map-datasource '\(text)'",
                    hint: "Write --map-datasource OLD=NEW, with a data source's name or UID on each side."
                )
            }
            mappings.append(mapping)
        }
        let (targetClient, targetVersion) = try await copyTarget(call)
        let source = TransferContext(client: client, serverVersion: try await serverVersion())
        let dryRun = try call.flag("dry-run") || options.dryRun
        var target = TransferContext(
            client: dryRun ? targetClient.with(writePolicy: .capture(recorder)) : targetClient,
            serverVersion: targetVersion
        )

        // What the source holds and the target already has.
        var sourceContext = source
        let sourceFolders = try await FolderKind().list(in: sourceContext)
        sourceContext.current["folders"] = sourceFolders
        let sourceSources = try await DataSourceKind().list(in: sourceContext)
        target.current["folders"] = try await FolderKind().list(in: target)
        let targetSources = try await DataSourceKind().list(in: target)

        var selection = CopySelection()
        switch kind {
        case "datasource":
            guard
                let found = sourceSources.first(where: {
                    $0.identity == name || $0.document["name"]?.stringValue == name
                })
            else { throw CommandFailure(message: "No data source '\(name)'", hint: "See 'datasource list'.") }
            selection.dataSources.append(found)
        case "library-panel":
            selection.libraryPanels.append(try await copyLibraryPanel(name, in: sourceContext))
        case "dashboard":
            selection.dashboards.append(try await copyDashboard(name, in: sourceContext))
        default:
            guard
                let folder = sourceFolders.first(where: {
                    $0.identity == name || $0.document["title"]?.stringValue == name
                })
            else { throw CommandFailure(message: "No folder '\(name)'", hint: "See 'folder list'.") }
            let directory = String(folder.path.dropLast(FolderKind.fileName.count))
            let inside = sourceFolders.filter { $0.path.hasPrefix(directory) }
            selection.folders += inside
            for uid in inside.map(\.identity) {
                let hits = try await sourceContext.get(
                    "/api/search",
                    query: [QueryItem("type", "dash-db"), QueryItem("folderUIDs", uid), QueryItem("limit", "5000")]
                )
                for hit in hits.listItems where hit["folderUid"]?.stringValue == uid || hit["folderUid"] == nil {
                    if let dashboard = hit["uid"]?.stringValue {
                        selection.dashboards.append(try await copyDashboard(dashboard, in: sourceContext))
                    }
                }
            }
        }
        // A dashboard's library panels come with it.
        var panelUIDs = Set(selection.libraryPanels.map(\.identity))
        for dashboard in selection.dashboards {
            for uid in Self.libraryPanelUIDs(dashboard.document) where panelUIDs.insert(uid).inserted {
                selection.libraryPanels.append(try await copyLibraryPanel(uid, in: sourceContext))
            }
        }

        // The target's folder for --folder, else the source's folders of what is copied.
        var placement: [String]? = nil
        var placementUID = ""
        if let folder = try call.option("folder") {
            guard kind != "folder" else {
                throw CommandFailure(
                    code: .invalidOptionValue,
                    message: "copy folder takes no --folder",
                    hint:
                        "A folder is copied with its place in the source's tree; move it afterwards with 'folder move'."
                )
            }
            guard
                let found = target.current["folders"]?.first(where: {
                    $0.identity == folder || $0.document["title"]?.stringValue == folder
                }),
                let segments = target.folderSegments(uid: found.identity)
            else {
                throw CommandFailure(
                    message: "No folder '\(folder)' in the target org",
                    hint: "Create it there first, or leave --folder out to copy the source's folders."
                )
            }
            placement = segments
            placementUID = found.identity
            // Its chain, as the target has it, so the tree names it (nothing is sent for it).
            let chain = Self.chain(of: found.identity, in: target.current["folders"] ?? [])
            selection.placementFolders = chain
        }
        if placement == nil {
            var needed = Set(selection.folders.map(\.identity))
            let uids =
                selection.dashboards.compactMap { $0.state["folderUid"]?.stringValue }
                + selection.libraryPanels.compactMap { $0.document["folderUid"]?.stringValue }
            for uid in uids where !uid.isEmpty {
                for folder in Self.chain(of: uid, in: sourceFolders) where needed.insert(folder.identity).inserted {
                    selection.folders.append(folder)
                }
            }
        }

        // Data sources: the chosen one, and those referenced that the target lacks.
        var references: [DatasourceReference] = []
        for dashboard in selection.dashboards {
            references += DatasourceRemapper.references(inDashboard: dashboard.document.recordValue ?? Record())
        }
        for panel in selection.libraryPanels {
            references += DatasourceRemapper.references(inPanel: panel.document["model"]?.recordValue ?? Record())
        }
        let identity = DataSourceKind.identity
        let sourceDirectory = DatasourceDirectory(sourceSources.map(identity))
        let targetDirectory = DatasourceDirectory(targetSources.map(identity))
        var carried = Set(selection.dataSources.map(\.identity))
        for reference in references {
            guard let known = sourceDirectory.lookup(reference.key),
                !mappings.contains(where: { [known.uid, known.name, reference.key].contains($0.old) }),
                targetDirectory.byUID(known.uid) == nil, targetDirectory.byName(known.name) == nil,
                let resource = sourceSources.first(where: { $0.identity == known.uid }),
                carried.insert(known.uid).inserted
            else { continue }
            // Not the default of the target: it has one of its own.
            var copy = resource
            if case .record(var document) = copy.document, document["isDefault"] == .bool(true) {
                document["isDefault"] = false
                copy.document = .record(document)
            }
            selection.dataSources.append(copy)
        }
        let remapper = DatasourceRemapper(
            source: sourceDirectory,
            target: DatasourceDirectory(targetDirectory.entries + selection.dataSources.map(identity)),
            mappings: mappings
        )

        // The tree the import reads: rewritten models, placed where they go.
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gfs-copy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tree = TransferTree(root: root)
        var missing: [String] = []
        var counts = Record()
        for folder in selection.placementFolders + selection.folders {
            try tree.write(folder.document, to: folder.path)
        }
        if !(selection.placementFolders + selection.folders).isEmpty {
            counts["folders"] = .int(selection.folders.count)
        }
        for source in selection.dataSources { try tree.write(source.document, to: source.path) }
        if !selection.dataSources.isEmpty { counts["datasources"] = .int(selection.dataSources.count) }
        for panel in selection.libraryPanels {
            guard case .record(var document) = panel.document else { continue }
            let rewrite = remapper.rewrite(panel: document["model"]?.recordValue ?? Record())
            missing += rewrite.missing.map { "library panel \(panel.identity) \($0.reference.path): \($0.reason)" }
            document["model"] = .record(rewrite.model)
            if placement != nil { document["folderUid"] = placementUID.isEmpty ? nil : .string(placementUID) }
            try tree.write(.record(document), to: panel.path)
        }
        if !selection.libraryPanels.isEmpty { counts["library-panels"] = .int(selection.libraryPanels.count) }
        for dashboard in selection.dashboards {
            let rewrite = remapper.rewrite(dashboard: dashboard.document.recordValue ?? Record())
            missing += rewrite.missing.map { "dashboard \(dashboard.identity) \($0.reference.path): \($0.reason)" }
            let path =
                placement.map { (["dashboards"] + $0 + [dashboard.identity + ".json"]).joined(separator: "/") }
                ?? dashboard.path
            try tree.write(.record(rewrite.model), to: path)
        }
        if !selection.dashboards.isEmpty { counts["dashboards"] = .int(selection.dashboards.count) }
        let manifest = TransferManifest(
            grafanaVersion: source.serverVersion?.description,
            counts: counts,
            secrets: selection.dataSources.flatMap(\.secrets).sorted()
        )
        try tree.write(manifest.value, to: TransferTree.manifestPath)
        for line in missing { note("gfs: not resolved: \(line)") }

        let runner = try TransferRunner(kinds: [FolderKind(), DataSourceKind(), LibraryPanelKind(), DashboardKind()])
        let plan: TransferPlan
        do {
            plan = try await runner.plan(selected: counts.keys, from: tree, prune: false, context: target)
        } catch let error as TransferTreeError {
            throw CommandFailure(message: error.message, hint: "Nothing was sent.")
        }
        for line in plan.notes { note("gfs: \(line)") }
        if dryRun {
            for change in plan.writes { note("plan: \(change.action.rawValue) \(change.resource.path)") }
        }
        let recordedBefore = recorder.writes.count
        let report = await runner.apply(plan)
        if dryRun, !options.dryRun {
            // As `org import --dry-run`: under gfs's own --dry-run the host prints the planned
            // writes after the command; the command's flag prints them here, masked alike.
            for write in recorder.writes.dropFirst(recordedBefore) { note("dry run: \(write.curlCommand)") }
        }
        let rows = report.rows
        guard report.failures.isEmpty else {
            for failure in report.failures {
                note("  failed  \(failure.action.rawValue) \(failure.path): \(failure.error.message)")
            }
            throw CommandFailure(
                code: report.failures.count < plan.writes.count ? .partialFailure : .commandFailed,
                message: "\(report.failures.count) of \(plan.writes.count) writes failed: "
                    + report.failures.prefix(5).map(\.path).joined(separator: ", "),
                hint: report.failures.count == 1
                    ? report.failures[0].error.hint
                    : "The others were applied; fix the cause and copy again, which sends only what still differs.",
                details: Record([("summary", .list(rows.map(Value.record)))])
            )
        }
        return .list(rows.map(Value.record))
    }

    /// The target's client, in the org of --to-org, and its server version.
    func copyTarget(_ call: CommandArguments) async throws -> (GrafanaClient, GrafanaVersion?) {
        var targetContext = context
        if let name = try call.option("to-context") {
            targetContext = try ContextResolver(environment: options.environment, configPath: options.configPath)
                .resolve(ConnectionOptions(contextName: name))
            if let secret = targetContext.maskableSecret { remember(secret: secret) }
        }
        var configuration = targetContext.clientConfiguration
        if let timeout = options.timeout { configuration.timeouts.total = timeout }
        if let retries = options.retries { configuration.retry.maxRetries = retries }
        var serverClient = GrafanaClient(configuration: configuration, transport: transport)
        if let org = try call.option("to-org") {
            if let id = Int64(org) {
                configuration.orgID = id
            } else {
                configuration.orgID = nil
                serverClient = GrafanaClient(configuration: configuration, transport: transport)
                configuration.orgID = try await serverClient.org(named: org).id
            }
        }
        let targetClient = GrafanaClient(configuration: configuration, transport: transport)
        return (targetClient, try await targetClient.serverVersion())
    }

    /// A dashboard of the source by uid (or title), as the dashboards kind lists it.
    func copyDashboard(_ name: String, in context: TransferContext) async throws -> TransferResource {
        var uid = name
        if try await client.findDashboard(uid: name) == nil {
            let hits = try await context.get(
                "/api/search",
                query: [QueryItem("type", "dash-db"), QueryItem("query", name)]
            )
            guard let hit = hits.listItems.first(where: { $0["title"]?.stringValue == name }),
                let found = hit["uid"]?.stringValue
            else {
                throw CommandFailure(message: "No dashboard '\(name)'", hint: "See 'dashboard list'.")
            }
            uid = found
        }
        let answer = try await context.get(context.path("api", "dashboards", "uid", uid))
        let folderUID = answer["meta"]?["folderUid"]?.stringValue ?? ""
        return DashboardKind.resource(
            model: answer["dashboard"] ?? .null,
            uid: uid,
            segments: context.folderSegments(uid: folderUID) ?? [],
            folderUID: folderUID
        )
    }

    /// A library panel of the source by uid (or name).
    func copyLibraryPanel(_ name: String, in context: TransferContext) async throws -> TransferResource {
        if let element = try await client.findLibraryElement(uid: name),
            let resource = LibraryPanelKind.resource(element)
        {
            return resource
        }
        let found = try await client.libraryElements(searchString: name).first { $0["name"]?.stringValue == name }
        guard let found, let resource = LibraryPanelKind.resource(found) else {
            throw CommandFailure(message: "No library panel '\(name)'", hint: "See 'library-panel list'.")
        }
        return resource
    }

    /// The library panels a dashboard model uses, in panels and collapsed rows.
    static func libraryPanelUIDs(_ model: Value) -> [String] {
        var uids: [String] = []
        func walk(_ panels: [Value]) {
            for panel in panels {
                if let uid = panel["libraryPanel"]?["uid"]?.stringValue { uids.append(uid) }
                walk(panel["panels"]?.listItems ?? [])
            }
        }
        walk(model["panels"]?.listItems ?? [])
        return uids
    }

    /// A folder and its ancestors, from the top.
    static func chain(of uid: String, in folders: [TransferResource]) -> [TransferResource] {
        var chain: [TransferResource] = []
        var next = uid
        while !next.isEmpty, let folder = folders.first(where: { $0.identity == next }), !chain.contains(folder) {
            chain.insert(folder, at: 0)
            next = folder.state["parentUid"]?.stringValue ?? ""
        }
        return chain
    }
}

/// What a copy carries.
struct CopySelection {
    var folders: [TransferResource] = []
    /// The target's folder given by --folder and its parents: written to the tree so paths
    /// resolve, unchanged on the server.
    var placementFolders: [TransferResource] = []
    var dataSources: [TransferResource] = []
    var libraryPanels: [TransferResource] = []
    var dashboards: [TransferResource] = []
}
