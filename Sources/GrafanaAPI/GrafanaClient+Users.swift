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
