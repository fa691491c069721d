import Foundation
import GFSValue
import Hummingbird

/// Teams and members, `/api/teams…` (`pkg/services/team/teamapi/team.go`, `team_members.go`;
/// `teams:*` and `teams.permissions:*` in the route registration). Teams live in the request's org.
struct TeamsController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/api/teams", use: create)
        router.get("/api/teams/search", use: search)
        router.get("/api/teams/:teamId", use: get)
        router.put("/api/teams/:teamId", use: update)
        router.delete("/api/teams/:teamId", use: delete)
        router.get("/api/teams/:teamId/members", use: members)
        router.post("/api/teams/:teamId/members", use: addMember)
        router.put("/api/teams/:teamId/members/:userId", use: updateMember)
        router.delete("/api/teams/:teamId/members/:userId", use: removeMember)
    }

    /// `updateTeamMember`: binds `team.UpdateTeamMemberCommand{permission}`; 400 `teamId is
    /// invalid` / `userId is invalid`; a non-member is 404 "Team member not found." (with the
    /// full stop); otherwise the member's permission becomes Admin (4) or Member (anything
    /// else, as `PermissionType.String()` maps it) and the answer is "Team member updated".
    /// This is how both 9.5 and 11.x make a team admin (`pkg/api/team_members.go`).
    @Sendable func updateMember(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.teamsPermissionsWrite)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let permission = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            try form.int("permission") ?? 0
        }
        let teamID = try context.int64Parameter("teamId", orAnswer: Self.invalidTeamID)
        let userID = try context.int64Parameter(
            "userId",
            orAnswer: .error(.badRequest, "userId is invalid", cause: true)
        )
        try await environment.store.write { state in
            guard state.team(teamID, orgID: identity.orgID) != nil else { throw Self.teamNotFound }
            guard
                let index = state.teamMembers.firstIndex(where: { $0.teamID == teamID && $0.userID == userID })
            else {
                throw GrafanaError.error(.notFound, "Team member not found.", cause: false)
            }
            state.teamMembers[index].permission = permission == 4 ? 4 : 0
        }
        return SandboxResponse.success("Team member updated")
    }

    static let invalidTeamID = GrafanaError.error(.badRequest, "teamId is invalid", cause: true)
    static let teamNotFound = GrafanaError.error(.notFound, "Team not found", cause: true)

    /// `createTeam`: binds `{name (required), email}`; a taken name is 409; a user caller
    /// becomes the team's admin member; answers the DynMap `{message, teamId, uid}`.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.teamsCreate)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (name, email) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            (try form.required("name"), try form.string("email") ?? "")
        }
        let team = try await environment.store.write { state -> StoredTeam in
            if state.teams.contains(where: { $0.orgID == identity.orgID && $0.name == name }) {
                throw GrafanaError.error(.conflict, "Team name taken", cause: true)
            }
            let now = Date()
            let team = StoredTeam(
                id: state.nextTeamID,
                uid: KeyGenerator.shortUID(),
                orgID: identity.orgID,
                name: name,
                email: email,
                created: now,
                updated: now
            )
            state.nextTeamID += 1
            state.teams.append(team)
            if identity.isUser {
                state.teamMembers.append(
                    StoredTeamMember(orgID: identity.orgID, teamID: team.id, userID: identity.userID, permission: 4)
                )
            }
            return team
        }
        return SandboxResponse.json(
            .ok,
            .map([("teamId", .int(team.id)), ("uid", .string(team.uid)), ("message", "Team created")])
        )
    }

    /// `searchTeams`: `query` (substring), `name` (exact), `perpage` (default 1000), `page`.
    @Sendable func search(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.teamsRead)
        let perPage = request.queryInt("perpage") > 0 ? request.queryInt("perpage") : 1000
        let page = max(request.queryInt("page"), 1)
        let query = request.query("query").lowercased()
        let name = request.query("name")
        let body = await environment.store.read { state -> Value in
            let matching = state.teams.filter { team in
                team.orgID == identity.orgID && (query.isEmpty || team.name.lowercased().contains(query))
                    && (name.isEmpty || team.name == name)
            }.sorted { $0.name.lowercased() < $1.name.lowercased() }
            let slice = matching.page(page, size: perPage)
            return .record([
                "totalCount": .int(matching.count), "teams": .list(slice.map(state.teamJSON)), "page": .int(page),
                "perPage": .int(perPage),
            ])
        }
        return SandboxResponse.json(.ok, body)
    }

    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.teamsRead)
        let teamID = try context.int64Parameter("teamId", orAnswer: Self.invalidTeamID)
        return try await environment.store.read { state in
            guard let team = state.team(teamID, orgID: identity.orgID) else { throw Self.teamNotFound }
            return SandboxResponse.json(.ok, state.teamJSON(team))
        }
    }

    /// `updateTeam`: a taken name is 400 here; an unknown team is 500 "Failed to update Team".
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.teamsWrite)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (name, email) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            (try form.required("name"), try form.string("email") ?? "")
        }
        let teamID = try context.int64Parameter("teamId", orAnswer: Self.invalidTeamID)
        try await environment.store.write { state in
            if state.teams.contains(where: { $0.orgID == identity.orgID && $0.name == name && $0.id != teamID }) {
                throw GrafanaError.error(.badRequest, "Team name taken", cause: true)
            }
            guard let index = state.teams.firstIndex(where: { $0.id == teamID && $0.orgID == identity.orgID }) else {
                throw GrafanaError.error(.internalServerError, "Failed to update Team", cause: true)
            }
            state.teams[index].name = name
            state.teams[index].email = email
            state.teams[index].updated = Date()
        }
        return SandboxResponse.success("Team updated")
    }

    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.teamsDelete)
        let teamID = try context.int64Parameter("teamId", orAnswer: Self.invalidTeamID)
        try await environment.store.write { state in
            guard state.team(teamID, orgID: identity.orgID) != nil else {
                throw GrafanaError.error(.notFound, "Failed to delete Team. ID not found", cause: false)
            }
            state.teams.removeAll { $0.id == teamID }
            state.teamMembers.removeAll { $0.teamID == teamID }
            state.preferences.removeAll { $0.teamID == teamID }
            state.permissions.removeAll { $0.teamID == teamID }
        }
        return SandboxResponse.success("Team deleted")
    }

    /// `getTeamMembers`: `[]team.TeamMemberDTO`.
    @Sendable func members(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.teamsPermissionsRead)
        let teamID = try context.int64Parameter("teamId", orAnswer: Self.invalidTeamID)
        let rows = await environment.store.read { state -> [Value] in
            guard let team = state.team(teamID, orgID: identity.orgID) else { return [] }
            return state.teamMembers.filter { $0.teamID == teamID }.compactMap { member in
                guard let user = state.user(member.userID) else { return nil }
                return .record([
                    "orgId": .int(team.orgID), "teamId": .int(team.id), "teamUID": .string(team.uid),
                    "userId": .int(user.id), "auth_module": "", "email": .string(user.email),
                    "name": .string(user.name), "login": .string(user.login),
                    "avatarUrl": .string(GrafanaFormat.avatarURL(user.email)), "labels": .null,
                    "permission": .int(member.permission),
                ])
            }
        }
        return SandboxResponse.json(.ok, .list(rows))
    }

    /// `addTeamMember`: binds `{userId (required), permission}`; an existing member is 400.
    @Sendable func addMember(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.teamsPermissionsWrite)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (userID, permission) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            guard let userID = try form.int("userId"), userID != 0 else { throw RequestForm.Failure() }
            return (userID, try form.int("permission") ?? 0)
        }
        let teamID = try context.int64Parameter("teamId", orAnswer: Self.invalidTeamID)
        try await environment.store.write { state in
            guard state.team(teamID, orgID: identity.orgID) != nil else { throw Self.teamNotFound }
            if state.teamMembers.contains(where: { $0.teamID == teamID && $0.userID == userID }) {
                throw GrafanaError.error(.badRequest, "User is already added to this team", cause: false)
            }
            // Adding someone who is not in the org fails in the permission service (500).
            guard state.membership(orgID: identity.orgID, userID: userID) != nil else {
                throw GrafanaError.error(.internalServerError, "Failed to add Member to Team", cause: true)
            }
            state.teamMembers.append(
                StoredTeamMember(
                    orgID: identity.orgID,
                    teamID: teamID,
                    userID: userID,
                    permission: permission == 4 ? 4 : 0
                )
            )
        }
        return SandboxResponse.json(.ok, .map([("message", "Member added to Team")]))
    }

    /// `removeTeamMember`: 404 "Team not found" / "Team member not found"; success is
    /// "Team Member removed" (capital M, as `pkg/api/team_members.go` spells it).
    @Sendable func removeMember(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.teamsPermissionsWrite)
        let teamID = try context.int64Parameter("teamId", orAnswer: Self.invalidTeamID)
        let userID = try context.int64Parameter(
            "userId",
            orAnswer: .error(.badRequest, "userId is invalid", cause: true)
        )
        try await environment.store.write { state in
            guard state.team(teamID, orgID: identity.orgID) != nil else {
                throw GrafanaError.error(.notFound, "Team not found", cause: false)
            }
            guard state.teamMembers.contains(where: { $0.teamID == teamID && $0.userID == userID }) else {
                throw GrafanaError.error(.notFound, "Team member not found", cause: false)
            }
            state.teamMembers.removeAll { $0.teamID == teamID && $0.userID == userID }
        }
        return SandboxResponse.success("Team Member removed")
    }
}

extension SandboxState {
    func team(_ id: Int64, orgID: Int64) -> StoredTeam? {
        teams.first { $0.id == id && $0.orgID == orgID }
    }

    func teamsJSON(of userID: Int64, orgID: Int64) -> Value {
        let ids = Set(teamMembers.filter { $0.userID == userID && $0.orgID == orgID }.map(\.teamID))
        return .list(teams.filter { ids.contains($0.id) }.sorted { $0.name < $1.name }.map(teamJSON))
    }

    /// `team.TeamDTO`.
    func teamJSON(_ team: StoredTeam) -> Value {
        .record([
            "id": .int(team.id), "uid": .string(team.uid), "orgId": .int(team.orgID), "name": .string(team.name),
            "email": .string(team.email),
            "avatarUrl": .string(GrafanaFormat.avatarURL(email: team.email, orName: team.name)),
            "memberCount": .int(teamMembers.filter { $0.teamID == team.id }.count), "permission": 0,
        ])
    }
}
