import Foundation
import GFSLanguage
import GrafanaAPI

// folder create|list|delete.
extension GrafanaShellHost {
    /// `folder create TITLE [--uid U] [--if-missing]`: binds `$folder`.
    func createFolder(_ call: CommandCall) async throws -> Value {
        let title = try call.requiredString(0, "folder title")
        let uid = call.option("uid")
        if call.flag("if-missing") {
            let folders = try await client.folders()
            if let existing = folders.first(where: { ($0.uid == uid && uid != nil) || $0.title == title }) {
                return .record(
                    Record([
                        ("uid", .string(existing.uid)), ("title", .string(existing.title)), ("existing", .bool(true)),
                    ])
                )
            }
        }
        do {
            let folder = try await client.createFolder(title: title, uid: uid)
            return .record(
                Record(dropping: [
                    ("uid", .string(folder.uid)), ("title", .string(folder.title)), ("id", folder.id.value),
                    ("url", folder.url.value),
                ])
            )
        } catch let error as GrafanaError where error.isNotSent {
            return .record(
                Record([("uid", .string(uid ?? "DRY-RUN-FOLDER")), ("title", .string(title)), ("dryRun", .bool(true))])
            )
        }
    }

    /// `folder list`.
    func listFolders(_ call: CommandCall) async throws -> Value {
        .list(
            try await client.folders().map {
                .record(Record([("uid", .string($0.uid)), ("title", .string($0.title))]))
            }
        )
    }

    /// `folder delete TITLE|UID`.
    func deleteFolder(_ call: CommandCall) async throws -> Value {
        let uid = try await folderUID(for: try call.requiredString(0, "folder"))
        do {
            try await client.deleteFolder(uid: uid)
        } catch let error as GrafanaError where error.isNotSent {}
        return .record(Record([("uid", .string(uid)), ("deleted", .bool(true))]))
    }
}
