import Foundation
import GFSLanguage
import GrafanaAPI

/// The org's users at `users/<login>.json`: login, e-mail, name and org role. Passwords cannot
/// be read, so a user the target server lacks is created only when its password is supplied
/// (`--secret user.LOGIN.password=env:VAR`); otherwise its change fails with a message naming
/// that secret, and the plan's notes say so beforehand. A user the server has is added to
/// the org with its role.
public struct UserKind: TransferKind {
    public let name = "users"
    public let dependencies: [String] = []
    public let treePaths = ["users"]

    public init() {}

    /// The name of a user's password secret.
    static func passwordSecret(_ login: String) -> String { "user.\(login).password" }

    public func list(in context: TransferContext) async throws -> [TransferResource] {
        // `GET /api/org/users` (`pkg/api/org_users.go` `GetOrgUsersForCurrentOrg`) lists the
        // org's users without service accounts.
        try await context.get("/api/org/users").listItems.compactMap { user in
            guard let login = user["login"]?.stringValue else { return nil }
            var resource = Self.resource(user, login: login)
            resource.server = Record(dropping: [("id", user["userId"])])
            return resource
        }.sorted { $0.path < $1.path }
    }

    public func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource] {
        try tree.jsonFiles(under: "users").map { file in
            let document = try tree.read(file)
            guard let login = document["login"]?.stringValue, !login.isEmpty,
                let role = document["role"]?.stringValue, OrgRole(rawValue: role) != nil
            else {
                throw TransferTreeError(
                    path: file,
                    "\(file): a user needs a 'login' and a 'role' (Viewer, Editor or Admin)"
                )
            }
            var resource = Self.resource(document, login: login)
            resource.path = file
            return resource
        }
    }

    /// Users the org lacks and whose password was not supplied: created only if the server
    /// has them.
    public func notes(desired: [TransferResource], context: TransferContext) -> [String] {
        let present = Set((context.current["users"] ?? []).map(\.identity))
        let unsupplied = desired.map(\.identity).filter {
            !present.contains($0) && context.secrets[Self.passwordSecret($0)] == nil
        }
        guard !unsupplied.isEmpty else { return [] }
        return [
            "\(unsupplied.joined(separator: ", ")) join the org only if the server has them; passwords are not "
                + "exported, so to create those it lacks supply "
                + unsupplied.map { "--secret \(Self.passwordSecret($0))=env:VAR" }.joined(separator: " ")
        ]
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        let resource = change.resource
        let role = resource.state["role"] ?? "Viewer"
        switch change.action {
        case .create:
            // A user of the server who is not in the org is added (`AddOrgUserToCurrentOrg`);
            // one the server lacks (404) is created in this org (`AdminCreateUser` with `OrgId`),
            // which makes it a Viewer, and then given its role, when its password was supplied.
            let login = resource.identity
            do {
                try await context.write(.post, "/api/org/users", body: ["loginOrEmail": .string(login), "role": role])
                return
            } catch let error as GrafanaError where error.status == 404 {
                guard let password = context.secrets[Self.passwordSecret(login)] else {
                    throw CommandFailure(
                        message: "User '\(login)' is not on this server and was not carried",
                        hint:
                            "Passwords are not exported: supply one with --secret \(Self.passwordSecret(login))=env:VAR to create the user."
                    )
                }
                let document = change.desired?.document ?? resource.document
                let org = try await context.get("/api/org")
                guard
                    let created = try await context.write(
                        .post,
                        "/api/admin/users",
                        body: .record(
                            Record(dropping: [
                                ("login", .string(login)), ("email", document["email"]), ("name", document["name"]),
                                ("password", .string(password)), ("orgId", org["id"]),
                            ])
                        )
                    )
                else { return }
                if role != "Viewer", let id = created["id"]?.intValue {
                    try await context.write(.patch, "/api/org/users/\(id)", body: ["role": role])
                }
            }
        case .update:
            guard let id = change.current?.server["id"]?.intValue else { return }
            try await context.write(.patch, "/api/org/users/\(id)", body: ["role": role])
        case .delete:
            guard let id = change.current?.server["id"]?.intValue else { return }
            try await context.write(.delete, "/api/org/users/\(id)")
        case .unchanged:
            break
        }
    }

    static func resource(_ answer: Value, login: String) -> TransferResource {
        let document = Record(dropping: [
            ("login", .string(login)), ("email", answer["email"]), ("name", answer["name"]), ("role", answer["role"]),
        ])
        // Only the org role is written back: login, e-mail and name belong to the server-wide
        // user, which another org may share.
        return TransferResource(
            kind: "users",
            identity: login,
            path: "users/\(TransferTree.segment(login)).json",
            document: .record(document),
            state: .record(Record(dropping: [("role", answer["role"])]))
        )
    }
}

/// Teams at `teams/<name>.json`: name, e-mail, members by login (`admin: true` for team
/// admins, permission 4 in `pkg/api/team_members.go`) and the team's preferences. Members must
/// be users of the org, so teams come after users; a home dashboard, after dashboards.
public struct TeamKind: TransferKind {
    public let name = "teams"
    public let dependencies = ["users", "dashboards"]
    public let treePaths = ["teams"]

    public init() {}

    public func list(in context: TransferContext) async throws -> [TransferResource] {
        var teams: [Value] = []
        var page = 1
        while true {
            let answer = try await context.get(
                "/api/teams/search",
                query: [QueryItem("perpage", "1000"), QueryItem("page", String(page))]
            )
            let found = answer["teams"]?.listItems ?? []
            teams += found
            if found.count < 1000 { break }
            page += 1
        }
        return try await context.mapConcurrently(teams) { team -> TransferResource in
            let id = team["id"]?.intValue ?? 0
            let members = try await context.get("/api/teams/\(id)/members").listItems
            let preferences = try await context.get("/api/teams/\(id)/preferences")
            var resource = Self.resource(
                name: team["name"]?.stringValue ?? "",
                email: team["email"],
                members: members,
                preferences: preferences
            )
            resource.server = ["id": .int(Int(id))]
            return resource
        }.sorted { $0.path < $1.path }
    }

    public func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource] {
        try tree.jsonFiles(under: "teams").map { file in
            let document = try tree.read(file)
            guard let name = document["name"]?.stringValue, !name.isEmpty else {
                throw TransferTreeError(path: file, "\(file): a team needs a 'name'")
            }
            var resource = TransferResource(kind: "teams", identity: name, path: file, document: document)
            resource.state = Self.state(document)
            return resource
        }
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        let resource = change.resource
        var teamID = change.current?.server["id"]?.intValue
        switch change.action {
        case .create:
            guard
                let created = try await context.write(
                    .post,
                    "/api/teams",
                    body: ["name": .string(resource.identity), "email": resource.state["email"] ?? ""]
                )
            else { return }
            teamID = created["teamId"]?.intValue
        case .update:
            if change.current?.state["email"] != resource.state["email"], let teamID {
                try await context.write(
                    .put,
                    "/api/teams/\(teamID)",
                    body: ["name": .string(resource.identity), "email": resource.state["email"] ?? ""]
                )
            }
        case .delete:
            if let teamID { try await context.write(.delete, "/api/teams/\(teamID)") }
            return
        case .unchanged:
            return
        }
        guard let teamID else { return }
        let preferences = resource.state["preferences"] ?? [:]
        if change.current?.state["preferences"] ?? [:] != preferences, preferences != [:] || change.current != nil {
            // `PUT` replaces every preference (`pkg/api/team.go` `UpdateTeamPreferences`).
            try await context.write(.put, "/api/teams/\(teamID)/preferences", body: preferences)
        }
        // The members as the server has them now (a new team holds its creator).
        let present = Dictionary(
            try await context.get("/api/teams/\(teamID)/members").listItems.compactMap { member in
                member["login"]?.stringValue.map { ($0, member) }
            },
            uniquingKeysWith: { first, _ in first }
        )
        let wanted = Self.members(resource.state)
        var userIDs: [String: Int64] = [:]
        for user in try await context.get("/api/org/users").listItems {
            if let login = user["login"]?.stringValue, let id = user["userId"]?.intValue { userIDs[login] = id }
        }
        for (login, admin) in wanted.sorted(by: { $0.key < $1.key }) {
            guard let userID = userIDs[login] else {
                throw CommandFailure(
                    message: "Team '\(resource.identity)': no user '\(login)' in the org",
                    hint: "Import the users kind too, or add the user to the org first."
                )
            }
            let permission: Value = admin ? 4 : 0
            if let member = present[login] {
                if (member["permission"]?.intValue ?? 0) != (admin ? 4 : 0) {
                    try await context.write(
                        .put,
                        "/api/teams/\(teamID)/members/\(userID)",
                        body: ["permission": permission]
                    )
                }
            } else {
                try await context.write(
                    .post,
                    "/api/teams/\(teamID)/members",
                    body: ["userId": .int(Int(userID)), "permission": permission]
                )
            }
        }
        for (login, member) in present.sorted(by: { $0.key < $1.key }) where wanted[login] == nil {
            if let userID = member["userId"]?.intValue {
                try await context.write(.delete, "/api/teams/\(teamID)/members/\(userID)")
            }
        }
    }

    /// The preferences a team carries, as `PreferencesKind` carries the org's.
    static let preferenceFields = ["theme", "homeDashboardUID", "timezone", "weekStart", "language"]

    static func resource(name: String, email: Value?, members: [Value], preferences: Value) -> TransferResource {
        let list = members.compactMap { member -> Value? in
            guard let login = member["login"]?.stringValue else { return nil }
            return (member["permission"]?.intValue ?? 0) == 4
                ? ["login": .string(login), "admin": true] : ["login": .string(login)]
        }.sorted { ($0["login"]?.stringValue ?? "") < ($1["login"]?.stringValue ?? "") }
        var carried = Record()
        for field in preferenceFields {
            if let text = preferences[field]?.stringValue, !text.isEmpty { carried[field] = .string(text) }
        }
        let document: Value = [
            "name": .string(name), "email": email ?? "", "members": .list(list), "preferences": .record(carried),
        ]
        return TransferResource(
            kind: "teams",
            identity: name,
            path: "teams/\(TransferTree.segment(name)).json",
            document: document,
            state: state(document)
        )
    }

    /// The document with its members sorted, so a hand-edited file compares by content.
    static func state(_ document: Value) -> Value {
        var members: [Value] = []
        for (login, admin) in Self.members(document).sorted(by: { $0.key < $1.key }) {
            members.append(admin ? ["login": .string(login), "admin": true] : ["login": .string(login)])
        }
        return [
            "name": document["name"] ?? "", "email": document["email"] ?? "", "members": .list(members),
            "preferences": document["preferences"] ?? [:],
        ]
    }

    static func members(_ document: Value) -> [String: Bool] {
        var members: [String: Bool] = [:]
        for member in document["members"]?.listItems ?? [] {
            if let login = member["login"]?.stringValue { members[login] = member["admin"] == .bool(true) }
        }
        return members
    }
}

/// Service accounts at `service-accounts/<name>.json`: name, role and whether disabled. Their
/// tokens are secrets Grafana shows once, so they are not carried.
public struct ServiceAccountKind: TransferKind {
    public let name = "service-accounts"
    public let dependencies: [String] = []
    public let treePaths = ["service-accounts"]

    public init() {}

    public func list(in context: TransferContext) async throws -> [TransferResource] {
        var accounts: [Value] = []
        var page = 1
        while true {
            let answer = try await context.get(
                "/api/serviceaccounts/search",
                query: [QueryItem("perpage", "1000"), QueryItem("page", String(page))]
            )
            let found = answer["serviceAccounts"]?.listItems ?? []
            accounts += found
            if found.count < 1000 { break }
            page += 1
        }
        return accounts.compactMap { account -> TransferResource? in
            guard let name = account["name"]?.stringValue else { return nil }
            var resource = Self.resource(name: name, role: account["role"], disabled: account["isDisabled"])
            resource.server = Record(dropping: [("id", account["id"])])
            return resource
        }.sorted { $0.path < $1.path }
    }

    public func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource] {
        try tree.jsonFiles(under: "service-accounts").map { file in
            let document = try tree.read(file)
            guard let name = document["name"]?.stringValue, !name.isEmpty,
                let role = document["role"]?.stringValue, OrgRole(rawValue: role) != nil
            else {
                throw TransferTreeError(path: file, "\(file): a service account needs a 'name' and a 'role'")
            }
            var resource = Self.resource(name: name, role: document["role"], disabled: document["isDisabled"])
            resource.path = file
            return resource
        }
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        let state = change.resource.state
        let id = change.current?.server["id"]?.intValue
        switch change.action {
        case .create:
            try await context.write(
                .post,
                "/api/serviceaccounts",
                body: [
                    "name": state["name"] ?? "", "role": state["role"] ?? "Viewer",
                    "isDisabled": state["isDisabled"] ?? false,
                ]
            )
        case .update:
            guard let id else { return }
            try await context.write(
                .patch,
                "/api/serviceaccounts/\(id)",
                body: ["role": state["role"] ?? "Viewer", "isDisabled": state["isDisabled"] ?? false]
            )
        case .delete:
            guard let id else { return }
            try await context.write(.delete, "/api/serviceaccounts/\(id)")
        case .unchanged:
            break
        }
    }

    static func resource(name: String, role: Value?, disabled: Value?) -> TransferResource {
        TransferResource(
            kind: "service-accounts",
            identity: name,
            path: "service-accounts/\(TransferTree.segment(name)).json",
            document: ["name": .string(name), "role": role ?? "Viewer", "isDisabled": disabled ?? false]
        )
    }
}

extension Value {
    /// A list's items; nothing for any other value.
    var listItems: [Value] {
        if case .list(let items) = self { return items }
        return []
    }
}
