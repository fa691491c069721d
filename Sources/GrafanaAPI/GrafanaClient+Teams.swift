extension GrafanaClient {
    /// `POST /api/teams`: creates a team in the request's org; a taken name is 409 "Team name taken".
    public func createTeam(name: String, email: String?) async throws -> WriteOutcome<CreatedTeam> {
        struct Body: Encodable {
            var name: String
            var email: String?
        }
        return try await performWrite(
            APIRequest("create team", .post, ["api", "teams"], body: Self.jsonBody(Body(name: name, email: email))),
            as: CreatedTeam.self
        )
    }

    /// `GET /api/teams/search`: one page of teams; `name` matches exactly, `query` by substring.
    public func searchTeams(query: String? = nil, name: String? = nil, page: Int = 1, perPage: Int = 1000)
        async throws -> TeamSearchPage
    {
        var items = [QueryItem("perpage", String(perPage)), QueryItem("page", String(page))]
        if let query, !query.isEmpty { items.append(QueryItem("query", query)) }
        if let name { items.append(QueryItem("name", name)) }
        return try await perform(
            APIRequest("search teams", .get, ["api", "teams", "search"], query: items),
            as: TeamSearchPage.self
        )
    }

    /// Every team matching `query`, through as many pages as `totalCount` says there are.
    public func allTeams(query: String? = nil, perPage: Int = 1000) async throws -> [Team] {
        var teams: [Team] = []
        var page = 1
        while true {
            let answer = try await searchTeams(query: query, page: page, perPage: perPage)
            teams += answer.teams
            if answer.teams.isEmpty || teams.count >= answer.totalCount { return teams }
            page += 1
        }
    }

    /// `GET /api/teams/:id`; an unknown id is 404 "Team not found".
    public func team(id: Int64) async throws -> Team {
        try await perform(APIRequest("get team", .get, ["api", "teams", String(id)]), as: Team.self)
    }

    /// The team of exactly that name in the request's org, or nil.
    public func findTeam(named name: String) async throws -> Team? {
        try await searchTeams(name: name).teams.first { $0.name == name }
    }

    /// `PUT /api/teams/:id` with the name and email to keep; a taken name is 400 "Team name taken".
    @discardableResult
    public func updateTeam(id: Int64, name: String, email: String) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest(
                "update team",
                .put,
                ["api", "teams", String(id)],
                body: Self.jsonBody(["name": name, "email": email])
            )
        )
    }

    /// `DELETE /api/teams/:id`.
    @discardableResult
    public func deleteTeam(id: Int64) async throws -> WriteOutcome<Void> {
        try await performWrite(APIRequest("delete team", .delete, ["api", "teams", String(id)]))
    }

    /// `GET /api/teams/:id/members`.
    public func teamMembers(teamID: Int64) async throws -> [TeamMember] {
        try await perform(
            APIRequest("list team members", .get, ["api", "teams", String(teamID), "members"]),
            as: [TeamMember].self
        )
    }

    /// `POST /api/teams/:id/members`; an existing member is 400 "User is already added to this team".
    @discardableResult
    public func addTeamMember(teamID: Int64, userID: Int64) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest(
                "add team member",
                .post,
                ["api", "teams", String(teamID), "members"],
                body: Self.jsonBody(["userId": userID])
            )
        )
    }

    /// `PUT /api/teams/:id/members/:userId` with `{"permission"}`: 4 makes the member a team
    /// admin, 0 a plain member; a non-member is 404 "Team member not found.".
    @discardableResult
    public func setTeamMemberPermission(teamID: Int64, userID: Int64, permission: Int64) async throws
        -> WriteOutcome<Void>
    {
        try await performWrite(
            APIRequest(
                "update team member",
                .put,
                ["api", "teams", String(teamID), "members", String(userID)],
                body: Self.jsonBody(["permission": permission])
            )
        )
    }

    /// `DELETE /api/teams/:id/members/:userId`; a non-member is 404 "Team member not found".
    @discardableResult
    public func removeTeamMember(teamID: Int64, userID: Int64) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest("remove team member", .delete, ["api", "teams", String(teamID), "members", String(userID)])
        )
    }
}
