import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// `api METHOD PATH` through the host against the sandbox: every method, the three kinds of
/// body, Grafana's errors with `$error.status`, and dry runs.
@Suite(.serialized) struct APICommandTests {
    func temporaryFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "gfs-api-\(UUID().uuidString).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The sandbox's state, read with a client of its own.
    func get(_ harness: SandboxHarness, _ path: String) async throws -> Value {
        let response = try await harness.adminClient().send(RawRequest(method: .get, path: path)).get()
        return try Value(json: String(decoding: response.body, as: UTF8.self))
    }

    func field(_ value: Value?, _ key: String) -> Value? { value?.recordValue?[key] }

    func teamNames(_ search: Value) -> [String] {
        guard case .list(let teams)? = field(search, "teams") else { return [] }
        return teams.compactMap { field($0, "name")?.stringValue }
    }

    @Test func getAnswersAValueThatBindsUnderscore() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                api get /api/health
                assert $_.database == "ok"
                let org = (api GET /api/org).name
                assert $org == "Main Org."
                api HEAD /api/health
                assert $_ == null
                """
            ),
            harness
        )
        // The answer is shown like any result: a record as a key/value block.
        #expect(harness.sink.standardOutput.contains("database"))
    }

    @Test func postPutPatchAndDeleteWithEveryKindOfBody() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let preferences = try temporaryFile(
            """
            {
              "theme": "light",
              "timezone": "utc"
            }
            """
        )
        expectSuccess(
            await harness.run(
                """
                api POST /api/teams --body '{"name": "ops"}'
                let ops = $_.teamId
                let dev = {name: "dev", email: "dev@example.com"}
                api POST /api/teams --body $dev
                api post /api/teams --body {name: "qa"}
                let t = (api GET /api/teams/search --query perpage=10 --query page=1).teams
                assert $t[0].name == "dev" and $t[1].name == "ops" and $t[2].name == "qa"
                api PUT /api/org/preferences --body @\(preferences)
                api PATCH /api/org/preferences --body {weekStart: "monday"}
                api DELETE "/api/teams/$ops"
                """
            ),
            harness
        )
        let teams = try await get(harness, "/api/teams/search")
        #expect(teamNames(teams) == ["dev", "qa"])
        let stored = try await get(harness, "/api/org/preferences")
        #expect(field(stored, "theme") == .string("light"))
        #expect(field(stored, "timezone") == .string("utc"))
        #expect(field(stored, "weekStart") == .string("monday"))
    }

    @Test func notFoundFailsWithGrafanasMessageAndStatus() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                try api GET /api/dashboards/uid/nope
                assert $error.status == 404
                assert $error.message == "Request failed: Dashboard not found (404 Not Found, GET /api/dashboards/uid/nope)"
                """
            ),
            harness
        )
        let failed = await harness.run("api DELETE /api/teams/999")
        #expect(failed.status == .failed)
        #expect(
            failed.diagnostics.first?.message
                == "Request failed: Failed to delete Team. ID not found (404 Not Found, DELETE /api/teams/999)"
        )
    }

    @Test func aStaleDashboardVersionIsPreconditionFailed() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                let save = {dashboard: {uid: "svc", title: "Service", version: 0}}
                api POST /api/dashboards/db --body $save
                assert $_.version == 1
                try api POST /api/dashboards/db --body $save
                assert $error.status == 412
                """
            ),
            harness
        )
        let failed = await harness.run("api POST /api/dashboards/db --body $save")
        #expect(
            failed.diagnostics.first?.message
                == "Request failed: The dashboard has been changed by someone else (412 Precondition Failed, POST /api/dashboards/db)"
        )
    }

    @Test func aBodyThatIsNotJSONIsRefusedBeforeSending() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let broken = try temporaryFile("{\n  \"name\": \"ops\",\n}\n")
        let fromFile = await harness.run("api POST /api/teams --body @\(broken)")
        #expect(fromFile.status == .failed)
        #expect(fromFile.diagnostics.first?.message == "\(broken):3:1: Trailing comma before '}'")
        #expect(fromFile.diagnostics.first?.hint?.hasPrefix("Nothing was sent.") == true)
        let inline = await harness.run("api POST /api/teams --body '{name: ops}'")
        #expect(inline.diagnostics.first?.message == "body:1:2: Expected a string key, found 'n'")
        let missing = await harness.run("api POST /api/teams --body @/nonexistent/team.json")
        #expect(missing.diagnostics.first?.message == "Cannot read '/nonexistent/team.json'")
        #expect(try await get(harness, "/api/teams/search").recordValue?["totalCount"] == .int(0))

        // A Content-Type that is not JSON sends the text as it is (Grafana then refuses it).
        let text = await harness.run("api POST /api/teams --body 'name=ops' --header 'Content-Type: text/plain'")
        #expect(text.diagnostics.first?.message.contains("POST /api/teams") == true)
        #expect(text.diagnostics.first?.message.contains("body:") == false)
    }

    @Test func badMethodsHeadersAndQueriesAreClearErrors() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let method = await harness.run("api FETCH /api/health")
        #expect(method.diagnostics.first?.message == "Unknown HTTP method 'FETCH'")
        #expect(method.diagnostics.first?.hint == "Use GET, POST, PUT, PATCH, DELETE or HEAD.")
        let header = await harness.run("api GET /api/health --header NoColon")
        #expect(header.diagnostics.first?.message == "Expected a header as 'Name: value', got 'NoColon'")
        let query = await harness.run("api GET /api/health --query nothing")
        #expect(query.diagnostics.first?.message == "Expected a query parameter as 'key=value', got 'nothing'")
        let authorization = await harness.run("api GET /api/org --header 'Authorization: Bearer glsa_abc'")
        #expect(authorization.diagnostics.first?.message.hasPrefix("Cannot set the Authorization header") == true)
        #expect(authorization.diagnostics.first?.hint?.contains("use token") == true)
    }

    @Test func theSessionsOrgIsUsed() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                org create apiorg
                use $org
                assert (api GET /api/org).name == "apiorg"
                api POST /api/teams --body {name: "in-apiorg"}
                """
            ),
            harness
        )
        #expect(try await get(harness, "/api/teams/search").recordValue?["totalCount"] == .int(0))
    }

    @Test func aDryRunPrintsWritesAsCurlAndSendsOnlyReads() async throws {
        let harness = try await SandboxHarness.start(
            options: GrafanaShellHost.Options(dryRun: true, environment: [:])
        )
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                assert (api GET /api/health).database == "ok"
                api POST /api/teams --body '{"name": "ops"}'
                assert $_.dryRun == true
                api DELETE /api/teams/1
                """
            ),
            harness
        )
        let lines = harness.sink.standardError.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                #"dry run: request: curl -X POST '\#(harness.url)/api/teams' -u admin:*** -H 'Content-Type: application/json' --data-raw '{"name":"ops"}'"#,
                "dry run: request: curl -X DELETE '\(harness.url)/api/teams/1' -u admin:***",
            ]
        )
        #expect(try await get(harness, "/api/teams/search").recordValue?["totalCount"] == .int(0))
    }

    @Test func secretsInAnswersAreMasked() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                let sa = (api POST /api/serviceaccounts --body {name: "ci", role: "Admin"})
                api POST "/api/serviceaccounts/${sa.id}/tokens" --body {name: "t"}
                let token = $_
                """
            ),
            harness
        )
        let key = try #require(field(await harness.interpreter.variable("token"), "key")?.stringValue)
        #expect(key.hasPrefix("glsa_"))
        #expect(harness.host.knownSecrets.contains(key))
        #expect(!harness.sink.standardOutput.contains(key))
        #expect(harness.sink.standardOutput.contains("***"))
    }
}
