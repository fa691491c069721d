import Foundation
import GrafanaAPI
import GrafanaSandbox
import Testing

/// `api METHOD PATH` in the built binary against a sandbox on a real port: with `-c`, in a
/// script with an `@file` body, Grafana's 404 and 412, and a dry run.
@Suite(.serialized) struct APIBinaryTests {
    typealias Binary = GFSBinaryTests

    static func teamNames(_ url: String) async throws -> [String] {
        let response = try await Binary.admin(url).send(RawRequest(method: .get, path: "/api/teams/search")).get()
        let body = try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let teams = try #require(body["teams"] as? [[String: Any]])
        return teams.compactMap { $0["name"] as? String }
    }

    @Test func commandsFromTheCommandLineAnswerJSON() async throws {
        let (server, url) = try await Binary.sandbox()
        defer { Task { await server.stop() } }
        let run = try await Binary.gfs(
            Binary.connect(url) + [
                "--output", "json", "-c",
                #"api POST /api/teams --body '{"name": "ops"}'; api GET /api/teams/search --query name=ops"#,
            ],
            environment: Binary.password
        )
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(run.standardOutput)")
        let created = try #require(
            JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        )
        #expect(created["message"] as? String == "Team created")
        #expect(lines[1].contains(#""totalCount":1"#))
        #expect(try await Self.teamNames(url) == ["ops"])
    }

    @Test func aScriptSendsAFileBodyAndBranchesOnStatus() async throws {
        let (server, url) = try await Binary.sandbox()
        defer { Task { await server.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-api-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try #"{"theme": "light", "weekStart": "sunday"}"#.write(
            toFile: directory + "/prefs.json",
            atomically: true,
            encoding: .utf8
        )
        try """
        api PUT /api/org/preferences --body @\(directory)/prefs.json
        let save = {dashboard: {uid: "svc", title: "Service", version: 0}}
        api POST /api/dashboards/db --body $save
        try api POST /api/dashboards/db --body $save
        echo "stale:" $error.status
        try api GET /api/dashboards/uid/nope
        echo "missing:" $error.status
        api PATCH /api/org/preferences --body {theme: "dark"}
        echo "theme:" (api GET /api/org/preferences).theme
        """.write(toFile: directory + "/run.gfs", atomically: true, encoding: .utf8)
        let run = try await Binary.gfs(Binary.connect(url) + [directory + "/run.gfs"], environment: Binary.password)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("stale: 412\n"))
        #expect(run.standardOutput.contains("missing: 404\n"))
        #expect(run.standardOutput.contains("theme: dark\n"))
        let preferences = try await Binary.admin(url).send(RawRequest(method: .get, path: "/api/org/preferences")).get()
        #expect(String(decoding: preferences.body, as: UTF8.self).contains(#""weekStart":"sunday""#))
    }

    @Test func aFailedRequestStopsTheScriptWithGrafanasMessage() async throws {
        let (server, url) = try await Binary.sandbox()
        defer { Task { await server.stop() } }
        let run = try await Binary.gfs(
            Binary.connect(url) + ["-c", "api GET /api/dashboards/uid/nope\necho not reached"],
            environment: Binary.password
        )
        #expect(run.status == 1)
        #expect(run.standardOutput.isEmpty)
        #expect(
            run.standardError.contains(
                "error: Request failed: Dashboard not found (404 Not Found, GET /api/dashboards/uid/nope)"
            ),
            "\(run.standardError)"
        )
    }

    @Test func aDryRunPrintsCurlAndChangesNothing() async throws {
        let (server, url) = try await Binary.sandbox()
        defer { Task { await server.stop() } }
        let good = try await Binary.gfs(
            Binary.connect(url) + [
                "--dry-run", "-c", #"echo (api GET /api/org).name; api POST /api/teams --body {name: "ops"}"#,
            ],
            environment: Binary.password
        )
        #expect(good.status == 0, "\(good.standardError)")
        // The read went to the server; the write only to standard error.
        #expect(good.standardOutput.hasPrefix("Main Org.\n"))
        #expect(
            good.standardError.contains(
                #"dry run: request: curl -X POST '\#(url)/api/teams' -u admin:*** -H 'Content-Type: application/json' --data-raw '{"name":"ops"}'"#
            ),
            "\(good.standardError)"
        )
        #expect(try await Self.teamNames(url).isEmpty)
    }
}
