import Foundation

/// A team (`team.TeamDTO`), as `GET /api/teams/:id` and the search answer it.
public struct Team: Sendable, Hashable, Codable {
    /// The team id.
    public var id: Int64
    /// The team uid (absent before Grafana 10).
    public var uid: String?
    /// The org the team lives in.
    public var orgId: Int64
    /// The team name, unique in its org.
    public var name: String
    /// The team's e-mail address, possibly empty.
    public var email: String?
    /// How many members the team has.
    public var memberCount: Int64?
}

/// One page of `GET /api/teams/search` (`team.SearchTeamQueryResult`).
public struct TeamSearchPage: Sendable, Hashable, Codable {
    /// How many teams match, over all pages.
    public var totalCount: Int
    /// This page's teams.
    public var teams: [Team]
    /// The page number, from 1.
    public var page: Int
    /// The page size asked for.
    public var perPage: Int
}

/// `POST /api/teams`: the new team's id (a `util.DynMap` of `teamId`, `uid`, `message`).
public struct CreatedTeam: Sendable, Hashable, Codable {
    /// The new team's id.
    public var teamId: Int64
    /// The new team's uid (absent before Grafana 10).
    public var uid: String?
}

/// One member of `GET /api/teams/:id/members` (`team.TeamMemberDTO`).
public struct TeamMember: Sendable, Hashable, Codable {
    /// The member's user id.
    public var userId: Int64
    /// The member's login.
    public var login: String
    /// The member's e-mail address.
    public var email: String?
    /// The member's display name.
    public var name: String?
    /// 0 for a member, 4 for a team admin (`dashboardaccess.PERMISSION_ADMIN`).
    public var permission: Int64?

    /// Whether the member administers the team.
    public var isAdmin: Bool { permission == TeamMember.adminPermission }

    /// The permission value Grafana gives a team admin.
    public static let adminPermission: Int64 = 4
}
