import Foundation
import GFSValue
import Hummingbird

/// Users across the server, `/api/users…` (`pkg/api/user.go`; `users:read` / `users:write`,
/// held by server admins, in `pkg/api/api.go`).
struct UsersController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/users", use: list)
        router.get("/api/users/search", use: searchWithPaging)
        router.get("/api/users/lookup", use: lookup)
        router.get("/api/users/:id", use: get)
        router.put("/api/users/:id", use: update)
        router.get("/api/users/:id/orgs", use: orgs)
        router.get("/api/users/:id/teams", use: teams)
        router.post("/api/users/:id/using/:orgId", use: setUsingOrg)
    }

    /// `searchUser`: `perpage` (default 1000), `page` (below 1 becomes 1), `query` matching
    /// login, email or name; people only.
    private func search(_ request: Request) async -> (hits: [Value], total: Int, page: Int, perPage: Int) {
        let perPage = request.queryInt("perpage") > 0 ? request.queryInt("perpage") : 1000
        let page = max(request.queryInt("page"), 1)
        let query = request.query("query").lowercased()
        return await environment.store.read { state in
            let matching = state.users.filter { user in
                !user.isServiceAccount
                    && (query.isEmpty
                        || [user.login, user.email, user.name].contains { $0.lowercased().contains(query) })
            }.sorted { $0.login < $1.login }
            let hits = matching.page(page, size: perPage).map { user -> Value in
                // `user.UserSearchHitDTO`.
                .record([
                    "id": .int(user.id), "uid": .string(user.uid), "name": .string(user.name),
                    "login": .string(user.login), "email": .string(user.email),
                    "avatarUrl": .string(GrafanaFormat.avatarURL(user.email)), "isAdmin": .bool(user.isServerAdmin),
                    "isDisabled": .bool(user.isDisabled), "lastSeenAt": GoTime.json(state.lastSeen(user)),
                    "lastSeenAtAge": .string(GoTime.age(state.lastSeen(user))), "authLabels": .null,
                ])
            }
            return (Array(hits), matching.count, page, perPage)
        }
    }

    /// `SearchUsers`: the bare array.
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersRead, scope: .global)
        return SandboxResponse.json(.ok, .list(await search(request).hits))
    }

    /// `SearchUsersWithPaging`: `{totalCount, users, page, perPage}`.
    @Sendable func searchWithPaging(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersRead, scope: .global)
        let result = await search(request)
        return SandboxResponse.json(
            .ok,
            .record([
                "totalCount": .int(result.total), "users": .list(result.hits), "page": .int(result.page),
                "perPage": .int(result.perPage),
            ])
        )
    }

    /// `GetUserByLoginOrEmail`: a short `UserProfileDTO`; 404 `user not found`.
    @Sendable func lookup(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersRead, scope: .global)
        let loginOrEmail = request.query("loginOrEmail")
        return try await environment.store.read { state in
            guard let user = state.user(loginOrEmail: loginOrEmail) else { throw AdminUsersController.userNotFound }
            return SandboxResponse.json(
                .ok,
                .record([
                    "id": .int(user.id), "uid": "", "email": .string(user.email), "name": .string(user.name),
                    "login": .string(user.login), "theme": .string(user.theme), "orgId": .int(user.currentOrgID),
                    "isGrafanaAdmin": .bool(user.isServerAdmin), "isDisabled": false, "isExternal": false,
                    "isExternallySynced": false, "isGrafanaAdminExternallySynced": false, "authLabels": .null,
                    "updatedAt": GoTime.json(user.updated), "createdAt": GoTime.json(user.created), "avatarUrl": "",
                ])
            )
        }
    }

    /// `GetUserByID`: the full profile; 400 `id is invalid`, 404 `user not found`.
    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersRead, scope: .global)
        let id = try context.int64Parameter("id", orAnswer: AdminUsersController.invalidID)
        return try await environment.store.read { state in
            guard let user = state.user(id), !user.isServiceAccount else { throw AdminUsersController.userNotFound }
            return SandboxResponse.json(.ok, state.userProfileJSON(user))
        }
    }

    /// `UpdateUser` → `handleUpdateUser`.
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersWrite, scope: .global)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let update = try UserUpdate(form: form)
        let id = try context.int64Parameter("id", orAnswer: AdminUsersController.invalidID)
        try await environment.store.write { [environment] state in
            try update.apply(to: id, in: &state, version: environment.version)
        }
        return SandboxResponse.success("User updated")
    }

    /// `GetUserOrgList`.
    @Sendable func orgs(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersRead, scope: .global)
        let id = try context.int64Parameter("id", orAnswer: AdminUsersController.invalidID)
        return SandboxResponse.json(.ok, await environment.store.read { $0.userOrgsJSON(userID: id) })
    }

    /// `GetUserTeams`: the user's teams in the request's org.
    @Sendable func teams(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.usersRead, scope: .global)
        let id = try context.int64Parameter("id", orAnswer: AdminUsersController.invalidID)
        return SandboxResponse.json(.ok, await environment.store.read { $0.teamsJSON(of: id, orgID: identity.orgID) })
    }

    /// `UpdateUserActiveOrg`: 400 `id is invalid` / `orgId is invalid`, 401 `Not a valid organization`.
    @Sendable func setUsingOrg(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersWrite, scope: .global)
        let id = try context.int64Parameter("id", orAnswer: AdminUsersController.invalidID)
        let orgID = try context.int64Parameter("orgId", orAnswer: OrgsController.invalidOrgID)
        try await environment.store.write { state in
            guard state.membership(orgID: orgID, userID: id) != nil, let index = state.userIndex(id) else {
                throw GrafanaError.error(.unauthorized, "Not a valid organization", cause: false)
            }
            state.users[index].currentOrgID = orgID
        }
        return SandboxResponse.success("Active organization changed")
    }
}
