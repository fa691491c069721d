import Foundation

/// An org role as Grafana names it (`org.RoleType`): `None`, `Viewer`, `Editor`, `Admin`.
public enum OrgRole: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case none = "None"
    case viewer = "Viewer"
    case editor = "Editor"
    case admin = "Admin"

    /// Parses a role in any case (`admin`, `ADMIN`, `Admin`), as users type it.
    public init?(parsing text: String) {
        guard let role = Self.allCases.first(where: { $0.rawValue.caseInsensitiveCompare(text) == .orderedSame }) else {
            return nil
        }
        self = role
    }

    /// The role as Grafana spells it: `Admin`.
    public var description: String { rawValue }
}

/// `GET /api/user`: the signed-in identity (`user.UserProfileDTO`).
///
/// For a service-account token Grafana answers a synthetic profile with only
/// `isGrafanaAdmin, orgId, uid, name, email, login` (API-NOTES §2.3), so most fields are optional.
public struct UserProfile: Sendable, Hashable, Codable {
    /// The user id (absent for service-account identities).
    public var id: Int64?
    /// The user uid (for tokens, the identity id).
    public var uid: String?
    /// The login name.
    public var login: String
    /// The e-mail address.
    public var email: String?
    /// The display name.
    public var name: String?
    /// The org requests act in: the stored current org, or the token's org.
    public var orgId: Int64
    /// Whether the user is a Grafana server admin.
    public var isGrafanaAdmin: Bool?
    /// Whether the user is disabled.
    public var isDisabled: Bool?
    /// Whether the user comes from an external auth provider.
    public var isExternal: Bool?
    /// The UI theme preference.
    public var theme: String?
}

/// One entry of `GET /api/user/orgs` (`org.UserOrgDTO`).
public struct UserOrg: Sendable, Hashable, Codable {
    /// The org it belongs to.
    public var orgId: Int64
    /// The org name.
    public var name: String
    /// The user's role in the org: `Admin`, `Editor`, `Viewer` or `None`.
    public var role: String
}

/// One hit of `GET /api/users/search` (`user.UserSearchHitDTO`).
public struct UserSearchHit: Sendable, Hashable, Codable {
    /// The user id.
    public var id: Int64
    /// The user uid (absent before Grafana 10).
    public var uid: String?
    /// The login name.
    public var login: String
    /// The e-mail address.
    public var email: String?
    /// The display name.
    public var name: String?
    /// Whether the user is a Grafana server admin.
    public var isAdmin: Bool?
    /// Whether the user is disabled.
    public var isDisabled: Bool?
    /// When the user was last seen, as Grafana formats it (`10 minutes`).
    public var lastSeenAtAge: String?
}

/// One page of `GET /api/users/search` (`user.SearchUserQueryResult`).
public struct UserSearchPage: Sendable, Hashable, Codable {
    /// How many users match, over all pages.
    public var totalCount: Int
    /// This page's users.
    public var users: [UserSearchHit]
    /// The page number, from 1.
    public var page: Int
    /// The page size asked for.
    public var perPage: Int
}

/// `POST /api/admin/users`: the new user's id (`user.AdminCreateUserResponse`).
public struct CreatedUser: Sendable, Hashable, Codable {
    /// The new user's id.
    public var id: Int64
    /// Grafana's message: `User created`.
    public var message: String?
}
