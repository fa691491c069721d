import Foundation
import GFSLanguage
import GrafanaAPI

// library-panel list|pull|push|delete|usage, and the check `dashboard push` makes for the
// library panels a dashboard uses.
extension GFSCommandCatalog {
    static let libraryPanels: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["library-panel", "list"],
                summary: "List library panels (every page).",
                options: [
                    OptionSpec(
                        "folder",
                        valueName: "FOLDER",
                        completion: .folder,
                        summary: "Only those in this folder."
                    ),
                    OptionSpec("query", valueName: "TEXT", summary: "Only those whose name or description holds TEXT."),
                ],
                example: "library-panel list --folder ops"
            ),
            display: ResultDisplay(columns: ["uid", "name", "type", "folder", "connected", "version"])
        ) { try await $0.listLibraryPanels($1) },
        CommandDefinition(
            CommandSpec(
                path: ["library-panel", "pull"],
                summary: "Show a library panel as a file, or write it to one.",
                arguments: [ArgumentSpec("uid", summary: "The library panel's UID.")],
                options: [OptionSpec("out", valueName: "FILE", completion: .path, summary: "Write it to FILE.")],
                binds: "libraryPanel",
                example: "library-panel pull cpu-usage --out panels/cpu-usage.json"
            ),
            display: ResultDisplay(text: { value, _ in
                value["file"] == nil ? value.prettyJSON : nil
            })
        ) { try await $0.pullLibraryPanel($1) },
        CommandDefinition(
            CommandSpec(
                path: ["library-panel", "push"],
                summary: "Create or update library panels from files; unchanged ones are not sent.",
                arguments: [
                    ArgumentSpec(
                        "path",
                        completion: .path,
                        isVariadic: true,
                        readsFile: true,
                        summary: "Library panel JSON files."
                    )
                ],
                options: [
                    OptionSpec("folder", valueName: "FOLDER", completion: .folder, summary: "Put them in this folder.")
                ],
                binds: "libraryPanel",
                example: "library-panel push panels/*.json --folder ops",
                discussion: """
                    A file holds {"uid", "name", "model"} (as 'library-panel pull' writes it) and may
                    name its folder with "folderUid". A panel that exists is updated with the version
                    it replaces; one identical to the server's copy is reported unchanged.
                    """
            ),
            display: ResultDisplay(columns: ["file", "status", "uid", "name", "version"])
        ) { try await $0.pushLibraryPanels($1) },
        CommandDefinition(
            CommandSpec(
                path: ["library-panel", "delete"],
                summary: "Delete a library panel (refused while dashboards use it).",
                arguments: [ArgumentSpec("uid", summary: "The library panel's UID.")],
                example: "library-panel delete cpu-usage"
            )
        ) { try await $0.deleteLibraryPanel($1) },
        CommandDefinition(
            CommandSpec(
                path: ["library-panel", "usage"],
                summary: "List the dashboards that use a library panel.",
                arguments: [ArgumentSpec("uid", summary: "The library panel's UID.")],
                example: "library-panel usage cpu-usage"
            ),
            display: ResultDisplay(columns: ["uid", "title", "url"])
        ) { try await $0.libraryPanelUsage($1) },
    ]
}

extension GrafanaShellHost {
    /// `library-panel list [--folder F] [--query Q]`.
    func listLibraryPanels(_ call: CommandArguments) async throws -> Value {
        var folders: [String] = []
        if let folder = try call.option("folder") { folders = [try await folderUID(for: folder)] }
        let elements = try await client.libraryElements(searchString: try call.option("query"), folderUIDs: folders)
        return .list(
            elements.map { element in
                .record(
                    Record([
                        ("uid", element["uid"] ?? .null), ("name", element["name"] ?? .null),
                        ("type", element["type"] ?? .null), ("folder", element["meta"]?["folderName"] ?? .null),
                        ("folderUid", element["folderUid"] ?? .null),
                        ("connected", element["meta"]?["connectedDashboards"] ?? .null),
                        ("version", element["version"] ?? .null),
                    ])
                )
            }
        )
    }

    /// `library-panel pull UID [--out FILE]`: the panel as `{uid, name, folderUid, model}`.
    func pullLibraryPanel(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        let element = try await client.libraryElement(uid: uid)
        var file = Record([("uid", element["uid"] ?? .string(uid)), ("name", element["name"] ?? .null)])
        if let folder = element["folderUid"]?.stringValue, !folder.isEmpty { file["folderUid"] = .string(folder) }
        file["model"] = element["model"] ?? .record(Record())
        guard let path = try call.option("out") else { return .record(file) }
        do {
            try Data((Value.record(file).prettyJSON + "\n").utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure(
                message: "Cannot write \(path)",
                hint: "Check that the directory exists and is writable."
            )
        }
        return .record(
            Record([
                ("uid", .string(uid)), ("name", element["name"] ?? .null), ("version", element["version"] ?? .null),
                ("file", .string(path)),
            ])
        )
    }

    /// `library-panel push FILE... [--folder F]`: all files are read first; each panel is created,
    /// updated with the version it replaces, or left alone when the server's copy is the same.
    func pushLibraryPanels(_ call: CommandArguments) async throws -> Value {
        let paths = try call.strings("path")
        guard !paths.isEmpty else {
            throw CommandFailure(message: "Missing path", hint: "Give library panel JSON files.")
        }
        let folderOverride = try await call.option("folder").asyncMap { try await folderUID(for: $0) }
        var panels: [(path: String, uid: String, name: String, folderUID: String?, model: Value)] = []
        for path in paths {
            let panel = try Self.readLibraryPanelFile(path)
            panels.append((path, panel.uid, panel.name, folderOverride ?? panel.folderUID, panel.model))
        }
        let duplicates = Dictionary(grouping: panels.map(\.uid), by: { $0 }).filter { $0.value.count > 1 }.keys
        if let uid = duplicates.sorted().first {
            throw CommandFailure(
                message: "Several files hold library panel '\(uid)'",
                hint: "Nothing was sent. Give each library panel its own uid."
            )
        }
        var results: [Value] = []
        for panel in panels {
            var row = Record([
                ("file", .string(panel.path)), ("uid", .string(panel.uid)), ("name", .string(panel.name)),
            ])
            let outcome: WriteOutcome<Value>
            if let existing = try await client.findLibraryElement(uid: panel.uid) {
                let version = Int(existing["version"]?.intValue ?? 0)
                let sameFolder = panel.folderUID == nil || existing["folderUid"]?.stringValue == panel.folderUID
                if existing["name"]?.stringValue == panel.name && sameFolder
                    && Self.equivalent(existing["model"] ?? .null, panel.model)
                {
                    row["status"] = "unchanged"
                    row["version"] = .int(version)
                    results.append(.record(row))
                    continue
                }
                row["status"] = "updated"
                outcome = try await client.updateLibraryPanel(
                    uid: panel.uid,
                    name: panel.name,
                    folderUID: panel.folderUID,
                    model: panel.model,
                    version: version
                )
            } else {
                row["status"] = "created"
                outcome = try await client.createLibraryPanel(
                    uid: panel.uid,
                    name: panel.name,
                    folderUID: panel.folderUID,
                    model: panel.model
                )
            }
            let sent = row
            results.append(
                result(of: outcome, planned: sent) { answer in
                    var done = sent
                    done["version"] = answer["result"]?["version"] ?? .null
                    return .record(done)
                }
            )
        }
        return results.count == 1 ? results[0] : .list(results)
    }

    /// Reads `{uid, name, model, folderUid?}`; a file without uid or name is refused, since the
    /// uid is what makes a rerun update instead of creating a copy.
    static func readLibraryPanelFile(_ path: String) throws -> (
        uid: String, name: String, folderUID: String?, model: Value
    ) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(message: "Cannot read \(path)", hint: "Check the path and its permissions.")
        }
        let value: Value
        do {
            value = try Value(json: String(decoding: data, as: UTF8.self))
        } catch {
            throw CommandFailure(message: "\(path):\(error)", hint: "Nothing was sent. Fix the JSON and try again.")
        }
        guard let uid = value["uid"]?.stringValue, !uid.isEmpty, let name = value["name"]?.stringValue, !name.isEmpty,
            let model = value["model"], model.recordValue != nil
        else {
            throw CommandFailure(
                message: "\(path) is not a library panel file",
                hint:
                    "A library panel file holds {\"uid\", \"name\", \"model\"}, as 'library-panel pull --out' writes it."
            )
        }
        let folder = value["folderUid"]?.stringValue
        return (uid, name, folder.flatMap { $0.isEmpty ? nil : $0 }, model)
    }

    /// `library-panel delete UID`: Grafana refuses (403 "the library element has connections")
    /// while a dashboard uses it; the hint names the command that lists them.
    func deleteLibraryPanel(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        do {
            _ = try await client.deleteLibraryElement(uid: uid)
        } catch let error as GrafanaError where error.status == 403 && error.message.contains("connections") {
            throw CommandFailure(
                code: CommandFailure.code(for: error),
                message: "Cannot delete library panel '\(uid)': \(error.message)",
                hint: "Dashboards still use it; 'library-panel usage \(uid)' lists them.",
                details: Record([("status", .int(403))])
            )
        }
        return .record(Record([("uid", .string(uid)), ("deleted", .bool(true))]))
    }

    /// `library-panel usage UID`: the connected dashboards, with their titles.
    func libraryPanelUsage(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        let connections = try await client.libraryElementConnections(uid: uid)
        var rows: [Value] = []
        for connection in connections {
            guard let dashboardUID = connection["connectionUid"]?.stringValue else { continue }
            let document = try await client.dashboard(uid: dashboardUID)
            rows.append(
                .record(
                    Record([
                        ("uid", .string(dashboardUID)), ("title", document.model["title"] ?? .null),
                        ("url", document.meta.url.value),
                    ])
                )
            )
        }
        return .list(rows)
    }

    /// Before `dashboard push` sends anything: every library panel the dashboards reference
    /// (`panels[].libraryPanel.uid`, rows included, as Grafana's `ConnectLibraryPanelsForDashboard`
    /// collects them) must exist on the server, or Grafana stores the dashboard and then fails
    /// with 500 "Error while connecting library panels".
    func checkLibraryPanels(of dashboards: [(path: String, uids: [String])]) async throws {
        var missing: [(uid: String, path: String)] = []
        var checked: Set<String> = []
        for (path, uids) in dashboards {
            for uid in uids where checked.insert(uid).inserted {
                if try await client.findLibraryElement(uid: uid) == nil { missing.append((uid, path)) }
            }
        }
        guard !missing.isEmpty else { return }
        let names = missing.map { "'\($0.uid)' (\($0.path))" }.joined(separator: ", ")
        throw CommandFailure(
            message: "Library panels missing on the server: \(names)",
            hint: "Nothing was sent. Push them first with 'library-panel push FILE...'."
        )
    }

    static func libraryPanelUIDs(in panels: Value) -> [String] {
        var uids: [String] = []
        guard case .list(let items) = panels else { return [] }
        for panel in items {
            if panel["type"]?.stringValue == "row" {
                uids += libraryPanelUIDs(in: panel["panels"] ?? .null)
            } else if let uid = panel["libraryPanel"]?["uid"]?.stringValue, !uid.isEmpty, !uids.contains(uid) {
                uids.append(uid)
            }
        }
        return uids
    }
}
