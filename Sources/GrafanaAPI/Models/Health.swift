/// `GET /api/health`: database state and, unless hidden, the version.
///
/// `pkg/api/http_server.go` `healthResponse`; `version` and `commit` are omitted when
/// `[auth.anonymous] hide_version` is set (API-NOTES §2.10, fixture `health.11.5.0-pre.json`).
public struct Health: Sendable, Hashable, Codable {
    /// `"ok"`, or `"failing"` with status 503.
    public var database: String
    /// The version, unless hidden by `hide_version`.
    public var version: String?
    /// The short commit hash.
    public var commit: String?
    /// The Enterprise commit, on Enterprise builds.
    public var enterpriseCommit: String?
}

/// `buildInfo` from `GET /api/frontend/settings` (needs auth; API-NOTES §2.10,
/// fixture `frontend-settings.buildInfo.11.6.2.json`).
public struct BuildInfo: Sendable, Hashable, Codable {
    /// The version, e.g. `11.6.2` (may carry a suffix).
    public var version: String
    /// A display string: `Grafana v11.6.2 (e0ba4b4809)`.
    public var versionString: String?
    /// The short commit hash.
    public var commit: String?
    /// `Open Source` or `Enterprise`.
    public var edition: String?
    /// The run mode, `production` on real servers.
    public var env: String?
    /// The newest release the server knows of.
    public var latestVersion: String?
    /// Whether a newer release exists.
    public var hasUpdate: Bool?
    /// Whether the version is hidden from anonymous users.
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
