extension GrafanaClient {
    /// `GET /api/auth/keys`: legacy API keys of the current org (no secrets).
    ///
    /// Works up to 12.0; the route is gone (404) from 12.1 (API-NOTES §2.4).
    public func apiKeys(includeExpired: Bool = false) async throws -> [APIKey] {
        let query = includeExpired ? [QueryItem("includeExpired", "true")] : []
        return try await perform(
            APIRequest("list API keys", .get, ["api", "auth", "keys"], query: query),
            as: [APIKey].self
        )
    }

    /// `POST /api/auth/keys`: creates a legacy API key (Grafana ≤ 11.2).
    ///
    /// 11.3–12.0 answer 410 Gone (fixture `auth-keys-post.410.json`), 12.1+ 404. Prefer
    /// ``createKey(name:role:secondsToLive:serverVersion:)``, which picks the right mechanism.
    public func createAPIKey(name: String, role: OrgRole, secondsToLive: Int64? = nil) async throws
        -> WriteOutcome<NewAPIKey>
    {
        struct Body: Encodable { var name: String; var role: String; var secondsToLive: Int64? }
        return try await performWrite(
            APIRequest(
                "create API key",
                .post,
                ["api", "auth", "keys"],
                body: Self.jsonBody(Body(name: name, role: role.rawValue, secondsToLive: secondsToLive))
            ),
            as: NewAPIKey.self
        )
    }

    /// `DELETE /api/auth/keys/:id`.
    @discardableResult
    public func deleteAPIKey(id: Int64) async throws -> WriteOutcome<Void> {
        try await performWrite(APIRequest("delete API key", .delete, ["api", "auth", "keys", String(id)]))
    }
}
