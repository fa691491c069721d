import Foundation
import GFSLanguage
import GrafanaAPI

// dashboard versions|version|restore|show|move|tags|home: a dashboard over its life.
extension GFSCommandCatalog {
    static let dashboardLifecycle: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "versions"],
                summary: "List a dashboard's saved versions, newest first.",
                arguments: [ArgumentSpec("uid", completion: .dashboardUID, summary: "The dashboard's UID.")],
                example: "dashboard versions prod-overview"
            ),
            display: ResultDisplay(columns: ["version", "created", "createdBy", "message"])
        ) { try await $0.listDashboardVersions($1) },
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "version"],
                summary: "Fetch the JSON of one saved version of a dashboard.",
                arguments: [
                    ArgumentSpec("uid", completion: .dashboardUID, summary: "The dashboard's UID."),
                    ArgumentSpec("number", summary: "The version number."),
                ],
                example: "dashboard version prod-overview 3"
            ),
            display: ResultDisplay(text: { value, _ in value.prettyJSON + "\n" })
        ) { try await $0.dashboardVersion($1) },
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "restore"],
                summary: "Save an earlier version of a dashboard as its newest version.",
                arguments: [
                    ArgumentSpec("uid", completion: .dashboardUID, summary: "The dashboard's UID."),
                    ArgumentSpec("number", summary: "The version to restore."),
                ],
                options: [OptionSpec("message", valueName: "TEXT", summary: "The new version's message.")],
                binds: "dashboard",
                example: "dashboard restore prod-overview 3",
                discussion: """
                    Without --message the server's restore is used and the new version says
                    "Restored from version N". With --message the version's JSON is saved again
                    with that message.
                    """
            )
        ) { try await $0.restoreDashboard($1) },
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "show"],
                summary: "Show a dashboard's folder, version, authors and URL.",
                arguments: [ArgumentSpec("uid", completion: .dashboardUID, summary: "The dashboard's UID.")],
                binds: "dashboard",
                example: "dashboard show prod-overview"
            )
        ) { try await $0.showDashboard($1) },
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "move"],
                summary: "Move a dashboard to another folder.",
                arguments: [ArgumentSpec("uid", completion: .dashboardUID, summary: "The dashboard's UID.")],
                options: [
                    OptionSpec(
                        "folder",
                        valueName: "FOLDER",
                        completion: .folder,
                        summary: "The folder (title or UID; 'General' for the root)."
                    )
                ],
                binds: "dashboard",
                example: "dashboard move prod-overview --folder ops"
            )
        ) { try await $0.moveDashboard($1) },
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "tags"],
                summary: "List the tags of the org's dashboards with their counts.",
                example: "dashboard tags"
            ),
            display: ResultDisplay(columns: ["tag", "count"])
        ) { try await $0.dashboardTags($1) },
        CommandDefinition(
            CommandSpec(
                path: ["dashboard", "home"],
                summary: "Show, or set, your home dashboard.",
                options: [
                    OptionSpec(
                        "set",
                        valueName: "UID",
                        completion: .dashboardUID,
                        summary: "Make this dashboard your home dashboard."
                    )
                ],
                example: "dashboard home --set prod-overview"
            )
        ) { try await $0.homeDashboard($1) },
    ]
}

extension GrafanaShellHost {
    /// `dashboard versions UID`: every version, paging through the server's lists.
    func listDashboardVersions(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        return .list(
            try await client.dashboardVersions(uid: uid).map { version in
                .record(
                    Record([
                        ("version", .int(Int(version.version))), ("created", version.created.value),
                        ("createdBy", version.createdBy.value), ("message", version.message.value),
                        ("restoredFrom", version.restoredFrom.value), ("parentVersion", version.parentVersion.value),
                    ])
                )
            }
        )
    }

    /// A version number argument.
    func versionNumber(_ call: CommandArguments, _ name: String) throws -> Int64 {
        let text = try call.required(name)
        guard let number = Int64(text), number > 0 else {
            throw CommandFailure(
                message: "Invalid version '\(text)'",
                hint: "Give a version number as 'dashboard versions UID' lists them."
            )
        }
        return number
    }

    /// `dashboard version UID N`: the model as that version saved it.
    func dashboardVersion(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        let version = try await client.dashboardVersion(uid: uid, version: try versionNumber(call, "number"))
        return version.data ?? .null
    }

    /// `dashboard restore UID N [--message T]`.
    func restoreDashboard(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        let number = try versionNumber(call, "number")
        let outcome: WriteOutcome<SavedDashboard>
        if let message = try call.option("message") {
            // The restore route takes no message: save the version's model again instead, over
            // the current version, in the current folder.
            let current = try await client.dashboard(uid: uid)
            let old = try await client.dashboardVersion(uid: uid, version: number)
            guard var model = old.data?.recordValue else {
                throw CommandFailure(message: "Version \(number) of '\(uid)' has no JSON")
            }
            model["version"] = current.meta.version.value
            model["uid"] = .string(uid)
            outcome = try await client.saveDashboard(
                model: .record(model),
                folderUID: current.meta.folderUid ?? "",
                message: message
            )
        } else {
            outcome = try await client.restoreDashboard(uid: uid, version: number)
        }
        return result(of: outcome, planned: Record([("uid", .string(uid)), ("restoredFrom", .int(Int(number)))])) {
            saved in
            .record(
                Record([
                    ("uid", .string(saved.uid)), ("version", saved.version.value), ("restoredFrom", .int(Int(number))),
                    ("url", saved.url.value),
                ])
            )
        }
    }

    /// `dashboard show UID`: the metadata Grafana keeps beside the model.
    func showDashboard(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        let document = try await client.dashboard(uid: uid)
        let meta = document.meta
        let tags: [Value] = if case .list(let list)? = document.model["tags"] { list } else { [] }
        return .record(
            Record([
                ("uid", .string(uid)), ("title", document.model["title"] ?? .null),
                ("folder", .string(meta.folderTitle ?? "General")), ("folderUid", .string(meta.folderUid ?? "")),
                ("version", meta.version.value), ("created", meta.created.value), ("createdBy", meta.createdBy.value),
                ("updated", meta.updated.value), ("updatedBy", meta.updatedBy.value), ("url", meta.url.value),
                ("provisioned", .bool(meta.provisioned ?? false)), ("starred", .bool(meta.isStarred ?? false)),
                ("tags", .list(tags)),
            ])
        )
    }

    /// `dashboard move UID --folder F`: saves the dashboard as it is into another folder
    /// (Grafana moves a dashboard by saving it with a new `folderUid`).
    func moveDashboard(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        guard let folder = try call.option("folder") else {
            throw CommandFailure(message: "Missing --folder", hint: "Give the folder to move the dashboard to.")
        }
        let target = folder == "General" || folder.isEmpty ? "" : try await folderUID(for: folder)
        let current = try await client.dashboard(uid: uid)
        if (current.meta.folderUid ?? "") == target {
            return .record(
                Record([("uid", .string(uid)), ("folderUid", .string(target)), ("status", .string("unchanged"))])
            )
        }
        let outcome = try await client.saveDashboard(
            model: current.model,
            folderUID: target,
            message: "Moved to folder \(folder)"
        )
        return result(of: outcome, planned: Record([("uid", .string(uid)), ("folderUid", .string(target))])) { saved in
            .record(
                Record([
                    ("uid", .string(saved.uid)), ("folderUid", .string(target)), ("status", .string("moved")),
                    ("version", saved.version.value), ("url", saved.url.value),
                ])
            )
        }
    }

    /// `dashboard tags`.
    func dashboardTags(_ call: CommandArguments) async throws -> Value {
        .list(
            try await client.dashboardTags().map {
                .record(Record([("tag", .string($0.term)), ("count", .int(Int($0.count)))]))
            }
        )
    }

    /// `dashboard home [--set UID]`: the home dashboard the server resolves for you (your
    /// preference, then your teams', then the org's), or Grafana's built-in one.
    func homeDashboard(_ call: CommandArguments) async throws -> Value {
        if let uid = try call.option("set") {
            // Refuse an unknown uid before writing: the preference would name nothing.
            _ = try await client.dashboard(uid: uid)
            let outcome = try await client.setHomeDashboard(uid: uid)
            if case .planned = outcome {
                return .record(Record([("uid", .string(uid)), ("home", .bool(false))]))
            }
        }
        let home = try await client.homeDashboard()
        guard let redirect = home.redirectUri else {
            return .record(Record([("uid", .null), ("title", home.dashboard?["title"] ?? "Home"), ("builtIn", true)]))
        }
        // `/d/UID/slug`.
        let parts = redirect.split(separator: "/").map(String.init)
        let uid = parts.count >= 2 && parts[0] == "d" ? parts[1] : nil
        var title: Value = .null
        if let uid, let document = try await client.findDashboard(uid: uid) { title = document.model["title"] ?? .null }
        return .record(
            Record([("uid", uid.value), ("title", title), ("url", .string(redirect)), ("builtIn", false)])
        )
    }
}
