import Foundation
import GFSLanguage
import GrafanaAPI

// folder create|list|show|rename|move|delete.
extension GFSCommandCatalog {
    static let folders: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["folder", "create"],
                summary: "Create a dashboard folder.",
                arguments: [ArgumentSpec("title", summary: "The folder's title.")],
                options: [
                    OptionSpec("uid", valueName: "UID", summary: "Give the folder this UID."),
                    OptionSpec(
                        "parent",
                        valueName: "FOLDER",
                        completion: .folder,
                        summary: "Create it inside this folder (title or UID; nested folders)."
                    ),
                    OptionSpec("if-missing", summary: "Return the existing folder of that title instead of failing."),
                ],
                binds: "folder",
                example: "folder create ops"
            )
        ) { try await $0.createFolder($1) },
        CommandDefinition(
            CommandSpec(
                path: ["folder", "list"],
                summary: "List folders.",
                options: [OptionSpec("tree", summary: "Every folder, nested folders indented under their parent.")],
                example: "folder list --tree"
            ),
            display: ResultDisplay(columns: ["uid", "title", "path"])
        ) { try await $0.listFolders($1) },
        CommandDefinition(
            CommandSpec(
                path: ["folder", "show"],
                summary: "Show a folder: its UID, parents, version and authors.",
                arguments: [ArgumentSpec("folder", completion: .folder, summary: "Title or UID.")],
                binds: "folder",
                example: "folder show ops"
            )
        ) { try await $0.showFolder($1) },
        CommandDefinition(
            CommandSpec(
                path: ["folder", "rename"],
                summary: "Give a folder a new title.",
                arguments: [
                    ArgumentSpec("folder", completion: .folder, summary: "Title or UID."),
                    ArgumentSpec("title", summary: "The new title."),
                ],
                binds: "folder",
                example: "folder rename ops Operations"
            )
        ) { try await $0.renameFolder($1) },
        CommandDefinition(
            CommandSpec(
                path: ["folder", "move"],
                summary: "Move a folder under another one, or to the root.",
                arguments: [ArgumentSpec("folder", completion: .folder, summary: "Title or UID.")],
                options: [
                    OptionSpec(
                        "parent",
                        valueName: "FOLDER",
                        completion: .folder,
                        summary: "The new parent (title or UID); omit it to move to the root."
                    )
                ],
                binds: "folder",
                example: "folder move team-a --parent teams"
            )
        ) { try await $0.moveFolder($1) },
        CommandDefinition(
            CommandSpec(
                path: ["folder", "delete"],
                summary: "Delete a folder and the dashboards in it.",
                arguments: [ArgumentSpec("folder", completion: .folder, summary: "Title or UID.")],
                example: "folder delete ops"
            )
        ) { try await $0.deleteFolder($1) },
    ]
}

extension GrafanaShellHost {
    /// `folder create TITLE [--uid U] [--if-missing]`: binds `$folder`.
    func createFolder(_ call: CommandArguments) async throws -> Value {
        let title = try call.required("title")
        let uid = try call.option("uid")
        let parentUID = try await call.option("parent").asyncMap { try await folderUID(for: $0) }
        if try call.flag("if-missing") {
            let folders = try await client.folders(parentUID: parentUID)
            if let existing = folders.first(where: { ($0.uid == uid && uid != nil) || $0.title == title }) {
                return .record(
                    Record([
                        ("uid", .string(existing.uid)), ("title", .string(existing.title)), ("existing", .bool(true)),
                    ])
                )
            }
        }
        return result(
            of: try await client.createFolder(title: title, uid: uid, parentUID: parentUID),
            planned: Record([("uid", .string(uid ?? "DRY-RUN-FOLDER")), ("title", .string(title))])
        ) { folder in
            .record(
                Record(dropping: [
                    ("uid", .string(folder.uid)), ("title", .string(folder.title)), ("id", folder.id.value),
                    ("url", folder.url.value),
                ])
            )
        }
    }

    /// `folder list [--tree]`: the root folders, or every folder depth first with its path.
    func listFolders(_ call: CommandArguments) async throws -> Value {
        guard try call.flag("tree") else {
            return .list(
                try await allFolders(parentUID: nil).map {
                    .record(Record([("uid", .string($0.uid)), ("title", .string($0.title))]))
                }
            )
        }
        var rows: [Value] = []
        var seen: Set<String> = []
        // A server without nested folders ignores `parentUid` and answers every folder again:
        // `seen` keeps the walk from descending into those.
        func walk(_ parentUID: String?, path: [String]) async throws {
            for folder in try await allFolders(parentUID: parentUID) where seen.insert(folder.uid).inserted {
                let here = path + [folder.title]
                rows.append(
                    .record(
                        Record([
                            ("uid", .string(folder.uid)),
                            ("title", .string(String(repeating: "  ", count: path.count) + folder.title)),
                            ("path", .string(here.joined(separator: "/"))), ("depth", .int(path.count)),
                        ])
                    )
                )
                try await walk(folder.uid, path: here)
            }
        }
        try await walk(nil, path: [])
        return .list(rows)
    }

    /// Every folder directly under `parentUID`, paging through `GET /api/folders`.
    func allFolders(parentUID: String?) async throws -> [FolderSummary] {
        var all: [FolderSummary] = []
        var page = 1
        while true {
            let folders = try await client.folders(parentUID: parentUID, limit: 1000, page: page)
            all += folders
            if folders.count < 1000 { return all }
            page += 1
        }
    }

    /// A folder as `folder show` and the writes answer it.
    func folderRecord(_ folder: Folder, parents: [String] = []) -> Value {
        .record(
            Record(dropping: [
                ("uid", .string(folder.uid)), ("title", .string(folder.title)), ("id", folder.id.value),
                ("parentUid", folder.parentUid.value),
                ("path", .string((parents + [folder.title]).joined(separator: "/"))), ("version", folder.version.value),
                ("created", folder.created.value), ("createdBy", folder.createdBy.value),
                ("updated", folder.updated.value), ("updatedBy", folder.updatedBy.value), ("url", folder.url.value),
            ])
        )
    }

    /// `folder show TITLE|UID`.
    func showFolder(_ call: CommandArguments) async throws -> Value {
        let uid = try await folderUID(for: try call.required("folder"))
        return try await folderRecordWithPath(try await client.folder(uid: uid))
    }

    /// ``folderRecord(_:parents:)`` with the titles of the folder's ancestors read from the server.
    func folderRecordWithPath(_ folder: Folder) async throws -> Value {
        var parents: [String] = []
        var next = folder.parentUid
        var seen: Set<String> = [folder.uid]
        while let parent = next, !parent.isEmpty, seen.insert(parent).inserted {
            let found = try await client.folder(uid: parent)
            parents.insert(found.title, at: 0)
            next = found.parentUid
        }
        return folderRecord(folder, parents: parents)
    }

    /// `folder rename TITLE|UID NEW`: the update carries the version read just before, so a
    /// concurrent change is refused (412) rather than overwritten.
    func renameFolder(_ call: CommandArguments) async throws -> Value {
        let uid = try await folderUID(for: try call.required("folder"))
        let title = try call.required("title")
        let current = try await client.folder(uid: uid)
        if current.title == title { return try await folderRecordWithPath(current) }
        let outcome = try await client.updateFolder(uid: uid, title: title, version: current.version)
        guard case .sent(let renamed) = outcome else {
            return placeholder(Record([("uid", .string(uid)), ("title", .string(title))]))
        }
        return try await folderRecordWithPath(renamed)
    }

    /// `folder move TITLE|UID [--parent F]`.
    func moveFolder(_ call: CommandArguments) async throws -> Value {
        let uid = try await folderUID(for: try call.required("folder"))
        let parentUID = try await call.option("parent").asyncMap { try await folderUID(for: $0) } ?? ""
        let current = try await client.folder(uid: uid)
        if (current.parentUid ?? "") == parentUID { return try await folderRecordWithPath(current) }
        let outcome = try await client.moveFolder(uid: uid, parentUID: parentUID)
        guard case .sent(let moved) = outcome else {
            return placeholder(Record([("uid", .string(uid)), ("parentUid", .string(parentUID))]))
        }
        return try await folderRecordWithPath(moved)
    }

    /// `folder delete TITLE|UID`.
    func deleteFolder(_ call: CommandArguments) async throws -> Value {
        let uid = try await folderUID(for: try call.required("folder"))
        try await client.deleteFolder(uid: uid)
        return .record(Record([("uid", .string(uid)), ("deleted", .bool(true))]))
    }
}
