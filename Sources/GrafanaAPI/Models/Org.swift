/// An org as `GET /api/orgs` lists it (`org.OrgDTO`).
public struct Org: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
}

/// An org with its address (`org.OrgDetailsDTO`): `GET /api/orgs/:id`, `/api/orgs/name/:name`, `/api/org`.
public struct OrgDetails: Sendable, Hashable, Codable {
    public struct Address: Sendable, Hashable, Codable {
        public var address1: String?
        public var address2: String?
        public var city: String?
        public var zipCode: String?
        public var state: String?
        public var country: String?
    }

    public var id: Int64
    public var name: String
    public var address: Address?
}

/// `POST /api/orgs` answer: `{"message":"Organization created","orgId":2}`.
///
/// `orgId` is an integer on the wire (pkg/api/org.go `util.DynMap`), although the api-legacy
/// doc example shows a string (API-NOTES §2.1, fixture `org-created.200.json`).
public struct CreatedOrg: Sendable, Hashable, Codable {
    public var orgId: Int64
    public var message: String?
}

/// A member of an org (`org.OrgUserDTO`), from `GET /api/orgs/:id/users` or `/api/org/users`.
public struct OrgUser: Sendable, Hashable, Codable {
    public var orgId: Int64
    public var userId: Int64
    public var uid: String?
    public var login: String
    public var email: String?
    public var name: String?
    public var role: String
    public var lastSeenAt: String?
    public var lastSeenAtAge: String?
    public var isDisabled: Bool?
}

/// `POST /api/orgs/:id/users` answer: `{"message":"User added to organization","userId":N}`.
struct AddedOrgUser: Decodable {
    var userId: Int64?
    var message: String?
}
