/// A service account (`ServiceAccountDTO`), from search, create (201) or get.
public struct ServiceAccount: Sendable, Hashable, Codable {
    /// The account id, used in token routes.
    public var id: Int64
    /// The uid (newer versions).
    public var uid: String?
    /// The name.
    public var name: String
    /// `sa-<name>` (newer versions may add the org id).
    public var login: String?
    /// The org the account (and its tokens) belong to.
    public var orgId: Int64
    /// The role its tokens act with.
    public var role: String
    /// Whether the account is disabled.
    public var isDisabled: Bool?
    /// How many tokens it has.
    public var tokens: Int64?
    /// The avatar path.
    public var avatarUrl: String?
    /// Whether it is managed externally (e.g. by a plugin).
    public var isExternal: Bool?
}

/// `GET /api/serviceaccounts/search` answer (`SearchOrgServiceAccountsResult`).
public struct ServiceAccountPage: Sendable, Hashable, Codable {
    /// Matches in all pages.
    public var totalCount: Int64
    /// This page's matches.
    public var serviceAccounts: [ServiceAccount]
    /// The 1-based page number.
    public var page: Int64?
    /// The page size.
    public var perPage: Int64?
}

/// A service-account token as listed (`TokenDTO`; no secret).
public struct ServiceAccountToken: Sendable, Hashable, Codable {
    /// The token id (for deletion).
    public var id: Int64
    /// The token name.
    public var name: String
    /// When the token was made (ISO 8601).
    public var created: String?
    /// When the token was last used (ISO 8601).
    public var lastUsedAt: String?
    /// ISO 8601, or absent for a token that never expires.
    public var expiration: String?
    /// Seconds left; Grafana reports 0 unless fewer than 7 days remain.
    public var secondsUntilExpiration: Double?
    /// Whether the token has expired.
    public var hasExpired: Bool?
    /// Whether the token was revoked.
    public var isRevoked: Bool?
}
