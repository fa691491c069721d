import Foundation
import GFSValue

// Dashboard and folder rules shared by the dashboard, folder, search and permission
// controllers (Grafana keeps both in its `dashboard` table).

extension SandboxState {
    func folder(uid: String, orgID: Int64) -> StoredFolder? {
        folders.first { $0.orgID == orgID && $0.uid == uid }
    }

    func folderIndex(uid: String, orgID: Int64) -> Int? {
        folders.firstIndex { $0.orgID == orgID && $0.uid == uid }
    }

    func dashboard(uid: String, orgID: Int64) -> StoredDashboard? {
        dashboards.dashboard(uid: uid, orgID: orgID)
    }

    /// The login Grafana shows in `createdBy` / `updatedBy` (`getUserLogin`: "Anonymous"
    /// when there is no such user).
    func loginOf(_ userID: Int64) -> String {
        user(userID)?.login ?? "Anonymous"
    }

    /// A folder's ancestors, root first (`folder.Folder.Parents` with nested folders).
    func ancestors(of folder: StoredFolder) -> [StoredFolder] {
        var chain: [StoredFolder] = []
        var current = folder.parentUID
        while let uid = current, let parent = self.folder(uid: uid, orgID: folder.orgID),
            !chain.contains(where: { $0.uid == uid })
        {
            chain.insert(parent, at: 0)
            current = parent.parentUID
        }
        return chain
    }

    /// A folder and every folder below it.
    func subtree(of uid: String, orgID: Int64) -> [String] {
        var result = [uid]
        var index = 0
        while index < result.count {
            let parent = result[index]
            result += folders.filter { $0.orgID == orgID && $0.parentUID == parent }.map(\.uid)
            index += 1
        }
        return result
    }

    /// How many levels a folder spans: 1 for a folder without subfolders.
    func height(of uid: String, orgID: Int64) -> Int {
        var level = [uid]
        var height = 0
        var seen: Set<String> = []
        while !level.isEmpty {
            height += 1
            seen.formUnion(level)
            let parents = Set(level)
            level = folders.filter {
                $0.orgID == orgID && $0.parentUID.map(parents.contains) == true && !seen.contains($0.uid)
            }.map(\.uid)
        }
        return height
    }

    /// `dtos.Folder` as `hs.newToFolderDto` fills it for a caller with full rights.
    func folderJSON(_ folder: StoredFolder, role: OrgRole) -> Value {
        let canEdit = role.includes(.editor)
        var object: Record = [
            "id": .int(folder.id), "uid": .string(folder.uid), "orgId": .int(folder.orgID),
            "title": .string(folder.title), "url": .string(folderURL(folder)), "hasAcl": false,
            "canSave": .bool(canEdit), "canEdit": .bool(canEdit), "canAdmin": .bool(role.includes(.admin)),
            "canDelete": .bool(canEdit), "createdBy": .string(loginOf(folder.createdBy)),
            "created": GoTime.json(folder.created), "updatedBy": .string(loginOf(folder.updatedBy)),
            "updated": GoTime.json(folder.updated), "version": .int(folder.version),
        ]
        // `parentUid` and `parents` are `omitempty`: only nested folders carry them.
        if let parent = folder.parentUID, !parent.isEmpty {
            object["parentUid"] = .string(parent)
            object["parents"] = .list(ancestors(of: folder).map { folderJSON($0, role: role) })
        }
        return .record(object)
    }

    func folderURL(_ folder: StoredFolder) -> String {
        "/dashboards/f/\(folder.uid)/\(GrafanaFormat.slug(folder.title))"
    }

    func dashboardURL(_ dashboard: StoredDashboard) -> String {
        "/d/\(dashboard.uid)/\(dashboard.slug)"
    }
}

/// Grafana's uid rules (`pkg/util/shortid_generator.go`): letters, digits, `-` and `_`,
/// at most 40 characters.
enum UIDRules {
    static func isValid(_ uid: String) -> Bool {
        uid.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_")
        }
    }

    static func isTooLong(_ uid: String) -> Bool { uid.count > 40 }
}
