import Foundation
import GFSLanguage
import GrafanaAPI

// folder create|list|delete.
extension GFSCommandCatalog {
    static let folders: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["folder", "create"],
                summary: "Create a dashboard folder.",
                arguments: [ArgumentSpec("title", summary: "The folder's title.")],
                options: [
                    OptionSpec("uid", valueName: "UID", summary: "Give the folder this UID."),
                    OptionSpec("if-missing", summary: "Return the existing folder of that title instead of failing."),
                ],
                binds: "folder",
                example: "folder create ops"
            )
        ) { try await $0.createFolder($1) },
        CommandDefinition(
            CommandSpec(path: ["folder", "list"], summary: "List folders.", example: "folder list"),
            display: ResultDisplay(columns: ["uid", "title"])
        ) { try await $0.listFolders($1) },
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
        if try call.flag("if-missing") {
            let folders = try await client.folders()
            if let existing = folders.first(where: { ($0.uid == uid && uid != nil) || $0.title == title }) {
                return .record(
                    Record([
                        ("uid", .string(existing.uid)), ("title", .string(existing.title)), ("existing", .bool(true)),
                    ])
                )
            }
        }
        return result(
            of: try await client.createFolder(title: title, uid: uid),
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

    /// `folder list`.
    func listFolders(_ call: CommandArguments) async throws -> Value {
        .list(
            try await client.folders().map {
                .record(Record([("uid", .string($0.uid)), ("title", .string($0.title))]))
            }
        )
    }

    /// `folder delete TITLE|UID`.
    func deleteFolder(_ call: CommandArguments) async throws -> Value {
        let uid = try await folderUID(for: try call.required("folder"))
        try await client.deleteFolder(uid: uid)
        return .record(Record([("uid", .string(uid)), ("deleted", .bool(true))]))
    }
}
