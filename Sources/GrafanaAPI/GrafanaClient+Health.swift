extension GrafanaClient {
    /// `GET /api/health`: database state and version; answers without authentication.
    ///
    /// A failing database gives 503, which throws like any other error status.
    public func health() async throws -> Health {
        try await perform(APIRequest("check health", .get, ["api", "health"]), as: Health.self)
    }

    /// `GET /api/frontend/settings` → `buildInfo` (needs authentication).
    public func buildInfo() async throws -> BuildInfo {
        try await perform(
            APIRequest("read build info", .get, ["api", "frontend", "settings"]),
            as: FrontendSettings.self
        )
        .buildInfo
    }

    /// The server version: from `/api/health`, or from `buildInfo` when health hides it.
    ///
    /// Returns nil when neither says (`hide_version` and no credentials), so callers can
    /// fall back to probing. grafana-client reads `buildInfo` since 5.0.0 because Amazon
    /// Managed Grafana has no usable health endpoint (API-NOTES §2.10, §5).
    public func serverVersion() async throws -> GrafanaVersion? {
        var healthFailure: GrafanaError?
        do {
            if let text = try await health().version, let version = GrafanaVersion(text) {
                return version
            }
        } catch let error as GrafanaError where error.kind == .httpStatus || error.kind == .invalidResponse {
            healthFailure = error
        }
        if case .none = configuration.credentials {
            if let healthFailure { throw healthFailure }
            return nil
        }
        return GrafanaVersion(try await buildInfo().version)
    }
}
