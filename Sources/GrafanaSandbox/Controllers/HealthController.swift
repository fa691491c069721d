import Foundation
import GFSValue
import Hummingbird

/// Health and version: `GET /api/health` (no auth) and `GET /api/frontend/settings`.
struct HealthController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/health") { _, _ in health() }
        router.head("/api/health") { _, _ in
            var response = health()
            response.body = ResponseBody()
            return response
        }
        router.get("/healthz") { _, _ in
            // `pkg/api/http_server.go` `healthzHandler`: plain `Ok`.
            SandboxResponse.raw(.ok, "Ok", contentType: "text/plain; charset=utf-8")
        }
        router.get("/api/frontend/settings") { _, context in
            _ = try context.caller()
            return SandboxResponse.json(.ok, frontendSettings())
        }
    }

    /// `apiHealthHandler` (`pkg/api/http_server.go`): `healthResponse{database, version, commit}`
    /// written with `json.MarshalIndent(data, "", "  ")`, no trailing newline, `Cache-Control:
    /// no-store` (fixture `health.11.5.0-pre.json`, byte-exact).
    private func health() -> Response {
        let version = environment.version
        let body: Value = .record([
            "database": "ok", "version": .string(version.description), "commit": .string(version.commitShort),
        ])
        var response = SandboxResponse.raw(
            .ok,
            body.encodedIndented(),
            contentType: "application/json; charset=UTF-8"
        )
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The `buildInfo` part of `dtos.FrontendSettingsDTO` (fixture
    /// `frontend-settings.buildInfo.11.6.2.json`); the rest of Grafana's very large settings
    /// object is UI configuration the sandbox does not emulate.
    private func frontendSettings() -> Value {
        let version = environment.version
        let buildInfo: Value = .record([
            "hideVersion": false,
            "version": .string(version.description),
            "versionString": .string("Grafana v\(version) (\(version.commitShort))"),
            "commit": .string(version.commitShort + String(repeating: "0", count: 30)),
            "commitShort": .string(version.commitShort),
            "buildstamp": .int(Int64(Date(timeIntervalSince1970: 1_700_000_000).timeIntervalSince1970)),
            "edition": "Open Source",
            "latestVersion": .string(version.description),
            "hasUpdate": false,
            "env": "production",
        ])
        return .record(["buildInfo": buildInfo])
    }
}
