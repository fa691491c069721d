/// `GET /api/health`: database state and, unless hidden, the version.
///
/// `pkg/api/http_server.go` `healthResponse`; `version` and `commit` are omitted when
/// `[auth.anonymous] hide_version` is set (API-NOTES §2.10, fixture `health.11.5.0-pre.json`).
public struct Health: Sendable, Hashable, Codable {
    /// `"ok"`, or `"failing"` with status 503.
    public var database: String
    public var version: String?
    public var commit: String?
    public var enterpriseCommit: String?
}

/// `buildInfo` from `GET /api/frontend/settings` (needs auth; API-NOTES §2.10,
/// fixture `frontend-settings.buildInfo.11.6.2.json`).
public struct BuildInfo: Sendable, Hashable, Codable {
    public var version: String
    public var versionString: String?
    public var commit: String?
    public var edition: String?
    public var env: String?
    public var latestVersion: String?
    public var hasUpdate: Bool?
    public var hideVersion: Bool?
}

/// The part of `/api/frontend/settings` the client reads.
struct FrontendSettings: Decodable {
    var buildInfo: BuildInfo
}

/// A `{"message": "..."}` answer (`response.Success`, API-NOTES §1.1).
struct MessageResponse: Decodable {
    var message: String?
}
