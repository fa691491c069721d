import Foundation
import GFSLanguage
import GrafanaAPI

// org create|list|show|delete|rename, org user add|list|role|remove.
extension GrafanaShellHost {
    /// `org create NAME [--if-missing]`: binds `$org` to `{id, name}`.
    func createOrg(_ call: CommandCall) async throws -> Value {
        let name = try call.requiredString(0, "org name")
        do {
            let created = try await client.createOrg(name: name)
            return orgRecord(id: created.orgId, name: name)
        } catch let error as GrafanaError where error.isNotSent {
            return .record(Record([("id", .int(0)), ("name", .string(name)), ("dryRun", .bool(true))]))
        } catch let error as GrafanaError where error.status == 409 && call.flag("if-missing") {
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
    func listOrgs(_ call: CommandCall) async throws -> Value {
        .list(try await client.orgs().map { orgRecord(id: $0.id, name: $0.name) })
    }

    /// `org show [NAME|ID]`: the named org, or the one requests act in.
    func showOrg(_ call: CommandCall) async throws -> Value {
        let details: OrgDetails
        if let reference = call.string(0) {
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
    func deleteOrg(_ call: CommandCall) async throws -> Value {
        let target = try await org(try call.requiredString(0, "org"))
        do {
            try await client.deleteOrg(id: target.id)
        } catch let error as GrafanaError where error.isNotSent {
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
    func renameOrg(_ call: CommandCall) async throws -> Value {
        let target = try await org(try call.requiredString(0, "org"))
        let newName = try call.requiredString(1, "new name")
        do {
            try await client.renameOrg(id: target.id, to: newName)
        } catch let error as GrafanaError where error.isNotSent {}
        if context.org?.id == target.id { update { $0.org?.name = newName } }
        return orgRecord(id: target.id, name: newName)
    }

    /// The org `org user` commands act in: `--org NAME|ID`, else the context's (nil: the
    /// user's current org, through `/api/org/users`).
    func userOrgID(_ call: CommandCall) async throws -> Int64? {
        if let reference = call.option("org") { return try await org(reference).id }
        // A token acts in its own org through /api/org/users; /api/orgs/:id/users is for
        // server admins, which a service account never is.
        if case .token = context.authentication { return nil }
        return context.org?.id
    }

    /// `org user add LOGIN [--role R] [--org NAME|ID]`.
    func addOrgUser(_ call: CommandCall) async throws -> Value {
        let login = try call.requiredString(0, "login")
        let role = try call.role(call.option("role") ?? "Viewer")
        let orgID = try await userOrgID(call)
        var userID: Int64?
        do {
            userID = try await client.addOrgUser(orgID: orgID, loginOrEmail: login, role: role)
        } catch let error as GrafanaError where error.isNotSent {}
        return .record(
            Record(dropping: [
                ("login", .string(login)), ("role", .string(role.rawValue)), ("orgId", orgID.value),
                ("userId", userID.value),
            ])
        )
    }

    /// `org user list [--org NAME|ID]`.
    func listOrgUsers(_ call: CommandCall) async throws -> Value {
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
    func setOrgUserRole(_ call: CommandCall) async throws -> Value {
        let login = try call.requiredString(0, "login")
        let role = try call.role(try call.requiredString(1, "role"))
        let orgID = try await userOrgID(call)
        let user = try await orgUser(login, orgID: orgID)
        do {
            try await client.updateOrgUserRole(orgID: orgID, userID: user.userId, role: role)
        } catch let error as GrafanaError where error.isNotSent {}
        return .record(
            Record([("login", .string(user.login)), ("role", .string(role.rawValue)), ("orgId", user.orgId.value)])
        )
    }

    /// `org user remove LOGIN [--org NAME|ID]`.
    func removeOrgUser(_ call: CommandCall) async throws -> Value {
        let login = try call.requiredString(0, "login")
        let orgID = try await userOrgID(call)
        let user = try await orgUser(login, orgID: orgID)
        do {
            try await client.removeOrgUser(orgID: orgID, userID: user.userId)
        } catch let error as GrafanaError where error.isNotSent {}
        return .record(Record([("login", .string(user.login)), ("orgId", user.orgId.value), ("removed", .bool(true))]))
    }
}
