import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// The rest of the command set on the sandbox: each command's success and its usual failure.
@Suite(.serialized) struct CommandCoverageTests {
    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "gfs-cover-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func orgsAndTheirUsers() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                org create alpha
                org rename alpha beta
                assert $org.name == "beta"
                org show beta
                assert $org.id == 2
                use org beta --switch
                org user list
                assert $_[0].login == "admin"
                """
            ),
            harness
        )
        // --switch changed the user's stored org, as the tutorial's POST /api/user/using does.
        #expect(try await harness.adminClient().currentUser().orgId == 2)
        let missing = await harness.run("org user role nobody Editor")
        #expect(missing.diagnostics.first?.message == "No user 'nobody' in this org")
        let badRole = await harness.run("org user add admin --role Owner")
        #expect(badRole.diagnostics.first?.message == "Unknown role 'Owner'")
        // Grafana refuses to delete the caller's active org (400); switch back first.
        let active = await harness.run("org delete beta")
        #expect(
            active.diagnostics.first?.message
                == "Delete organization failed: Can not delete org for current user (400 Bad Request, DELETE /api/orgs/2)"
        )
        #expect(active.diagnostics.first?.hint == "Switch the user to another org first, e.g. 'use org 1 --switch'.")
        expectSuccess(await harness.run("use org 1 --switch\norg delete beta"), harness)
        #expect(try await harness.adminClient().orgs().map(\.name) == ["Main Org."])
        let gone = await harness.run("org show beta")
        #expect(
            gone.diagnostics.first?.message
                == "Get organization failed: Organization not found (404 Not Found, GET /api/orgs/name/beta)"
        )
    }

    @Test func pullListDiffAndDeleteADashboard() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let folder = try directory()
        try #"{"id": 4, "uid": "web", "title": "Web", "tags": ["prod"], "refresh": "1m"}"#
            .write(toFile: folder + "/web.json", atomically: true, encoding: .utf8)
        expectSuccess(
            await harness.run(
                """
                folder create Ops --uid ops
                dashboard push \(folder)/web.json --folder Ops --message first
                dashboard list --tag prod
                assert $_[0].folder == "Ops"
                dashboard pull web --out \(folder)/pulled.json
                dashboard diff \(folder)/web.json
                assert $_.status == "identical"
                """
            ),
            harness
        )
        let pulled = try String(contentsOfFile: folder + "/pulled.json", encoding: .utf8)
        #expect(pulled.contains(#""title": "Web""#))

        try #"{"uid": "web", "title": "Web", "tags": ["prod"], "refresh": "5m"}"#
            .write(toFile: folder + "/web.json", atomically: true, encoding: .utf8)
        expectSuccess(await harness.run("dashboard diff \(folder)/web.json\nassert $_.status == \"changed\""), harness)
        #expect(harness.sink.standardOutput.contains(#"-   "refresh": "1m","#))
        #expect(harness.sink.standardOutput.contains(#"+   "refresh": "5m","#))

        expectSuccess(await harness.run("dashboard delete web\nfolder delete Ops\nfolder list"), harness)
        #expect(try await harness.adminClient().search(SearchQuery()).isEmpty)
        let missingFolder = await harness.run("dashboard push \(folder)/web.json --folder Nowhere")
        #expect(missingFolder.diagnostics.first?.message == "No folder 'Nowhere'")
    }

    @Test func aSameTitleDashboardIsRefusedByTheServer() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let folder = try directory()
        try #"{"uid": "one", "title": "Same"}"#.write(toFile: folder + "/one.json", atomically: true, encoding: .utf8)
        try #"{"uid": "two", "title": "Same"}"#.write(toFile: folder + "/two.json", atomically: true, encoding: .utf8)
        expectSuccess(await harness.run("dashboard push \(folder)/one.json"), harness)
        let refused = await harness.run("dashboard push \(folder)/two.json")
        #expect(refused.status == .failed)
        #expect(
            refused.diagnostics.first?.message
                == "\(folder)/two.json: Save dashboard failed: A dashboard with the same name in the folder already exists (412 Precondition Failed, POST /api/dashboards/db)",
            "\(refused.diagnostics.map(\.message))"
        )
        #expect(refused.diagnostics.first?.hint == "Pass --overwrite to replace the dashboard on the server.")
    }

    @Test func anExportGoesThroughImportWithItsInputs() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let folder = try directory()
        try """
        {"__inputs": [{"name": "DS_PROM", "label": "Prometheus", "type": "datasource", "pluginId": "prometheus"}],
         "__requires": [], "uid": "shared", "title": "Shared",
         "panels": [{"id": 1, "type": "stat", "datasource": {"type": "prometheus", "uid": "${DS_PROM}"}}]}
        """.write(toFile: folder + "/shared.json", atomically: true, encoding: .utf8)
        let missing = await harness.run("dashboard push \(folder)/shared.json")
        #expect(
            missing.diagnostics.first?.message
                == "\(folder)/shared.json: Exported dashboard needs values for DS_PROM (datasource prometheus)"
        )
        expectSuccess(
            await harness.run(
                "dashboard push \(folder)/shared.json --input DS_PROM=prom-uid\nassert $dashboard.status == \"imported\""
            ),
            harness
        )
        let model = try await harness.adminClient().dashboard(uid: "shared")
        #expect(String(decoding: model.dashboard, as: UTF8.self).contains("prom-uid"))
    }

    @Test func dataSourcesWithSecureFieldsFromTheEnvironment() async throws {
        let harness = try await SandboxHarness.start(options: .init(environment: ["LOKI_PASSWORD": "loki-s3cret-pw"]))
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                datasource create logs --type loki --url http://loki:3100 --secure-env basicAuthPassword=LOKI_PASSWORD
                datasource create logs --type loki --if-missing
                assert $datasource.existing
                datasource show logs
                datasource list
                """
            ),
            harness
        )
        #expect(!harness.sink.standardOutput.contains("loki-s3cret-pw"))
        #expect(harness.host.knownSecrets.contains("loki-s3cret-pw"))
        let unset = await harness.run("datasource create other --type loki --secure-env basicAuthPassword=NOT_SET")
        #expect(unset.diagnostics.first?.message == "The environment variable NOT_SET is not set")
        expectSuccess(await harness.run("datasource delete logs"), harness)
        let gone = await harness.run("datasource show logs")
        #expect(gone.diagnostics.first?.message == "No data source 'logs'")
        // Grafana's 404 keeps its code and request details under the command's own wording.
        #expect(gone.diagnostics.first?.code == .grafanaNotFound)
        #expect(gone.diagnostics.first?.details["status"] == 404)
        #expect(gone.diagnostics.first?.details["path"] == "/api/datasources/uid/logs")
    }

    @Test func aFileWithSecureJSONDataIsRefused() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let folder = try directory()
        try #"{"name": "x", "type": "loki", "secureJsonData": {"password": "p"}}"#
            .write(toFile: folder + "/ds.json", atomically: true, encoding: .utf8)
        let refused = await harness.run("datasource create --file \(folder)/ds.json")
        #expect(refused.diagnostics.first?.message == "\(folder)/ds.json holds secureJsonData")
    }

    @Test func keysAreListedAndDeletedByName() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                key create ci editor --ttl 30d
                assert $key.expiration != null
                key list
                assert $_[0].name == "ci"
                key delete ci
                """
            ),
            harness
        )
        let missing = await harness.run("key delete cj")
        #expect(missing.diagnostics.first?.message == "No key named 'cj' in this org")
        let badTTL = await harness.run("key create x viewer --ttl soon")
        #expect(badTTL.diagnostics.first?.message == "Invalid duration 'soon'")
    }

    @Test func anAdminTokenListsTheUsersOfItsOrg() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                org create team
                use $org
                key create team-admin admin
                use $key
                org user list
                assert $_[0].login == "admin"
                assert $_[0].orgId == $org.id
                """
            ),
            harness
        )
    }

    @Test func connectReplacesTheContext() async throws {
        let harness = try await SandboxHarness.start(options: .init(environment: ["PW": "admin"]))
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                "connect \(harness.url) --user admin --password-env PW\nassert $server.version == \"11.4.0\""
            ),
            harness
        )
        let refused = await harness.run("connect http://127.0.0.1:9 --user admin --password-env PW")
        #expect(
            refused.diagnostics.first?.message
                == "Check health failed: Cannot connect to http://127.0.0.1:9 (connection refused, GET /api/health)"
        )
        let insecure = await harness.run("connect \(harness.url) --user admin --password-env PW --insecure")
        expectSuccess(insecure, harness)
        #expect(harness.sink.standardError.contains("warning: TLS certificate verification is off"))
    }
}
