import Foundation
import GFSValue
import Hummingbird

/// Server-admin user management, `/api/admin/users…` (`pkg/api/admin_users.go`; permissions
/// `users:create|delete|disable|enable`, `users.password:write` in `pkg/api/api.go`).
struct AdminUsersController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/api/admin/users", use: create)
        router.put("/api/admin/users/:id/password", use: setPassword)
        router.put("/api/admin/users/:id/permissions", use: setPermissions)
        router.delete("/api/admin/users/:id", use: delete)
        router.post("/api/admin/users/:id/disable", use: disable)
        router.post("/api/admin/users/:id/enable", use: enable)
        router.post("/api/admin/users/:id/logout", use: logout)
    }

    /// `AdminLogoutUser`: 400 `id is invalid`, 400 "You cannot logout yourself"; otherwise
    /// `logoutUserFromAllDevicesInternal` looks the user up (404 "User not found") and revokes
    /// its sessions, of which the sandbox keeps none (basic auth has no session tokens), and
    /// answers "User logged out". `users.logout` is held by Grafana Admin only.
    @Sendable func logout(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.caller()
        guard identity.isServerAdmin else { throw GrafanaError.accessDenied("users.logout") }
        let id = try context.int64Parameter("id", orAnswer: Self.invalidID)
        if identity.userID == id { throw GrafanaError.error(.badRequest, "You cannot logout yourself", cause: false) }
        try await environment.store.read { state in
            guard let user = state.user(id), !user.isServiceAccount else {
                throw GrafanaError.error(.notFound, "User not found", cause: true)
            }
        }
        return SandboxResponse.success("User logged out")
    }

    static let invalidID = GrafanaError.error(.badRequest, "id is invalid", cause: true)
    static let userNotFound = GrafanaError.error(.notFound, "user not found", cause: false)

    /// `AdminCreateUser`: binds `dtos.AdminCreateUserForm{email, login, name, password (required),
    /// orgId}`; login falls back to email; a taken login or email is 412; the new user joins
    /// `orgId` or, by default (`[users] auto_assign_org = true`), org 1 as Viewer.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersCreate, scope: .global)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (email, loginField, name, password, orgID) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            (
                try form.string("email") ?? "", try form.string("login") ?? "", try form.string("name") ?? "",
                try form.required("password"), try form.int("orgId") ?? 0
            )
        }
        let login = loginField.isEmpty ? email : loginField
        guard !login.isEmpty else {
            throw GrafanaError.errutil(
                .badRequest,
                messageID: "user.empty-username-and-email",
                message: "Need to specify either username or email"
            )
        }
        // `AdminCreateUser`: `len(cmd.Password) < 4`.
        guard password.count >= 4 else {
            throw GrafanaError.error(.badRequest, "Password is missing or too short", cause: false)
        }
        let id = try await environment.store.write { state in
            let taken = state.users.contains { user in
                user.login.lowercased() == login.lowercased()
                    || (!email.isEmpty && user.email.lowercased() == email.lowercased())
            }
            if taken {
                throw GrafanaError.error(
                    .preconditionFailed,
                    "User with email '\(email)' or username '\(loginField)' already exists",
                    cause: true
                )
            }
            let targetOrg = orgID != 0 ? orgID : 1
            // `org.ErrOrgNotFound.Error()`.
            guard state.org(targetOrg) != nil else {
                throw GrafanaError.error(.badRequest, "organization not found", cause: false)
            }
            let now = Date()
            let salt = KeyGenerator.randomString(10)
            let user = StoredUser(
                id: state.allocateUserID(),
                uid: KeyGenerator.shortUID(),
                login: login,
                email: email.isEmpty ? login : email,
                name: name,
                passwordHash: KeyGenerator.hash(password, salt: salt),
                salt: salt,
                isServerAdmin: false,
                isDisabled: false,
                isServiceAccount: false,
                currentOrgID: targetOrg,
                created: now,
                updated: now
            )
            state.users.append(user)
            state.memberships.append(
                StoredMembership(orgID: targetOrg, userID: user.id, role: .viewer, created: now, updated: now)
            )
            return user.id
        }
        // `user.AdminCreateUserResponse{id, message}` (11.4 spec `AdminCreateUserResponse`).
        return SandboxResponse.json(.ok, .record(["id": .int(id), "message": "User created"]))
    }

    /// `AdminUpdateUserPassword`: binds `{password}` (required).
    @Sendable func setPassword(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersPasswordWrite, scope: .global)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let password = try bind(.badRequestData) { () throws(RequestForm.Failure) in try form.required("password") }
        let id = try context.int64Parameter("id", orAnswer: Self.invalidID)
        // `AdminUpdateUserPassword`: `len(form.Password) < 4`.
        guard password.count >= 4 else {
            throw GrafanaError.error(.badRequest, "New password too short", cause: false)
        }
        try await environment.store.write { state in
            guard let index = state.userIndex(id), !state.users[index].isServiceAccount else {
                throw GrafanaError.error(.internalServerError, "Failed to update user password", cause: true)
            }
            state.users[index].passwordHash = KeyGenerator.hash(password, salt: state.users[index].salt)
            state.users[index].updated = Date()
        }
        return SandboxResponse.success("User password updated")
    }

    /// `AdminUpdateUserPermissions`: binds `{isGrafanaAdmin}`; the last server admin stays
    /// (`user.ErrLastGrafanaAdmin`, "cannot remove last grafana admin").
    @Sendable func setPermissions(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersWrite, scope: .global)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let isAdmin = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            try form.bool("isGrafanaAdmin") ?? false
        }
        let id = try context.int64Parameter("id", orAnswer: Self.invalidID)
        try await environment.store.write { state in
            guard let index = state.userIndex(id), !state.users[index].isServiceAccount else {
                throw GrafanaError.error(.internalServerError, "Failed to update user permissions", cause: true)
            }
            if !isAdmin && state.users[index].isServerAdmin && state.users.filter(\.isServerAdmin).count <= 1 {
                throw GrafanaError.error(.badRequest, "cannot remove last grafana admin", cause: false)
            }
            state.users[index].isServerAdmin = isAdmin
        }
        return SandboxResponse.success("User permissions updated")
    }

    /// `AdminDeleteUser`: 404 `user not found`; removes memberships, team memberships and preferences.
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersDelete, scope: .global)
        let id = try context.int64Parameter("id", orAnswer: Self.invalidID)
        try await environment.store.write { state in
            guard let user = state.user(id), !user.isServiceAccount else { throw Self.userNotFound }
            state.deleteUser(id)
        }
        return SandboxResponse.success("User deleted")
    }

    @Sendable func disable(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersDisable, scope: .global)
        try await setDisabled(true, context: context)
        return SandboxResponse.success("User disabled")
    }

    @Sendable func enable(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.usersEnable, scope: .global)
        try await setDisabled(false, context: context)
        return SandboxResponse.success("User enabled")
    }

    /// `AdminDisableUser` / `AdminEnableUser`: 404 `user not found` for unknown ids.
    private func setDisabled(_ disabled: Bool, context: SandboxRequestContext) async throws {
        let id = try context.int64Parameter("id", orAnswer: Self.invalidID)
        try await environment.store.write { state in
            guard let index = state.userIndex(id), !state.users[index].isServiceAccount else { throw Self.userNotFound }
            state.users[index].isDisabled = disabled
            state.users[index].updated = Date()
        }
    }
}
