/// An org as `GET /api/orgs` lists it (`org.OrgDTO`).
public struct Org: Sendable, Hashable, Codable {
    /// The org id.
    public var id: Int64
    /// The org name.
    public var name: String
}

/// An org with its address (`org.OrgDetailsDTO`): `GET /api/orgs/:id`, `/api/orgs/name/:name`, `/api/org`.
public struct OrgDetails: Sendable, Hashable, Codable {
    /// The address fields of `org.OrgDetailsDTO`.
    public struct Address: Sendable, Hashable, Codable {
        /// First address line.
        public var address1: String?
        /// Second address line.
        public var address2: String?
        /// City.
        public var city: String?
        /// Postal code.
        public var zipCode: String?
        /// State or region.
        public var state: String?
        /// Country.
        public var country: String?
    }

    /// The numeric id.
    public var id: Int64
    /// The name.
    public var name: String
    /// The postal address (all fields empty unless set).
    public var address: Address?
}

/// `POST /api/orgs` answer: `{"message":"Organization created","orgId":2}`.
///
/// `orgId` is an integer on the wire (pkg/api/org.go `util.DynMap`), although the api-legacy
/// doc example shows a string (API-NOTES §2.1, fixture `org-created.200.json`).
public struct CreatedOrg: Sendable, Hashable, Codable {
    /// The org id.
    public var orgId: Int64
    /// Grafana's confirmation text.
    public var message: String?
}

/// A member of an org (`org.OrgUserDTO`), from `GET /api/orgs/:id/users` or `/api/org/users`.
public struct OrgUser: Sendable, Hashable, Codable {
    /// The org it belongs to.
    public var orgId: Int64
    /// The user id.
    public var userId: Int64
    /// The user uid (newer versions).
    public var uid: String?
    /// The login name.
    public var login: String
    /// The e-mail address.
    public var email: String?
    /// The display name.
    public var name: String?
    /// The role in this org: `Admin`, `Editor`, `Viewer` or `None`.
    public var role: String
    /// When the user was last active (ISO 8601).
    public var lastSeenAt: String?
    /// The same as an age, e.g. `10m`.
    public var lastSeenAtAge: String?
    /// Whether the user is disabled.
    public var isDisabled: Bool?
}

/// `POST /api/orgs/:id/users` answer: `{"message":"User added to organization","userId":N}`.
struct AddedOrgUser: Decodable {
    var userId: Int64?
    var message: String?
}
