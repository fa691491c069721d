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

    public var description: String { rawValue }
}

/// `GET /api/user`: the signed-in identity (`user.UserProfileDTO`).
///
/// For a service-account token Grafana answers a synthetic profile with only
/// `isGrafanaAdmin, orgId, uid, name, email, login` (API-NOTES §2.3), so most fields are optional.
public struct UserProfile: Sendable, Hashable, Codable {
    public var id: Int64?
    public var uid: String?
    public var login: String
    public var email: String?
    public var name: String?
    public var orgId: Int64
    public var isGrafanaAdmin: Bool?
    public var isDisabled: Bool?
    public var isExternal: Bool?
    public var theme: String?
}

/// One entry of `GET /api/user/orgs` (`org.UserOrgDTO`).
public struct UserOrg: Sendable, Hashable, Codable {
    public var orgId: Int64
    public var name: String
    public var role: String
}
