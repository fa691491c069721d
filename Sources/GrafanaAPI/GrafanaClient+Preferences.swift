import Foundation

/// Whose preferences: the current org's, the signed-in user's, or a team's.
public enum PreferencesOwner: Sendable, Hashable {
    case org
    case user
    case team(Int64)

    var segments: [String] {
        switch self {
        case .org: ["api", "org", "preferences"]
        case .user: ["api", "user", "preferences"]
        case .team(let id): ["api", "teams", String(id), "preferences"]
        }
    }

    var name: String {
        switch self {
        case .org: "org"
        case .user: "user"
        case .team: "team"
        }
    }
}

/// The preferences gfs reads and writes (`preferences.Spec`; absent fields are unset).
public struct Preferences: Sendable, Hashable, Codable {
    /// `light`, `dark` or `system`.
    public var theme: String?
    /// The home dashboard's uid.
    public var homeDashboardUID: String?
    /// `browser`, `utc` or an IANA zone.
    public var timezone: String?
    /// `monday`, `saturday`, `sunday`.
    public var weekStart: String?
    /// The UI language.
    public var language: String?

    public init(
        theme: String? = nil,
        homeDashboardUID: String? = nil,
        timezone: String? = nil,
        weekStart: String? = nil,
        language: String? = nil
    ) {
        self.theme = theme
        self.homeDashboardUID = homeDashboardUID
        self.timezone = timezone
        self.weekStart = weekStart
        self.language = language
    }
}

extension GrafanaClient {
    /// `GET /api/org/preferences`, `/api/user/preferences` or `/api/teams/:id/preferences`.
    public func preferences(of owner: PreferencesOwner) async throws -> Preferences {
        try await perform(
            APIRequest("get \(owner.name) preferences", .get, owner.segments),
            as: Preferences.self
        )
    }

    /// `PUT` the preferences whole (`UpdatePrefsCmd`; the only write the team route has, and
    /// one that every version has): fields left nil are cleared.
    @discardableResult
    public func replacePreferences(of owner: PreferencesOwner, with preferences: Preferences) async throws
        -> WriteOutcome<Void>
    {
        try await performWrite(
            APIRequest(
                "update \(owner.name) preferences",
                .put,
                owner.segments,
                body: Self.jsonBody(preferences)
            )
        )
    }
}
