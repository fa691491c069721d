extension GrafanaClient {
    /// `POST /api/orgs`: creates an org; the caller becomes its Admin (server admins only).
    ///
    /// A taken name gives 409 "Organization name taken" (fixture `org-name-taken.409.json`).
    public func createOrg(name: String) async throws -> WriteOutcome<CreatedOrg> {
        try await performWrite(
            APIRequest("create organization", .post, ["api", "orgs"], body: Self.jsonBody(["name": name])),
            as: CreatedOrg.self
        )
    }

    /// `GET /api/orgs`: all orgs (server admins only); `query` matches names by substring.
    public func orgs(query: String? = nil, page: Int? = nil, perPage: Int? = nil) async throws -> [Org] {
        var items: [QueryItem] = []
        if let query { items.append(QueryItem("query", query)) }
        if let page { items.append(QueryItem("page", String(page))) }
        if let perPage { items.append(QueryItem("perpage", String(perPage))) }
        return try await perform(APIRequest("list organizations", .get, ["api", "orgs"], query: items), as: [Org].self)
    }

    /// `GET /api/orgs/:id`; an unknown id gives 404 "Organization not found".
    public func org(id: Int64) async throws -> OrgDetails {
        try await perform(APIRequest("get organization", .get, ["api", "orgs", String(id)]), as: OrgDetails.self)
    }

    /// `GET /api/orgs/name/:name`; an unknown name gives 404 "Organization not found".
    public func org(named name: String) async throws -> OrgDetails {
        try await perform(APIRequest("get organization", .get, ["api", "orgs", "name", name]), as: OrgDetails.self)
    }

    /// The org named `name`, or nil if there is none (404).
    public func findOrg(named name: String) async throws -> OrgDetails? {
        try await nilIfNotFound { try await org(named: name) }
    }

    /// `GET /api/org`: the org requests currently act in.
    public func currentOrg() async throws -> OrgDetails {
        try await perform(APIRequest("get current organization", .get, ["api", "org"]), as: OrgDetails.self)
    }

    /// `PUT /api/orgs/:id` with a new name; a taken name gives 400 (not 409, API-NOTES §2.1).
    @discardableResult
    public func renameOrg(id: Int64, to name: String) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest("rename organization", .put, ["api", "orgs", String(id)], body: Self.jsonBody(["name": name]))
        )
    }

    /// `DELETE /api/orgs/:id`. Deleting the caller's current org gives 400.
    @discardableResult
    public func deleteOrg(id: Int64) async throws -> WriteOutcome<Void> {
        try await performWrite(APIRequest("delete organization", .delete, ["api", "orgs", String(id)]))
    }

    // MARK: Org users

    /// The path of an org's users: `/api/orgs/:id/users`, or `/api/org/users` for the current org.
    private func orgUsersPath(_ orgID: Int64?) -> [String] {
        if let orgID { return ["api", "orgs", String(orgID), "users"] }
        return ["api", "org", "users"]
    }

    /// `POST /api/orgs/:id/users` (or `/api/org/users` when `orgID` is nil): adds a user by login or email.
    ///
    /// Returns the user id. An existing member gives 409 "User is already member of this organization".
    @discardableResult
    public func addOrgUser(orgID: Int64?, loginOrEmail: String, role: OrgRole) async throws
        -> WriteOutcome<Int64?>
    {
        struct Body: Encodable { var loginOrEmail: String; var role: String }
        return try await performWrite(
            APIRequest(
                "add user to organization",
                .post,
                orgUsersPath(orgID),
                body: Self.jsonBody(Body(loginOrEmail: loginOrEmail, role: role.rawValue))
            ),
            as: AddedOrgUser.self
        ).map(\.userId)
    }

    /// `GET /api/orgs/:id/users` (or `/api/org/users`).
    public func orgUsers(orgID: Int64?) async throws -> [OrgUser] {
        try await perform(APIRequest("list organization users", .get, orgUsersPath(orgID)), as: [OrgUser].self)
    }

    /// `PATCH /api/orgs/:id/users/:userId` (or `/api/org/users/:userId`) with `{"role"}`.
    @discardableResult
    public func updateOrgUserRole(orgID: Int64?, userID: Int64, role: OrgRole) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest(
                "change organization user role",
                .patch,
                orgUsersPath(orgID) + [String(userID)],
                body: Self.jsonBody(["role": role.rawValue])
            )
        )
    }

    /// `DELETE /api/orgs/:id/users/:userId` (or `/api/org/users/:userId`).
    ///
    /// The current-org form also deletes a user left in no org (API-NOTES §2.2).
    @discardableResult
    public func removeOrgUser(orgID: Int64?, userID: Int64) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest("remove user from organization", .delete, orgUsersPath(orgID) + [String(userID)])
        )
    }
}
