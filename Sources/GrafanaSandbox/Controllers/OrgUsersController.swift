import Foundation
import GFSValue
import Hummingbird

/// Users of an org: `/api/orgs/:orgId/users…` and `/api/org/users…` (`pkg/api/org_users.go`).
struct OrgUsersController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/orgs/:orgId/users", use: listInOrg)
        router.post("/api/orgs/:orgId/users", use: addInOrg)
        router.patch("/api/orgs/:orgId/users/:userId", use: updateInOrg)
        router.delete("/api/orgs/:orgId/users/:userId", use: removeInOrg)
        router.get("/api/org/users", use: listCurrent)
        router.get("/api/org/users/lookup", use: lookupCurrent)
        router.post("/api/org/users", use: addCurrent)
        router.patch("/api/org/users/:userId", use: updateCurrent)
        router.delete("/api/org/users/:userId", use: removeCurrent)
    }

    private static let invalidUserID = GrafanaError.error(.badRequest, "userId is invalid", cause: true)

    // MARK: Routes

    @Sendable func listInOrg(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let orgID = try context.int64Parameter("orgId", orAnswer: OrgsController.invalidOrgID)
        try await context.require(.orgUsersRead, scope: .org(orgID), store: environment.store)
        return try await list(orgID, request: request)
    }

    @Sendable func listCurrent(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.orgUsersRead)
        return try await list(identity.orgID, request: request)
    }

    /// `GET /api/org/users/lookup` (`SearchOrgUsersWithPaging`-style lookup): `{userId, login, avatarUrl}`
    /// (`dtos.UserLookupDTO`) for members matching `query`, at most `limit`.
    @Sendable func lookupCurrent(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.orgUsersRead)
        let query = request.query("query").lowercased()
        let limit = request.queryInt("limit")
        let rows = await environment.store.read { state in
            state.orgMembers(identity.orgID, query: query).map { pair -> Value in
                .record([
                    "userId": .int(pair.user.id), "login": .string(pair.user.login),
                    "avatarUrl": .string(GrafanaFormat.avatarURL(pair.user.email)),
                ])
            }
        }
        return SandboxResponse.json(.ok, .list(limit > 0 ? Array(rows.prefix(limit)) : rows))
    }

    @Sendable func addInOrg(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let orgID = try context.int64Parameter("orgId", orAnswer: OrgsController.invalidOrgID)
        let identity = try await context.require(.orgUsersAdd, scope: .org(orgID), store: environment.store)
        return try await add(orgID, identity: identity, request: request, context: context)
    }

    @Sendable func addCurrent(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.orgUsersAdd)
        return try await add(identity.orgID, identity: identity, request: request, context: context)
    }

    @Sendable func updateInOrg(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let orgID = try context.int64Parameter("orgId", orAnswer: OrgsController.invalidOrgID)
        let identity = try await context.require(.orgUsersWrite, scope: .org(orgID), store: environment.store)
        return try await update(orgID, identity: identity, request: request, context: context)
    }

    @Sendable func updateCurrent(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.orgUsersWrite)
        return try await update(identity.orgID, identity: identity, request: request, context: context)
    }

    @Sendable func removeInOrg(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let orgID = try context.int64Parameter("orgId", orAnswer: OrgsController.invalidOrgID)
        try await context.require(.orgUsersRemove, scope: .org(orgID), store: environment.store)
        let userID = try context.int64Parameter("userId", orAnswer: Self.invalidUserID)
        return try await remove(orgID, userID: userID, deleteOrphan: false)
    }

    @Sendable func removeCurrent(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.orgUsersRemove)
        let userID = try context.int64Parameter("userId", orAnswer: Self.invalidUserID)
        return try await remove(identity.orgID, userID: userID, deleteOrphan: true)
    }

    // MARK: Helpers (pkg/api/org_users.go)

    /// `getOrgUsersHelper`: `[]org.OrgUserDTO`, people only (service accounts are filtered out),
    /// optional `query` and `limit`.
    private func list(_ orgID: Int64, request: Request) async throws -> Response {
        let query = request.query("query").lowercased()
        let limit = request.queryInt("limit")
        let rows = await environment.store.read { state in
            state.orgMembers(orgID, query: query).map { state.orgUserJSON($0.membership, $0.user) }
        }
        return SandboxResponse.json(.ok, .list(limit > 0 ? Array(rows.prefix(limit)) : rows))
    }

    /// `addOrgUserHelper`: binds `{loginOrEmail, role}` (both required); role validity, then the
    /// caller's own role (server admins may grant any), then the user lookup, then membership.
    private func add(
        _ orgID: Int64,
        identity: Identity,
        request: Request,
        context: SandboxRequestContext
    ) async throws -> Response {
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (loginOrEmail, roleText) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            (try form.required("loginOrEmail"), try form.required("role"))
        }
        guard let role = OrgRole(grafana: roleText) else {
            throw GrafanaError.error(.badRequest, "Invalid role specified", cause: false)
        }
        guard identity.orgRole.includes(role) || identity.isServerAdmin else {
            throw GrafanaError.error(.forbidden, "Cannot assign a role higher than user's role", cause: false)
        }
        let userID = try await environment.store.write { state in
            guard let user = state.user(loginOrEmail: loginOrEmail) else {
                throw GrafanaError.error(.notFound, "User not found", cause: false)
            }
            guard state.org(orgID) != nil else {
                throw GrafanaError.error(.internalServerError, "Could not add user to organization", cause: true)
            }
            if state.membership(orgID: orgID, userID: user.id) != nil {
                // `org.ErrOrgUserAlreadyAdded` → `response.JSON(409, {"message", "userId"})`.
                throw GrafanaError(
                    status: .conflict,
                    body: .map([("message", "User is already member of this organization"), ("userId", .int(user.id))])
                )
            }
            let now = Date()
            state.memberships.append(
                StoredMembership(orgID: orgID, userID: user.id, role: role, created: now, updated: now)
            )
            return user.id
        }
        return SandboxResponse.json(.ok, .map([("message", "User added to organization"), ("userId", .int(userID))]))
    }

    /// `updateOrgUserHelper`: binds `{role}` (required); unknown users or orgs are 500
    /// "Failed update org user" (grafana-client asserts it); demoting the last Admin is 400.
    private func update(
        _ orgID: Int64,
        identity: Identity,
        request: Request,
        context: SandboxRequestContext
    ) async throws -> Response {
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let roleText = try bind(.badRequestData) { () throws(RequestForm.Failure) in try form.required("role") }
        let userID = try context.int64Parameter("userId", orAnswer: Self.invalidUserID)
        guard let role = OrgRole(grafana: roleText) else {
            throw GrafanaError.error(.badRequest, "Invalid role specified", cause: false)
        }
        guard identity.orgRole.includes(role) || identity.isServerAdmin else {
            throw GrafanaError.error(.forbidden, "Cannot assign a role higher than user's role", cause: false)
        }
        try await environment.store.write { state in
            guard let index = state.memberships.firstIndex(where: { $0.orgID == orgID && $0.userID == userID }) else {
                throw GrafanaError.error(.internalServerError, "Failed update org user", cause: true)
            }
            if state.memberships[index].role == .admin && role != .admin && state.adminCount(orgID) <= 1 {
                throw GrafanaError.error(
                    .badRequest,
                    "Cannot change role so that there is no organization admin left",
                    cause: false
                )
            }
            state.memberships[index].role = role
            state.memberships[index].updated = Date()
        }
        return SandboxResponse.success("Organization user updated")
    }

    /// `removeOrgUserHelper`: the last Admin stays (400); a missing membership is 500 "Failed to
    /// remove user from organization"; on `/api/org/users/:id` a user left without orgs is deleted
    /// ("User deleted").
    private func remove(_ orgID: Int64, userID: Int64, deleteOrphan: Bool) async throws -> Response {
        let deleted = try await environment.store.write { state -> Bool in
            guard let membership = state.membership(orgID: orgID, userID: userID) else {
                throw GrafanaError.error(.internalServerError, "Failed to remove user from organization", cause: true)
            }
            if membership.role == .admin && state.adminCount(orgID) <= 1 {
                throw GrafanaError.error(.badRequest, "Cannot remove last organization admin", cause: false)
            }
            state.memberships.removeAll { $0.orgID == orgID && $0.userID == userID }
            state.teamMembers.removeAll { $0.orgID == orgID && $0.userID == userID }
            let remaining = state.memberships.filter { $0.userID == userID }
            if deleteOrphan && remaining.isEmpty {
                state.deleteUser(userID)
                return true
            }
            if let index = state.userIndex(userID), state.users[index].currentOrgID == orgID {
                state.users[index].currentOrgID = remaining.first?.orgID ?? 0
            }
            return false
        }
        return SandboxResponse.success(deleted ? "User deleted" : "User removed from organization")
    }
}

extension SandboxState {
    /// People in an org (no service accounts), by login, optionally filtered by a substring of
    /// login, email or name.
    func orgMembers(_ orgID: Int64, query: String) -> [(membership: StoredMembership, user: StoredUser)] {
        memberships.filter { $0.orgID == orgID }.compactMap { membership in
            guard let user = user(membership.userID), !user.isServiceAccount else { return nil }
            if !query.isEmpty
                && ![user.login, user.email, user.name].contains(where: { $0.lowercased().contains(query) })
            {
                return nil
            }
            return (membership, user)
        }.sorted { $0.user.login < $1.user.login }
    }

    func adminCount(_ orgID: Int64) -> Int {
        memberships.filter { membership in
            membership.orgID == orgID && membership.role == .admin
                && !(user(membership.userID)?.isServiceAccount ?? true)
        }.count
    }

    /// Deletes a user and what hangs off them (memberships, team memberships, preferences,
    /// permissions), as `userService.Delete` does.
    mutating func deleteUser(_ userID: Int64) {
        users.removeAll { $0.id == userID }
        memberships.removeAll { $0.userID == userID }
        teamMembers.removeAll { $0.userID == userID }
        preferences.removeAll { $0.userID == userID }
        permissions.removeAll { $0.userID == userID }
        apiKeys.removeAll { $0.serviceAccountID == userID }
    }
}
