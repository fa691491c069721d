extension GrafanaClient {
    /// `GET /api/user`: who the credentials are.
    public func currentUser() async throws -> UserProfile {
        try await perform(APIRequest("get current user", .get, ["api", "user"]), as: UserProfile.self)
    }

    /// `GET /api/user/orgs`: the orgs the signed-in user belongs to, with the role in each.
    ///
    /// Service-account tokens get 304 "Endpoint only available for users" (API-NOTES §2.3).
    public func currentUserOrgs() async throws -> [UserOrg] {
        try await perform(
            APIRequest("list current user's organizations", .get, ["api", "user", "orgs"]),
            as: [UserOrg].self
        )
    }

    /// `POST /api/user/using/:id`: makes `orgID` the user's current org, persistently.
    ///
    /// Affects every later basic-auth request that sends no `X-Grafana-Org-Id`. A non-member
    /// gets 401 "Not a valid organization" (API-NOTES §2.3).
    @discardableResult
    public func switchOrg(to orgID: Int64) async throws -> WriteOutcome<Void> {
        try await performWrite(APIRequest("switch organization", .post, ["api", "user", "using", String(orgID)]))
    }
}

// MARK: Users across the server

extension GrafanaClient {
    /// `PUT /api/user/password`: changes the signed-in user's password.
    ///
    /// A wrong old password is 401 "Invalid old password" before Grafana 12 and 400
    /// `user.password-missmatch` after; a new password under 4 characters is 400.
    @discardableResult
    public func changeCurrentUserPassword(old: String, new: String) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest(
                "change password",
                .put,
                ["api", "user", "password"],
                body: Self.jsonBody(["oldPassword": old, "newPassword": new])
            )
        )
    }

    /// `GET /api/users/search`: one page of users (server admins); `query` matches login,
    /// email or name by substring.
    public func searchUsers(query: String? = nil, page: Int = 1, perPage: Int = 1000) async throws -> UserSearchPage {
        var items = [QueryItem("perpage", String(perPage)), QueryItem("page", String(page))]
        if let query, !query.isEmpty { items.append(QueryItem("query", query)) }
        return try await perform(
            APIRequest("search users", .get, ["api", "users", "search"], query: items),
            as: UserSearchPage.self
        )
    }

    /// Every user matching `query`, through as many pages of `GET /api/users/search` as
    /// `totalCount` says there are.
    public func allUsers(query: String? = nil, perPage: Int = 1000) async throws -> [UserSearchHit] {
        var users: [UserSearchHit] = []
        var page = 1
        while true {
            let answer = try await searchUsers(query: query, page: page, perPage: perPage)
            users += answer.users
            // An empty page ends the walk even if users were deleted while paging.
            if answer.users.isEmpty || users.count >= answer.totalCount { return users }
            page += 1
        }
    }

    /// `GET /api/users/:id`; an unknown id is 404 "user not found".
    public func user(id: Int64) async throws -> UserProfile {
        try await perform(APIRequest("get user", .get, ["api", "users", String(id)]), as: UserProfile.self)
    }

    /// `GET /api/users/lookup?loginOrEmail=`; an unknown login is 404 "user not found".
    public func user(loginOrEmail: String) async throws -> UserProfile {
        try await perform(
            APIRequest(
                "look up user",
                .get,
                ["api", "users", "lookup"],
                query: [QueryItem("loginOrEmail", loginOrEmail)]
            ),
            as: UserProfile.self
        )
    }

    /// `GET /api/users/:id/orgs`: the orgs a user belongs to, with the role in each.
    public func userOrgs(id: Int64) async throws -> [UserOrg] {
        try await perform(
            APIRequest("list user's organizations", .get, ["api", "users", String(id), "orgs"]),
            as: [UserOrg].self
        )
    }

    /// `POST /api/admin/users`: creates a user; a taken login or email is 412.
    public func createUser(login: String, email: String?, name: String?, password: String, orgID: Int64? = nil)
        async throws -> WriteOutcome<CreatedUser>
    {
        struct Body: Encodable {
            var login: String
            var email: String?
            var name: String?
            var password: String
            var orgId: Int64?
        }
        return try await performWrite(
            APIRequest(
                "create user",
                .post,
                ["api", "admin", "users"],
                body: Self.jsonBody(Body(login: login, email: email, name: name, password: password, orgId: orgID))
            ),
            as: CreatedUser.self
        )
    }

    /// `PUT /api/users/:id` with the login, email and name to keep; a clash with another
    /// user is 409 "Update would result in user login conflict".
    @discardableResult
    public func updateUser(id: Int64, login: String, email: String, name: String) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest(
                "update user",
                .put,
                ["api", "users", String(id)],
                body: Self.jsonBody(["login": login, "email": email, "name": name])
            )
        )
    }

    /// `PUT /api/admin/users/:id/password`.
    @discardableResult
    public func setUserPassword(id: Int64, password: String) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest(
                "set user password",
                .put,
                ["api", "admin", "users", String(id), "password"],
                body: Self.jsonBody(["password": password])
            )
        )
    }

    /// `PUT /api/admin/users/:id/permissions`: grants or revokes Grafana server admin.
    @discardableResult
    public func setServerAdmin(id: Int64, _ isAdmin: Bool) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest(
                "set server admin",
                .put,
                ["api", "admin", "users", String(id), "permissions"],
                body: Self.jsonBody(["isGrafanaAdmin": isAdmin])
            )
        )
    }

    /// `POST /api/admin/users/:id/disable` or `/enable`.
    @discardableResult
    public func setUserDisabled(id: Int64, _ disabled: Bool) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest(
                disabled ? "disable user" : "enable user",
                .post,
                ["api", "admin", "users", String(id), disabled ? "disable" : "enable"]
            )
        )
    }

    /// `DELETE /api/admin/users/:id`; an unknown id is 404 "user not found".
    @discardableResult
    public func deleteUser(id: Int64) async throws -> WriteOutcome<Void> {
        try await performWrite(APIRequest("delete user", .delete, ["api", "admin", "users", String(id)]))
    }
}
