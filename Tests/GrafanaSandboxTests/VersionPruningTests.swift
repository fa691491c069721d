import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// The cleanup of old dashboard versions (`versions_to_keep`), run on the ten-minute tick of
/// the injected clock.
@Suite struct VersionPruningTests {
    static func versions(_ client: SandboxClient) async throws -> [Value] {
        try #require(try await client.get("/api/dashboards/uid/life/versions").json?.arrayValue).map {
            $0["version"] ?? .null
        }
    }

    static func saveSix(_ client: SandboxClient) async throws {
        for number in 0..<6 {
            let saved = try await LifecycleTests.save(client, title: "T\(number)", version: number, message: "m")
            #expect(saved.status == .ok)
        }
    }

    @Test func theTickKeepsTheNewestVersions() async throws {
        let clock = TestWallClock()
        var configuration = SandboxConfiguration()
        configuration.now = { clock.now }
        configuration.versionsToKeep = 3
        try await withSandbox(configuration) { client in
            try await Self.saveSix(client)
            clock.advance(by: 599)
            #expect(try await Self.versions(client) == [6, 5, 4, 3, 2, 1])
            clock.advance(by: 1)
            #expect(try await Self.versions(client) == [6, 5, 4])
            #expect(try await client.get("/api/dashboards/uid/life/versions/3").status == .internalServerError)
            #expect(try await client.post("/api/dashboards/uid/life/restore", #"{"version":2}"#).status == .notFound)
            // Restoring a kept version adds one; the next tick trims back to three.
            #expect(try await client.post("/api/dashboards/uid/life/restore", #"{"version":4}"#)["version"] == 7)
            #expect(try await Self.versions(client) == [7, 6, 5, 4])
            clock.advance(by: 600)
            #expect(try await Self.versions(client) == [7, 6, 5])
            #expect(
                try await client.get("/api/dashboards/uid/life/versions?start=1&limit=1").json?.arrayValue?.first?[
                    "version"
                ] == 6
            )
        }
    }

    @Test func belowOneKeepsOne() async throws {
        let clock = TestWallClock()
        var configuration = SandboxConfiguration()
        configuration.now = { clock.now }
        configuration.versionsToKeep = 0
        try await withSandbox(configuration) { client in
            try await Self.saveSix(client)
            clock.advance(by: 600)
            #expect(try await Self.versions(client) == [6])
        }
    }

    @Test func aPruningIsJournalledAndSurvivesARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gfs-prune-\(UUID().uuidString).json")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = TestWallClock()
        var configuration = SandboxConfiguration()
        configuration.now = { clock.now }
        configuration.stateFile = path
        configuration.versionsToKeep = 2
        try await withSandbox(configuration) { client in
            try await Self.saveSix(client)
            clock.advance(by: 600)
            #expect(try await Self.versions(client) == [6, 5])
        }
        // Restarted with a higher setting, the pruned versions stay gone.
        configuration.versionsToKeep = 20
        try await withSandbox(configuration) { client in
            let kept = try await Self.versions(client)
            #expect(kept == [6, 5])
            let saved = try await LifecycleTests.save(client, title: "Seven", version: 6, message: "m")
            #expect(saved["version"] == 7)
            #expect(try await Self.versions(client) == [7, 6, 5])
        }
    }
}
