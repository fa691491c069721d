import Foundation
import GFSLanguage
import GrafanaAPI
import Synchronization

// dashboard push|pull|list|delete|diff (and, in Dashboards+Lifecycle.swift, the history).
extension GFSCommandCatalog {
    static let dashboards: [CommandDefinition] = dashboardFiles + dashboardLifecycle

    static let dashboardFiles: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "push"],
                summary: "Save dashboards from JSON files, directories or globs.",
                arguments: [
                    ArgumentSpec(
                        "path",
                        completion: .path,
                        isVariadic: true,
                        readsFile: true,
                        summary: "Files, directories or globs."
                    )
                ],
                options: [
                    OptionSpec(
                        "folder",
                        valueName: "FOLDER",
                        completion: .folder,
                        summary: "Save into this folder (title or UID)."
                    ),
                    OptionSpec("overwrite", summary: "Replace a dashboard that already exists."),
                    OptionSpec("message", valueName: "TEXT", summary: "The version message."),
                    OptionSpec(
                        "input",
                        valueName: "NAME=VALUE",
                        isRepeatable: true,
                        summary: "A value for an exported dashboard's __inputs."
                    ),
                    OptionSpec("jobs", valueName: "N", summary: "Push at most N files at once (default 8)."),
                ],
                binds: "dashboard",
                example: "dashboard push examples/production-overview.json --folder ops",
                discussion: """
                    A file holds a dashboard, the API's save body ({"dashboard": ..., "overwrite": false})
                    or an export with __inputs (sent to the import endpoint; give each input with
                    --input). Every file is read first: malformed JSON stops the push before any
                    request. The dashboard's id is dropped. One already identical on the server is
                    reported unchanged; a different one is replaced only with --overwrite.
                    """
            ),
            display: ResultDisplay(columns: ["file", "status", "uid", "title", "version", "error"])
        ) { try await $0.pushDashboards($1) },
        // The model itself reads best as indented JSON; with --out the result is a summary.
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "pull"],
                summary: "Fetch a dashboard's JSON.",
                arguments: [ArgumentSpec("uid", completion: .dashboardUID, summary: "The dashboard's UID.")],
                options: [OptionSpec("out", valueName: "FILE", completion: .path, summary: "Write the JSON to FILE.")],
                binds: "dashboard",
                example: "dashboard pull prod-overview --out prod.json"
            ),
            display: ResultDisplay(text: { value, _ in
                guard case .record(let record) = value, record["file"] == nil else { return nil }
                return value.prettyJSON + "\n"
            })
        ) { try await $0.pullDashboard($1) },
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "list"],
                summary: "Search dashboards.",
                options: [
                    OptionSpec("folder", valueName: "FOLDER", completion: .folder, summary: "Only in this folder."),
                    OptionSpec("tag", valueName: "TAG", isRepeatable: true, summary: "Only with this tag (all given)."),
                    OptionSpec("query", valueName: "TEXT", summary: "Only with titles matching TEXT."),
                    OptionSpec("starred", summary: "Only dashboards you starred."),
                ],
                example: "dashboard list --tag production",
                discussion: """
                    Pages through every result. --folder takes a title or a UID, nested folders
                    included; a title held by several folders must be given by UID.
                    """
            ),
            display: ResultDisplay(columns: ["uid", "title", "folder", "tags"])
        ) { try await $0.listDashboards($1) },
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "delete"],
                summary: "Delete a dashboard.",
                arguments: [ArgumentSpec("uid", completion: .dashboardUID, summary: "The dashboard's UID.")],
                example: "dashboard delete prod-overview"
            )
        ) { try await $0.deleteDashboard($1) },
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "diff"],
                summary: "Show what pushing a file would change, or how two versions differ.",
                arguments: [
                    ArgumentSpec(
                        "target",
                        completion: .path,
                        summary: "A dashboard JSON file, or a dashboard UID with --from/--to."
                    )
                ],
                options: [
                    OptionSpec("from", valueName: "N", summary: "The older version (default: the one before --to)."),
                    OptionSpec("to", valueName: "M", summary: "The newer version (default: the current one)."),
                    OptionSpec("server", summary: "Print Grafana's own diff of the two versions (calculate-diff)."),
                ],
                example: "dashboard diff examples/production-overview.json",
                discussion: """
                    A file without a uid is compared with the dashboard of the same title in the
                    same folder, as Grafana matches it when saving. With --from or --to the
                    argument is a UID and two saved versions are compared; with --server too,
                    Grafana computes the diff (its version-history view, as lines).
                    """
            ),
            display: ResultDisplay(text: { value, formatter in value.recordValue.map(formatter.diffText) })
        ) { try await $0.diffDashboard($1) },
    ]
}

extension GrafanaShellHost {
    /// What `dashboard push` does with each file, fixed before any request.
    struct PushPlan: Sendable {
        var file: DashboardFile
        var folderUID: String?
        var overwrite: Bool
        var message: String?
        var inputs: [(name: String, type: String, pluginId: String?, value: String)]

        /// The digest of what the server should hold after the push, to compare with the
        /// server's (`DashboardFingerprint`).
        func modelDigest(ignoring: Set<String>) -> JSONDigest {
            if file.shape != .export, let digest = file.modelDigest { return digest.digest(ignoring: ignoring) }
            let model =
                file.shape == .export ? Value.record(file.importedModel(inputs)).jsonBytes() : file.modelJSON
            return model.withUnsafeBufferPointer { bytes in
                (try? JSONReader.digest(bytes, at: 0..<bytes.count, ignoring: ignoring)) ?? JSONDigest(value: 0)
            }
        }

        /// The save body around the model, which from then on lives only there: a large
        /// dashboard is not held twice while it is sent.
        mutating func takeSaveBody(uid: String?) -> DashboardSaveBody {
            var body = DashboardSaveBody(
                model: file.modelJSON,
                folderUID: folderUID,
                overwrite: overwrite,
                message: message
            )
            file.modelJSON = []
            // The body was built around the file's text; only a uid taken over is written in.
            if let uid { body = body.replacingUID(uid) }
            return body
        }
    }

    /// The plans of a push, each taken out by the task that pushes it, so that the task holds
    /// the only reference to its file's model and can let go of it once the body is made.
    final class PushPlanQueue: Sendable {
        private let slots: Mutex<[PushPlan?]>

        init(_ plans: consuming [PushPlan]) {
            slots = Mutex(plans.map { Optional($0) })
        }

        /// The plan at `index`, which is taken once.
        func take(_ index: Int) -> PushPlan {
            slots.withLock { slots in
                defer { slots[index] = nil }
                return slots[index]!
            }
        }
    }

    /// `dashboard push PATH... [--folder F] [--overwrite] [--message M] [--input N=V] [--jobs N]`.
    ///
    /// Every file is read, parsed and checked first; a malformed one stops the command with
    /// `file:line:col` before any request. Then the files go out concurrently (at most
    /// `--jobs`, default 8) over the one shared client. A dashboard already identical on the
    /// server (ignoring `id` and `version`) is reported `unchanged`; an existing, different one
    /// is not replaced without `--overwrite`. Binds `$dashboard` to the saved dashboard's
    /// record, or to a list of them for several files.
    func pushDashboards(_ call: CommandArguments) async throws -> Value {
        LargeBufferMapping.fixed
        let patterns = try call.strings("path")
        guard !patterns.isEmpty else {
            throw CommandFailure(message: "Missing path", hint: "Give dashboard JSON files, directories or globs.")
        }
        let jobs =
            try call.option("jobs").map { text -> Int in
                guard let jobs = Int(text), jobs > 0 else {
                    throw CommandFailure(message: "--jobs must be a positive number, not '\(text)'")
                }
                return jobs
            } ?? 8
        var given: [String: String] = [:]
        for assignment in try call.options("input") {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw CommandFailure(
                    message: "Invalid --input '\(assignment)'",
                    hint: "Write --input NAME=VALUE, such as --input DS_PROMETHEUS=prometheus."
                )
            }
            given[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }

        let overwrite = try call.flag("overwrite")
        let message = try call.option("message")
        // Read everything before sending anything.
        var plans: [PushPlan] = []
        var problems: [DashboardFileError] = []
        do {
            for loaded in await DashboardFile.loadAll(try DashboardFile.expand(patterns)) {
                do {
                    let file = try loaded.get()
                    let inputs = file.shape == .export ? try file.importInputs(given) : []
                    plans.append(
                        PushPlan(
                            file: file,
                            folderUID: file.folderUID,
                            overwrite: overwrite || file.overwrite,
                            message: message ?? file.message,
                            inputs: inputs
                        )
                    )
                } catch {
                    problems.append(error)
                }
            }
        } catch {
            problems.append(error)
        }
        if !problems.isEmpty {
            throw CommandFailure(
                message: problems.map(\.description).joined(separator: "\n"),
                hint: problems.count == 1 ? problems[0].hint ?? "Nothing was sent." : "Nothing was sent."
            )
        }
        if let folder = try call.option("folder") {
            let uid = try await folderUID(for: folder)
            for index in plans.indices { plans[index].folderUID = uid }
        }
        let clashes = DashboardFile.clashes(plans.map { ($0.file, $0.folderUID) })
        if !clashes.isEmpty {
            throw CommandFailure(
                message: clashes.joined(separator: "\n"),
                hint: "Nothing was sent. Give each dashboard its own uid and title, or push the files separately."
            )
        }

        try await checkLibraryPanels(
            of: plans.compactMap { plan in
                plan.file.libraryPanelUIDs.isEmpty ? nil : (plan.file.path, plan.file.libraryPanelUIDs)
            }
        )
        // Each file's save body is made by the task that pushes it, and only when it saves:
        // made here, a thousand bodies held up the first request by milliseconds of copying.
        let paths = plans.map(\.file.path)
        let queue = PushPlanQueue(plans)
        plans = []
        // On the transport's event loop: each request goes out, and its answer comes back, on
        // the thread that runs its task.
        let results = await client.withTransportExecutor { await pushConcurrently(queue, paths: paths, jobs: jobs) }
        let failed = results.filter { $0["status"] == .string("failed") }
        if paths.count > 1 {
            var counts: [String: Int] = [:]
            for result in results { counts[result["status"]?.description ?? "?", default: 0] += 1 }
            let summary = counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
            note("\(paths.count) dashboard files: \(summary)")
        }
        guard failed.isEmpty else {
            let succeeded = results.filter { $0["status"] != .string("failed") }
            if paths.count > 1 {
                for result in succeeded {
                    note("  ok      \(result["file"]?.description ?? "?") (\(result["status"]?.description ?? ""))")
                }
                for result in failed {
                    note("  failed  \(result["error"]?.description ?? "")")
                }
            }
            let names = failed.compactMap { $0["file"]?.description }
            throw CommandFailure(
                message: failed.count == 1 && paths.count == 1
                    ? failed[0]["error"]?.description ?? "Push failed"
                    : "\(failed.count) of \(paths.count) dashboards failed: \(names.joined(separator: ", "))",
                hint: failed.count == 1 && paths.count == 1 ? failed[0]["hint"]?.stringValue : nil,
                details: Record([
                    ("succeeded", .list(succeeded.compactMap { $0["file"] })),
                    ("failed", .list(names.map(Value.string))),
                ])
            )
        }
        let values = results.map { result -> Value in
            var result = result
            result["error"] = nil
            result["hint"] = nil
            return .record(result)
        }
        return values.count == 1 ? values[0] : .list(values)
    }

    /// Pushes the queued plans at most `jobs` at a time; results come back in the plans' order.
    /// When standard error is a terminal, a ``ProgressBar`` counts finished files; on a pipe or
    /// a file nothing is drawn, so logs hold only the summary.
    func pushConcurrently(_ queue: PushPlanQueue, paths: [String], jobs: Int) async -> [Record] {
        let client = client
        let drawsProgress = options.showsProgress && paths.count > 1
        let width = drawsProgress ? ProgressBar.terminalWidth(environment: options.environment) : 0
        var results = [Record?](repeating: nil, count: paths.count)
        await withTaskGroup(of: (Int, Record).self) { group in
            var next = 0
            func startNext() {
                guard next < paths.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await Self.push(queue.take(index), client: client)) }
            }
            for _ in 0..<min(jobs, paths.count) { startNext() }
            var done = 0
            while let (index, result) = await group.next() {
                results[index] = result
                done += 1
                if drawsProgress {
                    let name = URL(fileURLWithPath: paths[index]).lastPathComponent
                    sink.write(
                        ProgressBar.redraw(done: done, total: paths.count, label: name, width: width),
                        to: .standardError
                    )
                }
                startNext()
            }
        }
        if drawsProgress {
            // Erase the bar so the summary starts on a clean line.
            sink.write(ProgressBar.clear, to: .standardError)
        }
        return results.map { $0 ?? Record() }
    }

    /// Pushes one file and describes what happened; never throws.
    /// It owns the plan: no other copy of the file's model is left once the save body is made.
    static func push(_ plan: consuming PushPlan, client: GrafanaClient) async -> Record {
        // The file's scalars, not the file: a copy of it would keep its model alive.
        let path = plan.file.path
        let fileUID = plan.file.uid
        var result = Record(dropping: [
            ("file", .string(path)), ("title", plan.file.title.map(Value.string)), ("uid", fileUID.map(Value.string)),
        ])
        do {
            // The uid a file without one takes over when it replaces the dashboard of its title:
            // from 12 Grafana no longer refuses a second dashboard of that title in the folder,
            // so without it an overwrite would add a copy instead of a new version.
            var matchedUID: String?
            // What the server sets is not compared (as `sameDashboard` has it), nor, for a file
            // found by title, the uid: the file lets the server pick it.
            let ignoring: Set<String> = fileUID == nil ? ["id", "version", "uid"] : ["id", "version"]
            if let (uid, existing) = try await existingFingerprint(
                for: plan.file,
                folderUID: plan.folderUID,
                ignoring: ignoring,
                client: client
            ) {
                if fileUID == nil { matchedUID = uid }
                let sameFolder = plan.folderUID == nil || plan.folderUID == existing.meta.folderUid
                // Digests instead of trees: the answer is read once, in one pass, and neither
                // model is built, which for a large dashboard was most of the memory and CPU.
                if sameFolder, existing.modelDigest == plan.modelDigest(ignoring: ignoring) {
                    result["uid"] = .string(uid)
                    result["status"] = .string("unchanged")
                    result["url"] = existing.meta.url.value
                    result["version"] = existing.meta.version.value
                    result["folderUid"] = existing.meta.folderUid.value
                    return result
                }
                if !plan.overwrite {
                    result["status"] = .string("failed")
                    result["error"] = .string(
                        "\(path): dashboard '\(uid)' already exists on the server with other content"
                    )
                    result["hint"] = .string(
                        "Pass --overwrite to replace it, or 'dashboard diff \(path)' to see the difference."
                    )
                    return result
                }
            }
            if plan.file.shape == .export {
                let body = Data(plan.file.modelJSON)
                let inputs = plan.inputs.map {
                    ImportInput(name: $0.name, type: $0.type, pluginId: $0.pluginId, value: $0.value)
                }
                let outcome = try await client.importDashboard(
                    body,
                    inputs: inputs,
                    folderUID: plan.folderUID,
                    overwrite: plan.overwrite
                )
                guard case .sent(let imported) = outcome else { return planned(result, uid: fileUID) }
                result["status"] = .string("imported")
                result["uid"] = imported.uid.value
                result["url"] = imported.importedUrl.value
                result["version"] = imported.importedRevision.value
                result["folderUid"] = imported.folderUid.value
            } else {
                let outcome = try await client.saveDashboard(plan.takeSaveBody(uid: matchedUID))
                guard case .sent(let saved) = outcome else { return planned(result, uid: fileUID) }
                result["status"] = .string(saved.version == 1 ? "created" : "updated")
                result["uid"] = .string(saved.uid)
                result["url"] = saved.url.value
                result["version"] = saved.version.value
                result["folderUid"] = saved.folderUid.value
            }
        } catch let error as GrafanaError {
            result["status"] = .string("failed")
            result["error"] = .string("\(path): \(error.description)")
            if error.status == 412 || error.status == 409 {
                result["hint"] = .string("Pass --overwrite to replace the dashboard on the server.")
            } else if let hint = error.hint ?? error.status.flatMap(CommandFailure.hint(forStatus:)) {
                result["hint"] = .string(hint)
            }
        } catch {
            result["status"] = .string("failed")
            result["error"] = .string("\(path): \(error)")
        }
        return result
    }

    /// A push row for a file a dry run only planned to save.
    static func planned(_ result: Record, uid: String?) -> Record {
        var result = result
        result["status"] = .string("planned")
        result["uid"] = uid.value
        return result
    }

    /// The dashboard a file would replace: the one with its uid, or, for a file without a uid
    /// (as the tutorial writes it), the one with its title in the target folder, which
    /// Grafana would refuse as `name-exists`.
    static func existingDashboard(for file: DashboardFile, folderUID: String?, client: GrafanaClient) async throws
        -> (uid: String, document: DashboardDocument)?
    {
        if let uid = file.uid {
            return try await existingDashboard(uid: uid, client: client).map { (uid, $0) }
        }
        guard let title = file.title else { return nil }
        let hits = try await client.search(SearchQuery(query: title, type: .dashboard))
        guard let hit = hits.first(where: { $0.title == title && ($0.folderUid ?? "") == (folderUID ?? "") }) else {
            return nil
        }
        return try await existingDashboard(uid: hit.uid, client: client).map { (hit.uid, $0) }
    }

    /// What `dashboard push` compares a file with: the fingerprint of the dashboard it would
    /// replace, found as `existingDashboard(for:folderUID:client:)` finds it.
    static func existingFingerprint(
        for file: DashboardFile,
        folderUID: String?,
        ignoring: Set<String>,
        client: GrafanaClient
    ) async throws -> (uid: String, fingerprint: DashboardFingerprint)? {
        let uid: String
        if let fileUID = file.uid {
            uid = fileUID
        } else {
            guard let title = file.title else { return nil }
            let hits = try await client.search(SearchQuery(query: title, type: .dashboard))
            guard let hit = hits.first(where: { $0.title == title && ($0.folderUid ?? "") == (folderUID ?? "") })
            else { return nil }
            uid = hit.uid
        }
        do {
            return (uid, try await client.dashboardFingerprint(uid: uid, ignoring: ignoring))
        } catch let error as GrafanaError where error.status == 404 {
            return nil
        }
    }

    /// The dashboard of that uid, or nil when the server has none.
    static func existingDashboard(uid: String, client: GrafanaClient) async throws -> DashboardDocument? {
        do {
            return try await client.dashboard(uid: uid)
        } catch let error as GrafanaError where error.status == 404 {
            return nil
        }
    }

    /// Two models hold the same dashboard when they are equal without `id` and `version`
    /// (which the server sets), numbers compared by value.
    ///
    /// Gives the same answer as comparing `comparable` copies of both, without building them:
    /// an unchanged push compares every dashboard, and the copies cost more than the request.
    static func sameDashboard(_ local: Record, _ server: Record) -> Bool {
        equivalent(.record(local), .record(server), top: true)
    }

    static func equivalent(_ lhs: Value, _ rhs: Value, top: Bool = false) -> Bool {
        switch (lhs, rhs) {
        case (.record(let left), .record(let right)):
            func comparedCount(_ record: Record) -> Int {
                guard top else { return record.count }
                return record.count - (record["id"] == nil ? 0 : 1) - (record["version"] == nil ? 0 : 1)
            }
            guard comparedCount(left) == comparedCount(right) else { return false }
            for (key, value) in left where !(top && (key == "id" || key == "version")) {
                guard let other = right[key], equivalent(value, other) else { return false }
            }
            return true
        case (.list(let left), .list(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { equivalent($0, $1) }
        case (.int(let integer), .double(let number)), (.double(let number), .int(let integer)):
            return isWhole(number) && Int(number) == integer
        default:
            return lhs == rhs
        }
    }

    /// A double `comparable` turns into an integer.
    static func isWhole(_ number: Double) -> Bool {
        number == number.rounded() && abs(number) < 1e15
    }

    /// A model without `id` and `version` at the top, keys sorted and whole doubles as ints,
    /// so `==` and a printed diff ignore what does not matter.
    static func comparable(_ value: Value, top: Bool = true) -> Value {
        switch value {
        case .double(let number) where isWhole(number):
            return .int(Int(number))
        case .list(let values):
            return .list(values.map { comparable($0, top: false) })
        case .record(let record):
            var result = Record()
            for key in record.keys.sorted() where !(top && (key == "id" || key == "version")) {
                result[key] = comparable(record[key]!, top: false)
            }
            return .record(result)
        default:
            return value
        }
    }

    /// `dashboard pull UID [--out FILE]`: the model as JSON, or written to FILE.
    func pullDashboard(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        let document = try await client.dashboard(uid: uid)
        let model = document.model
        guard let path = try call.option("out") else { return model }
        do {
            try Data((model.prettyJSON + "\n").utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure(
                message: "Cannot write \(path)",
                hint: "Check that the directory exists and is writable."
            )
        }
        return .record(
            Record([
                ("uid", .string(uid)), ("title", model["title"] ?? .null), ("version", document.meta.version.value),
                ("file", .string(path)),
            ])
        )
    }

    /// `dashboard list [--folder F] [--tag T]... [--query Q]`.
    func listDashboards(_ call: CommandArguments) async throws -> Value {
        var query = try SearchQuery(query: call.option("query"), tags: call.options("tag"), type: .dashboard)
        if let folder = try call.option("folder") { query.folderUIDs = [try await folderUID(for: folder)] }
        if try call.flag("starred") { query.starred = true }
        let hits = try await client.searchAll(query)
        return .list(
            hits.map { hit in
                .record(
                    Record([
                        ("uid", .string(hit.uid)), ("title", .string(hit.title)),
                        ("folder", .string(hit.folderTitle ?? "General")),
                        ("folderUid", hit.folderUid.value), ("tags", .list((hit.tags ?? []).map(Value.string))),
                        ("url", hit.url.value),
                    ])
                )
            }
        )
    }

    /// `dashboard delete UID`.
    func deleteDashboard(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        return result(
            of: try await client.deleteDashboard(uid: uid),
            planned: Record([("uid", .string(uid)), ("deleted", .bool(false))])
        ) { deleted in
            .record(Record([("uid", .string(uid)), ("title", deleted.title.value), ("deleted", .bool(true))]))
        }
    }

    /// `dashboard diff FILE`: what pushing the file would change, ignoring `id` and `version`.
    func diffDashboard(_ call: CommandArguments) async throws -> Value {
        let path = try call.required("target")
        if try call.option("from") != nil || call.option("to") != nil {
            return try await diffVersions(
                uid: path,
                from: call.option("from"),
                to: call.option("to"),
                onServer: call.flag("server")
            )
        }
        let file: DashboardFile
        do {
            file = try DashboardFile.load(path)
        } catch {
            throw CommandFailure(message: error.description, hint: error.hint)
        }
        var localModel = file.model
        // A file without a uid matches the dashboard of its title in its folder (Grafana's
        // rule when saving); the uid the server gave it is then not part of the comparison.
        guard let found = try await Self.existingDashboard(for: file, folderUID: file.folderUID, client: client) else {
            let local = Self.comparable(.record(localModel)).prettyJSON.split(
                separator: "\n",
                omittingEmptySubsequences: false
            ).map(String.init)
            return .record(
                Record([
                    ("file", .string(path)), ("uid", file.uid.value), ("status", .string("new")),
                    ("diff", .list(local.map { .string("+ " + $0) })),
                ])
            )
        }
        let uid = found.uid
        var serverModel = found.document.model
        if file.uid == nil, var record = serverModel.recordValue {
            record["uid"] = nil
            serverModel = .record(record)
            localModel["uid"] = nil
        }
        let local = Self.comparable(.record(localModel)).prettyJSON.split(
            separator: "\n",
            omittingEmptySubsequences: false
        ).map(String.init)
        let server = Self.comparable(serverModel).prettyJSON.split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        let lines = LineDiff.lines(from: server, to: local, context: 2)
        return .record(
            Record([
                ("file", .string(path)), ("uid", .string(uid)),
                ("status", .string(lines.isEmpty ? "identical" : "changed")),
                ("diff", .list(lines.map(Value.string))),
            ])
        )
    }

    /// A folder's uid from its uid or title.
    func folderUID(for reference: String) async throws -> String {
        do {
            return try await client.folder(uid: reference).uid
        } catch let error as GrafanaError where error.status == 404 {}
        // Nested folders are not all at the root: search finds folders at every level.
        let folders = try await client.searchAll(SearchQuery(query: reference, type: .folder))
        let titled = folders.filter { $0.title == reference }
        if titled.count > 1 {
            throw CommandFailure(
                message: "Several folders are titled '\(reference)'",
                hint: "Give the folder's UID: \(titled.map(\.uid).joined(separator: ", "))."
            )
        }
        if let folder = titled.first { return folder.uid }
        if options.dryRun {
            // An earlier line of the same dry run only planned to create it.
            note("dry run: no folder '\(reference)' yet; assuming an earlier line creates it with that uid")
            return reference
        }
        throw CommandFailure(
            message: "No folder '\(reference)'",
            hint: reference.bestMatch(in: folders.map(\.title)).map { "Did you mean '\($0)'?" }
                ?? "'folder create \(reference)' makes it."
        )
    }
}

extension GrafanaShellHost {
    /// `dashboard diff UID --from N --to M`: the two saved models, compared as a file is.
    func diffVersions(uid: String, from: String?, to: String?, onServer: Bool = false) async throws -> Value {
        func number(_ text: String, _ option: String) throws -> Int64 {
            guard let value = Int64(text), value > 0 else {
                throw CommandFailure(message: "Invalid --\(option) '\(text)'", hint: "Give a version number.")
            }
            return value
        }
        let newer: Int64
        if let to {
            newer = try number(to, "to")
        } else {
            guard let current = try await client.dashboard(uid: uid).meta.version else {
                throw CommandFailure(message: "The server did not say the version of '\(uid)'")
            }
            newer = current
        }
        let older = try from.map { try number($0, "from") } ?? newer - 1
        guard older >= 1 else {
            throw CommandFailure(message: "No version before \(newer)", hint: "Give --from explicitly.")
        }
        if onServer {
            let dashboardID = try await client.dashboardVersion(uid: uid, version: newer).dashboardId
            guard let dashboardID else {
                throw CommandFailure(message: "The server did not say the id of '\(uid)'")
            }
            // Grafana answers 500 "Unable to compute diff" for identical versions.
            let html: String
            do {
                html = try await client.calculateDashboardDiff(dashboardID: dashboardID, from: older, to: newer)
            } catch let error as GrafanaError where error.status == 500 && error.message == "Unable to compute diff" {
                html = ""
            }
            let diff = GrafanaDiffHTML.lines(html)
            return .record(
                Record([
                    ("file", .string("\(uid) \(older)..\(newer)")), ("uid", .string(uid)), ("from", .int(Int(older))),
                    ("to", .int(Int(newer))), ("status", .string(diff.isEmpty ? "identical" : "changed")),
                    ("diff", .list(diff.map(Value.string))),
                ])
            )
        }
        async let oldVersion = client.dashboardVersion(uid: uid, version: older)
        async let newVersion = client.dashboardVersion(uid: uid, version: newer)
        func lines(_ version: DashboardVersion) -> [String] {
            Self.comparable(version.data ?? .null).prettyJSON.split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init)
        }
        let diff = LineDiff.lines(from: lines(try await oldVersion), to: lines(try await newVersion), context: 2)
        return .record(
            Record([
                ("file", .string("\(uid) \(older)..\(newer)")), ("uid", .string(uid)), ("from", .int(Int(older))),
                ("to", .int(Int(newer))), ("status", .string(diff.isEmpty ? "identical" : "changed")),
                ("diff", .list(diff.map(Value.string))),
            ])
        )
    }
}

/// Grafana's JSON diff (`calculate-diff` with `diffType: json`, `pkg/components/dashdiffs`
/// `formatter_json.go`) read back into lines in the style of ``LineDiff``: each `<p>` is one
/// line of the model, its `diff-json-old`/`deleted` class `- `, `new`/`added` `+ `, others
/// `  `, indented by its `diff-indent-N`. Unchanged lines are kept, as Grafana shows them.
enum GrafanaDiffHTML {
    static func lines(_ html: String) -> [String] {
        var result: [String] = []
        var sawChange = false
        for paragraph in html.components(separatedBy: "<p id=").dropFirst() {
            let kind = attribute(paragraph, after: "diff-json-", until: "\"")
            let indent = Int(attribute(paragraph, after: "diff-indent-", until: "\"")) ?? 0
            let text = unescape(attribute(paragraph, after: "title=\"", until: "\""))
            let mark: String
            switch kind {
            case "old", "deleted": mark = "- "
            case "new", "added": mark = "+ "
            default: mark = "  "
            }
            if mark != "  " { sawChange = true }
            result.append(mark + String(repeating: "  ", count: max(indent - 1, 0)) + text)
        }
        return sawChange ? result : []
    }

    private static func attribute(_ text: String, after start: String, until end: Character) -> String {
        guard let range = text.range(of: start) else { return "" }
        return String(text[range.upperBound...].prefix { $0 != end })
    }

    /// html/template's escapes, undone.
    static func unescape(_ text: String) -> String {
        var result = text
        for (escaped, plain) in [
            ("&#34;", "\""), ("&#39;", "'"), ("&#43;", "+"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"),
        ] {
            result = result.replacingOccurrences(of: escaped, with: plain)
        }
        return result
    }
}

/// A line diff in the style of `diff -u` without headers: `- ` server, `+ ` file, `  ` both.
enum LineDiff {
    static func lines(from old: [String], to new: [String], context: Int) -> [String] {
        let difference = new.difference(from: old)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        guard !removed.isEmpty || !inserted.isEmpty else { return [] }
        var all: [(text: String, changed: Bool)] = []
        var i = 0
        var j = 0
        while i < old.count || j < new.count {
            if i < old.count, removed.contains(i) {
                all.append(("- " + old[i], true))
                i += 1
            } else if j < new.count, inserted.contains(j) {
                all.append(("+ " + new[j], true))
                j += 1
            } else {
                if i < old.count { all.append(("  " + old[i], false)) }
                i += 1
                j += 1
            }
        }
        let changed = all.indices.filter { all[$0].changed }
        var keep = Set<Int>()
        for index in changed {
            for near in max(0, index - context)...min(all.count - 1, index + context) { keep.insert(near) }
        }
        var result: [String] = []
        var previous: Int?
        for index in keep.sorted() {
            if let previous, index > previous + 1 { result.append("@@") }
            result.append(all[index].text)
            previous = index
        }
        return result
    }
}
