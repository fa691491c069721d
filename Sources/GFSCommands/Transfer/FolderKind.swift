import Foundation
import GFSLanguage
import GrafanaAPI

/// Folders, nested as directories: `folders/Teams/Team A/folder.json` holds `{uid, title}` of
/// the folder `Team A` inside `Teams`. A folder's parent is the directory above it.
public struct FolderKind: TransferKind {
    public let name = "folders"
    public let dependencies: [String] = []
    public let treePaths = ["folders"]
    /// The file in each folder's directory.
    public static let fileName = "folder.json"

    public init() {}

    public func list(in context: TransferContext) async throws -> [TransferResource] {
        var resources: [TransferResource] = []
        var seen: Set<String> = []
        // A server without nested folders ignores `parentUid` and answers every folder again
        // for each: `seen` keeps the walk from descending into those.
        func walk(_ parentUID: String?, titles: [String]) async throws {
            var page = 1
            var children: [Value] = []
            while true {
                var query = [QueryItem("limit", "1000"), QueryItem("page", String(page))]
                if let parentUID { query.append(QueryItem("parentUid", parentUID)) }
                guard case .list(let found) = try await context.get("/api/folders", query: query) else { break }
                children += found
                if found.count < 1000 { break }
                page += 1
            }
            for child in children {
                guard let uid = child["uid"]?.stringValue, seen.insert(uid).inserted else { continue }
                let title = child["title"]?.stringValue ?? ""
                resources.append(
                    Self.resource(uid: uid, title: title, titles: titles + [title], parentUID: parentUID ?? "")
                )
                if context.hasNestedFolders { try await walk(uid, titles: titles + [title]) }
            }
        }
        try await walk(nil, titles: [])
        return resources.sorted { $0.path < $1.path }
    }

    public func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource] {
        var byPath: [String: (uid: String, title: String)] = [:]
        let files = tree.jsonFiles(under: "folders").filter { $0.hasSuffix("/" + Self.fileName) }
        for file in files {
            let document = try tree.read(file)
            guard let uid = document["uid"]?.stringValue, !uid.isEmpty,
                let title = document["title"]?.stringValue
            else {
                throw TransferTreeError(path: file, "\(file): a folder needs a 'uid' and a 'title'")
            }
            byPath[String(file.dropLast(Self.fileName.count + 1))] = (uid, title)
        }
        var resources: [TransferResource] = []
        for file in files {
            let directory = String(file.dropLast(Self.fileName.count + 1))
            let folder = byPath[directory]!
            let segments = directory.split(separator: "/").dropFirst().map(String.init)
            var parentUID = ""
            if segments.count > 1 {
                let parentDirectory = (["folders"] + segments.dropLast()).joined(separator: "/")
                guard let parent = byPath[parentDirectory] else {
                    throw TransferTreeError(
                        path: file,
                        "\(file): the directory above it has no \(Self.fileName), so its parent folder is unknown"
                    )
                }
                parentUID = parent.uid
            }
            var resource = Self.resource(
                uid: folder.uid,
                title: folder.title,
                titles: segments.map(TransferTree.title),
                parentUID: context.hasNestedFolders ? parentUID : ""
            )
            // The file's own path, even if its directory was renamed by hand.
            resource.path = file
            resources.append(resource)
        }
        return resources
    }

    /// Before Grafana 11 a folder cannot hold folders: those nested in the tree are made at
    /// the root, and the dashboards in them still land in them.
    public func notes(desired: [TransferResource], context: TransferContext) -> [String] {
        guard !context.hasNestedFolders else { return [] }
        let nested = desired.filter { $0.stage > 0 }.count
        guard nested > 0 else { return [] }
        let version = context.serverVersion.map { "Grafana \($0)" } ?? "this server"
        return ["\(version) has no nested folders: \(nested) folders inside others are created at the root"]
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        let resource = change.resource
        let title = resource.state["title"]?.stringValue ?? ""
        let parentUID = resource.state["parentUid"]?.stringValue ?? ""
        switch change.action {
        case .create:
            var body: Record = ["uid": .string(resource.identity), "title": .string(title)]
            if !parentUID.isEmpty { body["parentUid"] = .string(parentUID) }
            try await context.write(.post, "/api/folders", body: .record(body))
        case .update:
            let current = change.current?.state
            if current?["title"] != resource.state["title"] {
                // `overwrite` instead of the version read: the plan was made from the server's
                // state just before, and the import owns the folder's title.
                try await context.write(
                    .put,
                    context.path("api", "folders", resource.identity),
                    body: ["title": .string(title), "overwrite": true]
                )
            }
            if current?["parentUid"] != resource.state["parentUid"] {
                // `MoveFolder`: an empty parent moves it to the root.
                try await context.write(
                    .post,
                    context.path("api", "folders", resource.identity, "move"),
                    body: ["parentUid": .string(parentUID)]
                )
            }
        case .delete:
            try await context.write(.delete, context.path("api", "folders", resource.identity))
        case .unchanged:
            break
        }
    }

    /// A folder: the file holds its uid and title; the state adds its parent's uid.
    static func resource(uid: String, title: String, titles: [String], parentUID: String) -> TransferResource {
        let document: Value = ["uid": .string(uid), "title": .string(title)]
        return TransferResource(
            kind: "folders",
            identity: uid,
            path: (["folders"] + titles.map(TransferTree.segment) + [fileName]).joined(separator: "/"),
            document: document,
            state: ["uid": .string(uid), "title": .string(title), "parentUid": .string(parentUID)],
            stage: titles.count - 1
        )
    }
}

extension TransferContext {
    /// The directory segments of the folder `uid` (`["Teams", "Team A"]`), from the tree's
    /// folders if they were read, else the server's; nil for an unknown folder, `[]` for the root.
    public func folderSegments(uid: String) -> [String]? {
        if uid.isEmpty { return [] }
        for folders in [desired["folders"], current["folders"]] {
            if let folder = folders?.first(where: { $0.identity == uid }) {
                return Array(folder.path.split(separator: "/").dropFirst().dropLast().map(String.init))
            }
        }
        return nil
    }

    /// The uid of the folder at directory `segments`, from the tree's folders, else the
    /// server's; `""` for the root, nil when neither has it.
    public func folderUID(segments: [String]) -> String? {
        if segments.isEmpty { return "" }
        let path = (["folders"] + segments + [FolderKind.fileName]).joined(separator: "/")
        for folders in [desired["folders"], current["folders"]] {
            if let folder = folders?.first(where: { $0.path == path }) { return folder.identity }
        }
        return nil
    }
}
