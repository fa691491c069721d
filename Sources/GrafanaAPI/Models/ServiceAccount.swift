/// A service account (`ServiceAccountDTO`), from search, create (201) or get.
public struct ServiceAccount: Sendable, Hashable, Codable {
    public var id: Int64
    public var uid: String?
    public var name: String
    /// `sa-<name>` (newer versions may add the org id).
    public var login: String?
    public var orgId: Int64
    public var role: String
    public var isDisabled: Bool?
    public var tokens: Int64?
    public var avatarUrl: String?
    public var isExternal: Bool?
}

/// `GET /api/serviceaccounts/search` answer (`SearchOrgServiceAccountsResult`).
public struct ServiceAccountPage: Sendable, Hashable, Codable {
    public var totalCount: Int64
    public var serviceAccounts: [ServiceAccount]
    public var page: Int64?
    public var perPage: Int64?
}

/// A service-account token as listed (`TokenDTO`; no secret).
public struct ServiceAccountToken: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var created: String?
    public var lastUsedAt: String?
    /// ISO 8601, or absent for a token that never expires.
    public var expiration: String?
    public var secondsUntilExpiration: Double?
    public var hasExpired: Bool?
    public var isRevoked: Bool?
}
