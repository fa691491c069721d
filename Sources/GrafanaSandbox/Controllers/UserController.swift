import Foundation
import GFSValue
import Hummingbird

/// The signed-in user: `/api/user`, `/api/user/orgs`, `/api/user/using/:id`,
/// `/api/user/password` (`pkg/api/user.go`; group `reqSignedInNoAnonymous` in `pkg/api/api.go`).
struct UserController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/user", use: signedInUser)
        router.put("/api/user", use: updateSignedInUser)
        router.get("/api/user/orgs", use: signedInUserOrgs)
        router.post("/api/user/using/:id", use: setUsingOrg)
        router.put("/api/user/password", use: changePassword)
        router.get("/api/user/teams", use: signedInUserTeams)
        router.put("/api/user/helpflags/:id", use: setHelpFlag)
        router.get("/api/user/helpflags/clear", use: clearHelpFlags)
    }

    /// `SetHelpFlag`: ORs flag `id` into the user's `helpFlags1` bitmask; 400 `id is invalid`;
    /// answers the DynMap `{message: "Help flag set", helpFlags1}`.
    @Sendable func setHelpFlag(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let flag = try context.int64Parameter("id", orAnswer: AdminUsersController.invalidID)
        let userID = try Self.requireUserID(try context.caller())
        let flags = try await environment.store.write { state -> Int64 in
            guard let index = state.userIndex(userID) else {
                throw GrafanaError.error(.internalServerError, "Failed to get user", cause: true)
            }
            let flags = (state.users[index].helpFlags1 ?? 0) | flag
            state.users[index].helpFlags1 = flags
            return flags
        }
        return SandboxResponse.json(.ok, .map([("helpFlags1", .int(Int(flags))), ("message", "Help flag set")]))
    }

    /// `ClearHelpFlags`: resets the bitmask to 0, with the same answer as `SetHelpFlag`.
    @Sendable func clearHelpFlags(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let userID = try Self.requireUserID(try context.caller())
        try await environment.store.write { state in
            if let index = state.userIndex(userID) { state.users[index].helpFlags1 = 0 }
        }
        return SandboxResponse.json(.ok, .map([("helpFlags1", 0), ("message", "Help flag set")]))
    }

    /// `GetSignedInUserTeamList`: the user's teams in the request's org (`[]team.TeamDTO`).
    @Sendable func signedInUserTeams(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.caller()
        let userID = try Self.requireUserID(identity)
        return SandboxResponse.json(
            .ok,
            await environment.store.read { $0.teamsJSON(of: userID, orgID: identity.orgID) }
        )
    }

    /// `hs.getUserID`: tokens are not users; Grafana answers `response.Error(304, "Endpoint only
    /// available for users", nil)`, and a 304 carries no body on the wire (Go's `net/http`
    /// refuses body writes for 304).
    static func requireUserID(_ identity: Identity) throws -> Int64 {
        guard identity.isUser else { throw GrafanaError(status: .notModified, body: .null) }
        return identity.userID
    }

    /// `GetSignedInUser`: a profile for users; a synthetic one for other identities.
    @Sendable func signedInUser(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.caller()
        return try await environment.store.read { state in
            guard identity.isUser else {
                let account = state.user(identity.userID)
                let uid: String =
                    switch identity.kind {
                    case .serviceAccount: "service-account:\(identity.userID)"
                    case .apiKey(let keyID): "api-key:\(keyID)"
                    case .user: "user:\(identity.userID)"
                    }
                // `user.UserProfileDTO{IsGrafanaAdmin, OrgID, UID, Name, Email, Login}`, other fields zero.
                return SandboxResponse.json(
                    .ok,
                    .record([
                        "id": 0, "uid": .string(uid), "email": "", "name": .string(account?.name ?? identity.login),
                        "login": .string(account?.login ?? identity.login), "theme": "", "orgId": .int(identity.orgID),
                        "isGrafanaAdmin": false, "isDisabled": false, "isExternal": false, "isExternallySynced": false,
                        "isGrafanaAdminExternallySynced": false, "authLabels": .null, "updatedAt": .string(GoTime.zero),
                        "createdAt": .string(GoTime.zero), "avatarUrl": "",
                    ])
                )
            }
            guard let user = state.user(identity.userID) else {
                throw GrafanaError.error(.notFound, "user not found", cause: false)
            }
            return SandboxResponse.json(.ok, state.userProfileJSON(user))
        }
    }

    /// `UpdateSignedInUser` → `handleUpdateUser`: login falls back to email; both empty is the
    /// errutil `user.empty-username-and-email`; a clash is 409 "Update would result in user login conflict".
    @Sendable func updateSignedInUser(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let identity = try context.caller()
        let userID = try Self.requireUserID(identity)
        let update = try UserUpdate(form: form)
        try await environment.store.write { [environment] state in
            try update.apply(to: userID, in: &state, version: environment.version)
        }
        return SandboxResponse.success("User updated")
    }

    /// `GetSignedInUserOrgList`.
    @Sendable func signedInUserOrgs(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let userID = try Self.requireUserID(try context.caller())
        return SandboxResponse.json(.ok, await environment.store.read { $0.userOrgsJSON(userID: userID) })
    }

    /// `UserSetUsingOrg`: 400 `id is invalid`, 401 `Not a valid organization` for orgs the user
    /// is not a member of, else the current org changes persistently.
    @Sendable func setUsingOrg(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let orgID = try context.int64Parameter("id", orAnswer: .error(.badRequest, "id is invalid", cause: true))
        let userID = try Self.requireUserID(try context.caller())
        try await environment.store.write { state in
            guard state.membership(orgID: orgID, userID: userID) != nil, let index = state.userIndex(userID) else {
                throw GrafanaError.error(.unauthorized, "Not a valid organization", cause: false)
            }
            state.users[index].currentOrgID = orgID
        }
        return SandboxResponse.success("Active organization changed")
    }

    /// `ChangeUserPassword`: a wrong old password is 401 "Invalid old password" before 11 and
    /// the errutil `user.password-missmatch` (400) from 11 (see
    /// ``GrafanaVersion/wrongOldPasswordIsUnauthorized``); it is checked before the new one. A
    /// new password under 4 characters is 400 "New password is too short"
    /// (`user.Password.IsWeak` in `pkg/api/user.go`).
    @Sendable func changePassword(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (oldPassword, newPassword) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            (try form.string("oldPassword") ?? "", try form.string("newPassword") ?? "")
        }
        let userID = try Self.requireUserID(try context.caller())
        let version = environment.version
        try await environment.store.write { state in
            guard let index = state.userIndex(userID) else {
                throw GrafanaError.error(.notFound, "user not found", cause: false)
            }
            let user = state.users[index]
            guard KeyGenerator.hash(oldPassword, salt: user.salt) == user.passwordHash else {
                if version.wrongOldPasswordIsUnauthorized {
                    throw GrafanaError.error(.unauthorized, "Invalid old password", cause: false)
                }
                throw GrafanaError.errutil(
                    .badRequest,
                    messageID: "user.password-missmatch",
                    message: "Invalid old password"
                )
            }
            guard newPassword.count >= 4 else {
                throw GrafanaError.error(.badRequest, "New password is too short", cause: false)
            }
            state.users[index].passwordHash = KeyGenerator.hash(newPassword, salt: user.salt)
            state.users[index].updated = Date()
        }
        return SandboxResponse.success("User password changed")
    }
}

/// `user.UpdateUserCommand` as `handleUpdateUser` applies it (`pkg/api/user.go`).
struct UserUpdate: Sendable {
    var name: String
    var email: String
    var login: String
    var theme: String

    init(form: RequestForm) throws {
        (name, email, login, theme) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            (
                try form.string("name") ?? "",
                (try form.string("email") ?? "").trimmingCharacters(in: .whitespaces),
                (try form.string("login") ?? "").trimmingCharacters(in: .whitespaces),
                try form.string("theme") ?? ""
            )
        }
    }

    func apply(to userID: Int64, in state: inout SandboxState, version: GrafanaVersion) throws {
        let login = login.isEmpty ? email : login
        guard !login.isEmpty else {
            guard version.emptyUserUpdateIsErrutil else {
                throw GrafanaError.error(
                    .badRequest,
                    "Validation error, need to specify either username or email",
                    cause: false
                )
            }
            // `user.ErrEmptyUsernameAndEmail` (`pkg/services/user/model.go`).
            throw GrafanaError.errutil(
                .badRequest,
                messageID: "user.empty-username-and-email",
                message: "Need to specify either username or email"
            )
        }
        guard let index = state.userIndex(userID), !state.users[index].isServiceAccount else {
            throw GrafanaError.error(.notFound, "user not found", cause: false)
        }
        let clash = state.users.contains { other in
            other.id != userID
                && (other.login.lowercased() == login.lowercased()
                    || (!email.isEmpty && other.email.lowercased() == email.lowercased()))
        }
        if clash { throw GrafanaError.error(.conflict, "Update would result in user login conflict", cause: true) }
        state.users[index].login = login
        if !email.isEmpty { state.users[index].email = email }
        state.users[index].name = name
        state.users[index].theme = theme
        state.users[index].updated = Date()
    }
}
