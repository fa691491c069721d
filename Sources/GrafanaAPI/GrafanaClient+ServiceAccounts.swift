import Foundation

extension GrafanaClient {
    /// `GET /api/serviceaccounts/search` in the current org; `query` matches names by substring.
    public func searchServiceAccounts(query: String? = nil, page: Int? = nil, perPage: Int? = nil) async throws
        -> ServiceAccountPage
    {
        var items: [QueryItem] = []
        if let query { items.append(QueryItem("query", query)) }
        if let page { items.append(QueryItem("page", String(page))) }
        if let perPage { items.append(QueryItem("perpage", String(perPage))) }
        return try await perform(
            APIRequest("search service accounts", .get, ["api", "serviceaccounts", "search"], query: items),
            as: ServiceAccountPage.self
        )
    }

    /// The service account named exactly `name` in the current org, if any.
    public func serviceAccount(named name: String) async throws -> ServiceAccount? {
        try await searchServiceAccounts(query: name).serviceAccounts.first { $0.name == name }
    }

    /// `POST /api/serviceaccounts` (answers 201); a taken name gives 400
    /// `serviceaccounts.ErrAlreadyExists` (fixture `sa-already-exists.400.json`).
    public func createServiceAccount(name: String, role: OrgRole, isDisabled: Bool = false) async throws
        -> WriteOutcome<ServiceAccount>
    {
        struct Body: Encodable { var name: String; var role: String; var isDisabled: Bool }
        return try await performWrite(
            APIRequest(
                "create service account",
                .post,
                ["api", "serviceaccounts"],
                body: Self.jsonBody(Body(name: name, role: role.rawValue, isDisabled: isDisabled))
            ),
            as: ServiceAccount.self
        )
    }

    /// `GET /api/serviceaccounts/:id`.
    public func serviceAccount(id: Int64) async throws -> ServiceAccount {
        try await perform(
            APIRequest("get service account", .get, ["api", "serviceaccounts", String(id)]),
            as: ServiceAccount.self
        )
    }

    /// `DELETE /api/serviceaccounts/:id` (its tokens go with it).
    @discardableResult
    public func deleteServiceAccount(id: Int64) async throws -> WriteOutcome<Void> {
        try await performWrite(APIRequest("delete service account", .delete, ["api", "serviceaccounts", String(id)]))
    }

    /// `GET /api/serviceaccounts/:id/tokens` (no secrets; an unknown account gives `[]`).
    public func serviceAccountTokens(serviceAccountID: Int64) async throws -> [ServiceAccountToken] {
        try await perform(
            APIRequest(
                "list service account tokens",
                .get,
                ["api", "serviceaccounts", String(serviceAccountID), "tokens"]
            ),
            as: [ServiceAccountToken].self
        )
    }

    /// `POST /api/serviceaccounts/:id/tokens` (answers 200, key `glsa_…`).
    ///
    /// `secondsToLive` nil or 0 means never expires. A taken token name gives 400
    /// `serviceaccounts.ErrTokenAlreadyExists` (fixture `sa-token-duplicate.400.json`).
    public func createServiceAccountToken(serviceAccountID: Int64, name: String, secondsToLive: Int64? = nil)
        async throws
        -> WriteOutcome<NewAPIKey>
    {
        try await performWrite(
            APIRequest(
                "create service account token",
                .post,
                ["api", "serviceaccounts", String(serviceAccountID), "tokens"],
                body: Self.tokenBody(name: name, secondsToLive: secondsToLive)
            ),
            as: NewAPIKey.self
        )
    }

    /// `DELETE /api/serviceaccounts/:id/tokens/:tokenId`.
    @discardableResult
    public func deleteServiceAccountToken(serviceAccountID: Int64, tokenID: Int64) async throws -> WriteOutcome<Void> {
        try await performWrite(
            APIRequest(
                "delete service account token",
                .delete,
                ["api", "serviceaccounts", String(serviceAccountID), "tokens", String(tokenID)]
            )
        )
    }

    static func tokenBody(name: String, secondsToLive: Int64?) -> Data {
        struct Body: Encodable { var name: String; var secondsToLive: Int64? }
        return jsonBody(Body(name: name, secondsToLive: secondsToLive))
    }
}

extension GrafanaClient {
    /// Every service account of the current org, page after page of
    /// `GET /api/serviceaccounts/search` until `totalCount` is reached.
    public func allServiceAccounts(pageSize: Int = 100) async throws -> [ServiceAccount] {
        var accounts: [ServiceAccount] = []
        var page = 1
        while true {
            let answer = try await searchServiceAccounts(page: page, perPage: pageSize)
            accounts += answer.serviceAccounts
            if answer.serviceAccounts.isEmpty || accounts.count >= answer.totalCount { return accounts }
            page += 1
        }
    }

    /// `PATCH /api/serviceaccounts/:id`: changes only what is given.
    @discardableResult
    public func updateServiceAccount(id: Int64, name: String? = nil, role: OrgRole? = nil, isDisabled: Bool? = nil)
        async throws -> WriteOutcome<Void>
    {
        struct Body: Encodable { var name: String?; var role: String?; var isDisabled: Bool? }
        return try await performWrite(
            APIRequest(
                "update service account",
                .patch,
                ["api", "serviceaccounts", String(id)],
                body: Self.jsonBody(Body(name: name, role: role?.rawValue, isDisabled: isDisabled))
            )
        )
    }
}
