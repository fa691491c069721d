import Foundation
import GFSLanguage
import GrafanaAPI

// permission show|set|remove for dashboards and folders.
extension GFSCommandCatalog {
    static let permissions: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["permission", "show"],
                summary: "Show who may view, edit or administer a dashboard or folder.",
                arguments: [kindArgument, targetArgument],
                example: "permission show folder ops"
            ),
            display: ResultDisplay(columns: ["kind", "name", "level", "inherited"])
        ) { try await $0.showPermissions($1) },
        CommandDefinition(
            CommandSpec(
                path: ["permission", "set"],
                summary: "Grant a user, team or role a level on a dashboard or folder.",
                arguments: [kindArgument, targetArgument],
                options: subjectOptions + [
                    OptionSpec("level", valueName: "LEVEL", summary: "view, edit or admin.")
                ],
                example: "permission set folder ops --team platform --level edit",
                discussion: """
                    The other permissions of the dashboard or folder are kept. When the subject
                    already has that level, nothing is sent and the result says unchanged.
                    """
            )
        ) { try await $0.setPermission($1) },
        CommandDefinition(
            CommandSpec(
                path: ["permission", "remove"],
                summary: "Take a user's, team's or role's permission off a dashboard or folder.",
                arguments: [kindArgument, targetArgument],
                options: subjectOptions,
                example: "permission remove folder ops --role Viewer",
                discussion: "When the subject holds no permission there, nothing is sent and the result says unchanged."
            )
        ) { try await $0.removePermission($1) },
    ]

    private static let kindArgument = ArgumentSpec("kind", summary: "dashboard or folder.")
    private static let targetArgument = ArgumentSpec("target", completion: .folder, summary: "Its UID or title.")
    private static let subjectOptions = [
        OptionSpec(
            "user",
            valueName: "LOGIN",
            completion: .userLogin,
            summary: "A user of the org (login, e-mail or id)."
        ),
        OptionSpec("team", valueName: "NAME", completion: .teamName, summary: "A team of the org (name or id)."),
        OptionSpec("role", valueName: "ROLE", completion: .role, summary: "Every Viewer or every Editor."),
    ]
}

extension GrafanaShellHost {
    /// Who a permission is for.
    enum PermissionSubject: Equatable {
        case user(Int64, String)
        case team(Int64, String)
        case role(String)

        var kind: String {
            switch self {
            case .user: "user"
            case .team: "team"
            case .role: "role"
            }
        }

        var name: String {
            switch self {
            case .user(_, let login): login
            case .team(_, let name): name
            case .role(let role): role
            }
        }

        func matches(_ item: PermissionItem) -> Bool {
            switch self {
            case .user(let id, _): (item.userId ?? 0) == id
            case .team(let id, _): (item.teamId ?? 0) == id
            case .role(let role): (item.userId ?? 0) == 0 && (item.teamId ?? 0) == 0 && item.role == role
            }
        }

        func item(_ permission: Int64) -> PermissionItem {
            switch self {
            case .user(let id, _): PermissionItem(userId: id, permission: permission)
            case .team(let id, _): PermissionItem(teamId: id, permission: permission)
            case .role(let role): PermissionItem(role: role, permission: permission)
            }
        }
    }

    static let permissionLevels: [String: Int64] = ["view": 1, "edit": 2, "admin": 4]
    static let permissionNames: [Int64: String] = [1: "View", 2: "Edit", 4: "Admin"]

    /// `dashboard` or `folder` and the uid of the one named.
    func permissionTarget(_ call: CommandArguments) async throws -> (PermissionResource, String) {
        let kindText = try call.required("kind")
        guard let kind = PermissionResource(rawValue: kindText.lowercased()) else {
            throw CommandFailure(
                message: "Unknown kind '\(kindText)'",
                hint: "Use dashboard or folder; Grafana's data-source permissions are an Enterprise feature."
            )
        }
        let target = try call.required("target")
        switch kind {
        case .folder: return (kind, try await folderUID(for: target))
        case .dashboard: return (kind, try await dashboardUID(for: target))
        }
    }

    /// The one subject named by `--user`, `--team` or `--role`.
    func permissionSubject(_ call: CommandArguments) async throws -> PermissionSubject {
        let user = try call.option("user")
        let team = try call.option("team")
        let role = try call.option("role")
        guard [user, team, role].compactMap({ $0 }).count == 1 else {
            throw CommandFailure(
                message: "Name one of --user, --team or --role",
                hint: "A permission is for one user, one team or one basic role, such as --team ops."
            )
        }
        if let user {
            let users = try await client.orgUsers(orgID: nil)
            guard
                let found = users.first(where: { $0.login == user || $0.email == user })
                    ?? users.first(where: { String($0.userId) == user })
            else {
                throw CommandFailure(
                    message: "No user '\(user)' in this org",
                    hint: user.bestMatch(in: users.map(\.login)).map { "Did you mean '\($0)'?" }
                        ?? "'org user list' shows the org's users."
                )
            }
            return .user(found.userId, found.login)
        }
        if let team {
            let found = try await self.team(team)
            return .team(found.id, found.name)
        }
        let parsed = try call.role(role ?? "")
        guard parsed == .viewer || parsed == .editor else {
            throw CommandFailure(
                message: "Role '\(parsed.rawValue)' cannot be granted",
                hint: "Grant Viewer or Editor; Admins hold every permission already."
            )
        }
        return .role(parsed.rawValue)
    }

    /// The permissions set on the resource itself, as update items (inherited ones left out).
    func ownPermissionItems(_ kind: PermissionResource, uid: String) async throws -> [PermissionItem] {
        try await client.permissions(of: kind, uid: uid).filter { !($0.inherited ?? false) }.map { entry in
            PermissionItem(
                userId: (entry.userId ?? 0) > 0 ? entry.userId : nil,
                teamId: (entry.teamId ?? 0) > 0 ? entry.teamId : nil,
                role: (entry.userId ?? 0) == 0 && (entry.teamId ?? 0) == 0 ? entry.role : nil,
                permission: entry.permission
            )
        }
    }

    /// `permission show dashboard|folder X`.
    func showPermissions(_ call: CommandArguments) async throws -> Value {
        let (kind, uid) = try await permissionTarget(call)
        return .list(
            try await client.permissions(of: kind, uid: uid).map { entry in
                let (subjectKind, name): (String, String) =
                    if (entry.userId ?? 0) > 0 {
                        ("user", entry.userLogin ?? String(entry.userId ?? 0))
                    } else if (entry.teamId ?? 0) > 0 {
                        ("team", entry.team ?? String(entry.teamId ?? 0))
                    } else {
                        ("role", entry.role ?? "")
                    }
                return .record(
                    Record([
                        ("kind", .string(subjectKind)), ("name", .string(name)),
                        ("level", .string(entry.permissionName ?? Self.permissionNames[entry.permission] ?? "")),
                        ("permission", entry.permission.value), ("inherited", .bool(entry.inherited ?? false)),
                    ])
                )
            }
        )
    }

    /// `permission set KIND X --user|--team|--role S --level L`: keeps the other permissions and
    /// sends nothing when S already has L.
    func setPermission(_ call: CommandArguments) async throws -> Value {
        let (kind, uid) = try await permissionTarget(call)
        let subject = try await permissionSubject(call)
        let levelText = try call.option("level") ?? ""
        guard let level = Self.permissionLevels[levelText.lowercased()] else {
            throw CommandFailure(
                message: levelText.isEmpty ? "Missing --level" : "Unknown level '\(levelText)'",
                hint: "Use --level view, --level edit or --level admin."
            )
        }
        var items = try await ownPermissionItems(kind, uid: uid)
        var status = "created"
        if let index = items.firstIndex(where: subject.matches) {
            if items[index].permission == level {
                return permissionResult(kind, uid, subject, level: level, status: "unchanged")
            }
            items[index] = subject.item(level)
            status = "updated"
        } else {
            items.append(subject.item(level))
        }
        let outcome = try await client.setPermissions(of: kind, uid: uid, items: items)
        return permissionResult(kind, uid, subject, level: level, status: outcome.plannedOnly ? "planned" : status)
    }

    /// `permission remove KIND X --user|--team|--role S`: sends nothing when S holds nothing there.
    func removePermission(_ call: CommandArguments) async throws -> Value {
        let (kind, uid) = try await permissionTarget(call)
        let subject = try await permissionSubject(call)
        var items = try await ownPermissionItems(kind, uid: uid)
        guard items.contains(where: subject.matches) else {
            return permissionResult(kind, uid, subject, level: nil, status: "unchanged")
        }
        items.removeAll(where: subject.matches)
        let outcome = try await client.setPermissions(of: kind, uid: uid, items: items)
        return permissionResult(kind, uid, subject, level: nil, status: outcome.plannedOnly ? "planned" : "removed")
    }

    private func permissionResult(
        _ kind: PermissionResource,
        _ uid: String,
        _ subject: PermissionSubject,
        level: Int64?,
        status: String
    ) -> Value {
        .record(
            Record([
                ("resource", .string(kind.rawValue)), ("uid", .string(uid)), ("kind", .string(subject.kind)),
                ("name", .string(subject.name)), ("level", level.flatMap { Self.permissionNames[$0] }.value),
                ("status", .string(status)),
            ])
        )
    }
}
