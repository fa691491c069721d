import Foundation
import GFSLanguage
import GrafanaAPI

/// The grants set on folders and dashboards, at `permissions/folders/<uid>.json` and
/// `permissions/dashboards/<uid>.json`: each grant names a user by login, a team by name or a
/// basic role, with its level (1 view, 2 edit, 4 admin, as `dashboardaccess.PermissionType`).
/// Inherited grants belong to the parent folder and are left out. Applied last, once the
/// folders, dashboards, users and teams exist; a resource without grants of its own has no file.
public struct PermissionKind: TransferKind {
    public let name = "permissions"
    public let dependencies = ["folders", "dashboards", "users", "teams"]
    public let treePaths = ["permissions"]

    public init() {}

    public func list(in context: TransferContext) async throws -> [TransferResource] {
        let targets =
            (context.current["folders"] ?? []).map { ("folders", $0.identity) }
            + (context.current["dashboards"] ?? []).map { ("dashboards", $0.identity) }
        return try await context.mapConcurrently(targets) { target -> TransferResource? in
            let (kind, uid) = target
            let path =
                kind == "folders"
                ? context.path("api", "folders", uid, "permissions")
                : context.path("api", "dashboards", "uid", uid, "permissions")
            let grants = try await context.get(path).listItems.filter { $0["inherited"] != .bool(true) }
                .compactMap(Self.grant)
            return grants.isEmpty ? nil : Self.resource(kind: kind, uid: uid, grants: grants)
        }.compactMap { $0 }.sorted { $0.path < $1.path }
    }

    public func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource] {
        try ["folders", "dashboards"].flatMap { kind in
            try tree.jsonFiles(under: "permissions/\(kind)").map { file in
                let document = try tree.read(file)
                guard let uid = document["uid"]?.stringValue, !uid.isEmpty else {
                    throw TransferTreeError(path: file, "\(file): a permission file needs the 'uid' it applies to")
                }
                var resource = Self.resource(kind: kind, uid: uid, grants: document["grants"]?.listItems ?? [])
                resource.path = file
                return resource
            }
        }
    }

    /// Grants go with their folder or dashboard: nothing is deleted on its own. The grants of a
    /// folder or dashboard this import creates are not sent when they are the ones Grafana
    /// gives it on creation (``defaultGrants(for:context:)``).
    public func plan(desired: [TransferResource], current: [TransferResource], prune: Bool, context: TransferContext)
        -> [TransferChange]
    {
        TransferChange.matching(desired: desired, current: current, prune: false).map { change in
            guard change.action == .create, let defaults = Self.defaultGrants(for: change.resource, context: context),
                Self.resource(kind: "", uid: "", grants: defaults).state["grants"] == change.resource.state["grants"]
            else { return change }
            return TransferChange(.unchanged, desired: change.desired, current: nil)
        }
    }

    /// The grants Grafana gives a folder or dashboard when it is created
    /// (`setDefaultPermissions` in `pkg/services/dashboards/service/dashboard_service.go`, and
    /// the folder service's own copy of it): its creator Admin (a user, or from 11 a service
    /// account, ``TransferContext/creator``), and, in the root folder only, the Editor role
    /// Edit and the Viewer role View. Nil when the import does not create it, or when the
    /// creator is unknown.
    static func defaultGrants(for resource: TransferResource, context: TransferContext) -> [Value]? {
        guard let kind = resource.state["kind"]?.stringValue, let uid = resource.state["uid"]?.stringValue,
            let creator = context.creator, !(context.current[kind] ?? []).contains(where: { $0.identity == uid }),
            let created = (context.desired[kind] ?? []).first(where: { $0.identity == uid })
        else { return nil }
        let parent =
            kind == "folders"
            ? (context.hasNestedFolders ? created.state["parentUid"]?.stringValue ?? "" : "")
            : created.state["folderUid"]?.stringValue ?? ""
        var grants: [Value] = []
        if let login = creator.adminLogin { grants.append(["user": .string(login), "permission": 4]) }
        if parent.isEmpty {
            grants.append(["role": "Editor", "permission": 2])
            grants.append(["role": "Viewer", "permission": 1])
        }
        return grants
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        guard change.action == .create || change.action == .update else { return }
        let resource = change.resource
        guard let uid = resource.state["uid"]?.stringValue else { return }
        var users: [String: Int64] = [:]
        for user in try await context.get("/api/org/users").listItems {
            if let login = user["login"]?.stringValue, let id = user["userId"]?.intValue { users[login] = id }
        }
        var teams: [String: Int64] = [:]
        let search = try await context.get("/api/teams/search", query: [QueryItem("perpage", "1000")])
        for team in search["teams"]?.listItems ?? [] {
            if let name = team["name"]?.stringValue, let id = team["id"]?.intValue { teams[name] = id }
        }
        var items: [Value] = []
        for grant in resource.state["grants"]?.listItems ?? [] {
            var item = Record()
            if let login = grant["user"]?.stringValue {
                guard let id = users[login] else {
                    throw CommandFailure(
                        message: "\(resource.path): no user '\(login)' in the org",
                        hint: "Import the users kind too, or add the user to the org first."
                    )
                }
                item["userId"] = .int(Int(id))
            } else if let team = grant["team"]?.stringValue {
                guard let id = teams[team] else {
                    throw CommandFailure(
                        message: "\(resource.path): no team '\(team)' in the org",
                        hint: "Import the teams kind too, or create the team first."
                    )
                }
                item["teamId"] = .int(Int(id))
            } else if let role = grant["role"] {
                item["role"] = role
            }
            item["permission"] = grant["permission"] ?? 1
            items.append(.record(item))
        }
        // The legacy endpoints (`pkg/api/folder_permission.go` `UpdateFolderPermissions`,
        // `pkg/api/dashboard_permission.go` `UpdateDashboardPermissions`) replace every grant
        // that is not inherited with `items`.
        let path =
            resource.state["kind"] == "folders"
            ? context.path("api", "folders", uid, "permissions")
            : context.path("api", "dashboards", "uid", uid, "permissions")
        try await context.write(.post, path, body: ["items": .list(items)])
    }

    /// A grant by login, team name or role; nil for one naming none of them.
    static func grant(_ entry: Value) -> Value? {
        let permission = entry["permission"] ?? 1
        if let login = entry["userLogin"]?.stringValue, !login.isEmpty {
            return ["user": .string(login), "permission": permission]
        }
        if let team = entry["team"]?.stringValue, !team.isEmpty {
            return ["team": .string(team), "permission": permission]
        }
        if let role = entry["role"]?.stringValue, !role.isEmpty {
            return ["role": .string(role), "permission": permission]
        }
        return nil
    }

    static func resource(kind: String, uid: String, grants: [Value]) -> TransferResource {
        // By subject, whatever the key order of the file or the answer.
        func key(_ grant: Value) -> [String] {
            ["user", "team", "role", "permission"].map { grant[$0]?.compactJSON ?? "" }
        }
        let sorted = grants.sorted { key($0).lexicographicallyPrecedes(key($1)) }
        let document: Value = ["uid": .string(uid), "grants": .list(sorted)]
        return TransferResource(
            kind: "permissions",
            identity: "\(kind)/\(uid)",
            path: "permissions/\(kind)/\(TransferTree.segment(uid)).json",
            document: document,
            state: ["kind": .string(kind), "uid": .string(uid), "grants": .list(sorted)]
        )
    }
}
