import Foundation

/// What a permission list belongs to: a dashboard or a folder, by uid.
public enum PermissionResource: String, Sendable, Hashable, CaseIterable {
    case dashboard
    case folder

    var segments: (String) -> [String] {
        switch self {
        case .dashboard: { ["api", "dashboards", "uid", $0, "permissions"] }
        case .folder: { ["api", "folders", $0, "permissions"] }
        }
    }
}

/// One entry of a dashboard or folder permission list (`DashboardACLInfoDTO`).
public struct PermissionEntry: Sendable, Hashable, Codable {
    /// The user it grants to, or 0.
    public var userId: Int64?
    /// That user's login.
    public var userLogin: String?
    /// The team it grants to, or 0.
    public var teamId: Int64?
    /// That team's name.
    public var team: String?
    /// The basic role it grants to (`Viewer`, `Editor`), if any.
    public var role: String?
    /// 1 View, 2 Edit, 4 Admin.
    public var permission: Int64
    /// `View`, `Edit` or `Admin`.
    public var permissionName: String?
    /// Whether it comes from a parent folder (listed, but not set here).
    public var inherited: Bool?
}

/// One item of a permission update (`dtos.DashboardACLUpdateItem`): exactly one of user, team
/// or role.
public struct PermissionItem: Sendable, Hashable, Codable {
    public var userId: Int64?
    public var teamId: Int64?
    public var role: String?
    public var permission: Int64

    public init(userId: Int64? = nil, teamId: Int64? = nil, role: String? = nil, permission: Int64) {
        self.userId = userId
        self.teamId = teamId
        self.role = role
        self.permission = permission
    }
}

extension GrafanaClient {
    /// `GET /api/dashboards/uid/:uid/permissions` or `GET /api/folders/:uid/permissions`.
    public func permissions(of resource: PermissionResource, uid: String) async throws -> [PermissionEntry] {
        try await perform(
            APIRequest("list \(resource.rawValue) permissions", .get, resource.segments(uid)),
            as: [PermissionEntry].self
        )
    }

    /// `POST .../permissions`: replaces every permission set on the resource itself (inherited
    /// ones stay) with `items`.
    @discardableResult
    public func setPermissions(of resource: PermissionResource, uid: String, items: [PermissionItem]) async throws
        -> WriteOutcome<Void>
    {
        struct Body: Encodable { var items: [PermissionItem] }
        return try await performWrite(
            APIRequest(
                "update \(resource.rawValue) permissions",
                .post,
                resource.segments(uid),
                body: Self.jsonBody(Body(items: items))
            )
        )
    }
}
