import Foundation
import GFSLanguage
import GrafanaAPI

// org create|list|show|delete|rename, org user add|list|role|remove.
extension GFSCommandCatalog {
    static let organizations: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["org", "create"],
                summary: "Create an organization.",
                arguments: [ArgumentSpec("name", summary: "The new organization's name.")],
                options: [
                    OptionSpec("if-missing", summary: "Return the existing org of that name instead of failing.")
                ],
                binds: "org",
                example: "org create apiorg"
            )
        ) { try await $0.createOrg($1) },
        CommandDefinition(
            CommandSpec(path: ["org", "list"], summary: "List organizations.", example: "org list"),
            display: ResultDisplay(columns: ["id", "name"])
        ) { try await $0.listOrgs($1) },
        CommandDefinition(
            CommandSpec(
                path: ["org", "show"],
                summary: "Show one organization.",
                arguments: [
                    ArgumentSpec(
                        "org",
                        completion: .orgName,
                        isOptional: true,
                        summary: "Name or id (default: the current org)."
                    )
                ],
                binds: "org",
                example: "org show apiorg"
            )
        ) { try await $0.showOrg($1) },
        CommandDefinition(
            CommandSpec(
                path: ["org", "delete"],
                summary: "Delete an organization.",
                arguments: [ArgumentSpec("org", completion: .orgName, summary: "Name or id.")],
                example: "org delete apiorg"
            )
        ) { try await $0.deleteOrg($1) },
        CommandDefinition(
            CommandSpec(
                path: ["org", "rename"],
                summary: "Rename an organization.",
                arguments: [
                    ArgumentSpec("org", completion: .orgName, summary: "Name or id."),
                    ArgumentSpec("new-name", summary: "The new name."),
                ],
                binds: "org",
                example: "org rename apiorg platform"
            )
        ) { try await $0.renameOrg($1) },
        CommandDefinition(
            CommandSpec(
                path: ["org", "user", "add"],
                summary: "Add a user to the current organization.",
                arguments: [ArgumentSpec("login", completion: .userLogin, summary: "The user's login or email.")],
                options: [
                    OptionSpec(
                        "role",
                        valueName: "ROLE",
                        completion: .role,
                        summary: "Viewer, Editor or Admin (default Viewer)."
                    ),
                    OptionSpec(
                        "org",
                        valueName: "ORG",
                        completion: .orgName,
                        summary: "Act in this org (name or id) instead of the current one."
                    ),
                ],
                example: "org user add admin --role Admin"
            )
        ) { try await $0.addOrgUser($1) },
        CommandDefinition(
            CommandSpec(
                path: ["org", "user", "list"],
                summary: "List the current organization's users.",
                options: [
                    OptionSpec(
                        "org",
                        valueName: "ORG",
                        completion: .orgName,
                        summary: "Act in this org (name or id) instead of the current one."
                    )
                ],
                example: "org user list"
            ),
            display: ResultDisplay(columns: ["login", "email", "name", "role"])
        ) { try await $0.listOrgUsers($1) },
        CommandDefinition(
            CommandSpec(
                path: ["org", "user", "role"],
                summary: "Change a user's role in the current organization.",
                arguments: [
                    ArgumentSpec("login", completion: .userLogin, summary: "The user's login or email."),
                    ArgumentSpec("role", completion: .role, summary: "Viewer, Editor or Admin."),
                ],
                options: [
                    OptionSpec(
                        "org",
                        valueName: "ORG",
                        completion: .orgName,
                        summary: "Act in this org (name or id) instead of the current one."
                    )
                ],
                example: "org user role alice Editor"
            )
        ) { try await $0.setOrgUserRole($1) },
        CommandDefinition(
            CommandSpec(
                path: ["org", "user", "remove"],
                summary: "Remove a user from the current organization.",
                arguments: [ArgumentSpec("login", completion: .userLogin, summary: "The user's login or email.")],
                options: [
                    OptionSpec(
                        "org",
                        valueName: "ORG",
                        completion: .orgName,
                        summary: "Act in this org (name or id) instead of the current one."
                    )
                ],
                example: "org user remove alice"
            )
        ) { try await $0.removeOrgUser($1) },
    ]
}

extension GrafanaShellHost {
    /// `org create NAME [--if-missing]`: binds `$org` to `{id, name}`.
    func createOrg(_ call: CommandArguments) async throws -> Value {
        let name = try call.required("name")
        let ifMissing = try call.flag("if-missing")
        do {
            return result(
                of: try await client.createOrg(name: name),
                planned: Record([("id", .int(0)), ("name", .string(name))])
            ) { orgRecord(id: $0.orgId, name: name) }
        } catch let error as GrafanaError where error.status == 409 && ifMissing {
            // Grafana answers 409 "Organization name taken" (fixture org-name-taken.409.json).
            let existing = try await client.org(named: name)
            var record = orgRecord(id: existing.id, name: existing.name)
            if case .record(var fields) = record {
                fields["existing"] = .bool(true)
                record = .record(fields)
            }
            return record
        } catch let error as GrafanaError where error.status == 409 {
            var failure = CommandFailure(error)
            failure.hint = "Use 'org create NAME --if-missing' to reuse it, or 'try' to carry on."
            throw failure
        }
    }

    func orgRecord(id: Int64, name: String) -> Value {
        .record(Record([("id", id.value), ("name", .string(name))]))
    }

    /// `org list`.
    func listOrgs(_ call: CommandArguments) async throws -> Value {
        .list(try await client.orgs().map { orgRecord(id: $0.id, name: $0.name) })
    }

    /// `org show [NAME|ID]`: the named org, or the one requests act in.
    func showOrg(_ call: CommandArguments) async throws -> Value {
        let details: OrgDetails
        if let reference = try call.string("org") {
            details = try await org(reference)
        } else {
            details = try await client.currentOrg()
        }
        return Value(encoding: details)
    }

    /// An org by id (all digits) or name.
    func org(_ reference: String) async throws -> OrgDetails {
        if let id = Int64(reference) { return try await client.org(id: id) }
        return try await client.org(named: reference)
    }

    /// `org delete NAME|ID`.
    func deleteOrg(_ call: CommandArguments) async throws -> Value {
        let target = try await org(try call.required("org"))
        do {
            // Planned or sent, the result names the org.
            try await client.deleteOrg(id: target.id)
        } catch let error as GrafanaError where error.status == 400 {
            // Grafana refuses to delete the user's active org (pkg/api/org.go DeleteOrgByID).
            var failure = CommandFailure(error)
            failure.hint = "Switch the user to another org first, e.g. 'use org 1 --switch'."
            throw failure
        }
        if context.org?.id == target.id { update { $0.org = nil } }
        return .record(Record([("id", target.id.value), ("name", .string(target.name)), ("deleted", .bool(true))]))
    }

    /// `org rename NAME|ID NEW-NAME`.
    func renameOrg(_ call: CommandArguments) async throws -> Value {
        let target = try await org(try call.required("org"))
        let newName = try call.required("new-name")
        try await client.renameOrg(id: target.id, to: newName)
        if context.org?.id == target.id { update { $0.org?.name = newName } }
        return orgRecord(id: target.id, name: newName)
    }

    /// The org `org user` commands act in: `--org NAME|ID`, else the context's (nil: the
    /// user's current org, through `/api/org/users`).
    func userOrgID(_ call: CommandArguments) async throws -> Int64? {
        if let reference = try call.option("org") { return try await org(reference).id }
        // A token acts in its own org through /api/org/users; /api/orgs/:id/users is for
        // server admins, which a service account never is.
        if case .token = context.authentication { return nil }
        return context.org?.id
    }

    /// `org user add LOGIN [--role R] [--org NAME|ID]`.
    func addOrgUser(_ call: CommandArguments) async throws -> Value {
        let login = try call.required("login")
        let role = try call.role(try call.option("role") ?? "Viewer")
        let orgID = try await userOrgID(call)
        // A planned add has no user id yet.
        let userID = try await client.addOrgUser(orgID: orgID, loginOrEmail: login, role: role).answer ?? nil
        return .record(
            Record(dropping: [
                ("login", .string(login)), ("role", .string(role.rawValue)), ("orgId", orgID.value),
                ("userId", userID.value),
            ])
        )
    }

    /// `org user list [--org NAME|ID]`.
    func listOrgUsers(_ call: CommandArguments) async throws -> Value {
        let users = try await client.orgUsers(orgID: try await userOrgID(call))
        return .list(users.map { Value(encoding: $0) })
    }

    /// A member of the org by login or email.
    func orgUser(_ login: String, orgID: Int64?) async throws -> OrgUser {
        let users = try await client.orgUsers(orgID: orgID)
        guard let user = users.first(where: { $0.login == login || $0.email == login }) else {
            throw CommandFailure(
                message: "No user '\(login)' in this org",
                hint: login.bestMatch(in: users.map(\.login)).map { "Did you mean '\($0)'?" }
                    ?? "'org user list' shows the members."
            )
        }
        return user
    }

    /// `org user role LOGIN ROLE [--org NAME|ID]`.
    func setOrgUserRole(_ call: CommandArguments) async throws -> Value {
        let login = try call.required("login")
        let role = try call.role(try call.required("role"))
        let orgID = try await userOrgID(call)
        let user = try await orgUser(login, orgID: orgID)
        try await client.updateOrgUserRole(orgID: orgID, userID: user.userId, role: role)
        return .record(
            Record([("login", .string(user.login)), ("role", .string(role.rawValue)), ("orgId", user.orgId.value)])
        )
    }

    /// `org user remove LOGIN [--org NAME|ID]`.
    func removeOrgUser(_ call: CommandArguments) async throws -> Value {
        let login = try call.required("login")
        let orgID = try await userOrgID(call)
        let user = try await orgUser(login, orgID: orgID)
        try await client.removeOrgUser(orgID: orgID, userID: user.userId)
        return .record(Record([("login", .string(user.login)), ("orgId", user.orgId.value), ("removed", .bool(true))]))
    }
}
