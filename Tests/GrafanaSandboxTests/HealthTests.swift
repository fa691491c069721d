import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

@Suite struct HealthTests {
    /// Byte layout of fixture `health.11.5.0-pre.json`: 2-space indent, no trailing newline.
    @Test func healthHasGrafanasByteLayoutWithoutAuth() async throws {
        try await withSandbox(profile("11.5.0-pre")) { client in
            let reply = try await client.get("/api/health", as: .none)
            #expect(reply.status == .ok)
            let fixture = try Fixture.text("health.11.5.0-pre.json")
            let commit = GrafanaVersion("11.5.0-pre")!.commitShort
            #expect(reply.text == fixture.replacingOccurrences(of: "4550cfb5b7", with: commit))
            #expect(reply.headers[.cacheControl] == "no-store")
            #expect(reply.contentType == "application/json; charset=UTF-8")
            #expect(try await client.send(.head, "/api/health", as: .none).text.isEmpty)
        }
    }

    @Test(arguments: ["11.4.0", "9.5.0", "12.1.0"])
    func healthAndBuildInfoReportTheEmulatedVersion(version: String) async throws {
        try await withSandbox(profile(version)) { client in
            #expect(try await client.get("/api/health", as: .none)["version"] == .string(version))
            let settings = try await client.get("/api/frontend/settings")
            #expect(settings.status == .ok)
            let buildInfo = try #require(settings["buildInfo"]?.objectValue)
            #expect(buildInfo["version"] == .string(version))
            // The fixture's buildInfo has exactly these keys, with these JSON types.
            let fixture = try #require(
                try Fixture.json("frontend-settings.buildInfo.11.6.2.json")["buildInfo"]?.objectValue
            )
            #expect(Set(buildInfo.keys) == Set(fixture.keys))
            for key in fixture.keys {
                #expect(kind(buildInfo[key]) == kind(fixture[key]), "\(key)")
            }
            let versionString = try #require(buildInfo["versionString"]?.stringValue)
            #expect(versionString.hasPrefix("Grafana v\(version) ("))
        }
    }

    @Test func frontendSettingsNeedsSignIn() async throws {
        try await withSandbox { client in
            let reply = try await client.get("/api/frontend/settings", as: .none)
            #expect(reply.text == (try Fixture.text("unauthenticated.401.json")))
        }
    }

    @Test func healthzIsPlainOk() async throws {
        try await withSandbox { client in
            let reply = try await client.get("/healthz", as: .none)
            #expect(reply.status == .ok && reply.text == "Ok")
        }
    }
}

/// The JSON type of a value, for shape comparisons.
func kind(_ value: Value?) -> String {
    switch value {
    case nil: "absent"
    case .null?: "null"
    case .bool?: "boolean"
    case .int?, .double?, .bigNumber?: "number"
    case .string?: "string"
    case .list?: "array"
    case .record?: "object"
    }
}
