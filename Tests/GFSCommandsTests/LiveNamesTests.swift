import Foundation
import GFSLanguage
import GFSTestSupport
import GrafanaAPI
import GrafanaSandbox
import Testing

@testable import GFSCommands

/// What Tab completion is offered from the server, and what the prompt says about the
/// session, against a sandbox on a real port.
@Suite(.serialized) struct LiveNamesTests {
    static let dashboardFile = SandboxHarness.repositoryFile("examples/production-overview.json")

    @Test func namesFollowTheCompletionKindAndTheCurrentOrg() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let setup = await harness.run(
            """
            org create apiorg
            org create "Other Org"
            use $org
            folder create Ops
            datasource create Prom --type prometheus --url http://prom:9090
            dashboard push \(Self.dashboardFile) --folder Ops
            key create apikeycurl admin
            """
        )
        #expect(setup.status == .success, "\(setup.diagnostics.map(\.message)) \(harness.sink.standardError)")
        let names = GrafanaLiveNames(host: harness.host)

        #expect(try await names.names(for: .orgName) == ["Main Org.", "Other Org", "apiorg"].sorted())
        // After `use $org` (the last org created), names come from that org.
        let folders = try await names.names(for: .folder)
        #expect(folders.contains("Ops"))
        #expect(folders.count == 2, "the title and the uid: \(folders)")
        #expect(try await names.names(for: .datasourceName) == ["Prom"])
        let uids = try await names.names(for: .dashboardUID)
        #expect(uids.count == 1)
        let hits = try await harness.adminClient().search(SearchQuery(query: "Production Overview"))
        #expect(hits.isEmpty, "the dashboard went to the selected org, not the main one")
        #expect(try await names.names(for: .serviceAccount) == ["apikeycurl"])
        #expect(try await names.names(for: .keyName) == ["apikeycurl"])
        #expect(try await names.names(for: .userLogin) == ["admin"])
        #expect(try await names.names(for: .url) == [])
    }

    @Test func contextNamesComeFromTheConfigFile() async throws {
        let directory = NSTemporaryDirectory() + "gfs-live-names-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/config.yaml"
        try """
        current-context: local
        contexts:
          local:
            url: http://localhost:3000
          prod:
            url: https://grafana.example.com
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let host = GrafanaShellHost(context: GrafanaContext(), options: .init(environment: [:], configPath: config))
        #expect(try await GrafanaLiveNames(host: host).names(for: .contextName) == ["local", "prod"])
    }

    @Test func anUnreachableServerThrowsAndPrintsNothing() async throws {
        let sink = CapturingSink()
        let context = GrafanaContext(
            url: URL(string: "http://127.0.0.1:9")!,
            authentication: .basic(user: "admin", password: "secret")
        )
        let host = GrafanaShellHost(context: context, options: .init(environment: [:]), sink: sink)
        await #expect(throws: (any Error).self) { try await GrafanaLiveNames(host: host).names(for: .orgName) }
        #expect(sink.standardOutput.isEmpty && sink.standardError.isEmpty)
    }

    @Test func thePromptLocationFollowsUseAndKeys() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        // A clock that stands still: the org's name is waited for however slow the machine is.
        let locator = SessionLocator(host: harness.host, lookupTimeout: .seconds(5), clock: ManualClock())
        let port = try #require(URL(string: harness.url)?.port)

        // Basic auth with no org chosen: the user's current org, asked of the server.
        #expect(
            await locator.location()
                == SessionLocation(server: "127.0.0.1:\(port)", identity: "admin", organization: "Main Org.")
        )
        #expect(await harness.run("org create apiorg\nuse $org").status == .success)
        #expect(await locator.location().organization == "apiorg")
        #expect(await harness.run("key create apikeycurl admin\nuse $key").status == .success)
        let location = await locator.location()
        #expect(location.identity == "apikeycurl")
        #expect(location.organization == "apiorg")
    }

    @Test func thePromptLocationNeverWaitsLongOnASlowServer() async throws {
        let server = SandboxServer(configuration: SandboxConfiguration(port: 0, delays: ["GET /api/org": .seconds(20)]))
        try await server.start()
        defer { Task { await server.stop() } }
        let url = try #require(server.url.flatMap(URL.init(string:)))
        let context = GrafanaContext(url: url, authentication: .basic(user: "admin", password: "admin"))
        // The real clock: the lookup gives up after 300 ms while the server holds its answer
        // for 20 s, so a missing org name shows the answer came from the timeout, however slow
        // the machine. (A manual clock advanced at once cancelled the request before it reached
        // the sandbox, and in a loaded run the sandbox then crashed as it stopped.)
        let locator = SessionLocator(host: GrafanaShellHost(context: context), lookupTimeout: .milliseconds(300))
        let location = await locator.location()
        #expect(location == SessionLocation(server: "127.0.0.1:\(url.port!)", identity: "admin", organization: nil))
    }

    @Test func apiPathsComeFromTheServersSpecAsMethodAndPath() async throws {
        let harness = try await SandboxHarness.start(version: "9.5.0")
        defer { Task { await harness.stop() } }
        let entries = try await GrafanaLiveNames(host: harness.host).names(for: .apiPath)
        // 11.4.0's list is the only one shipped; an older server falls back to it.
        #expect(
            APIPathList.forServer(GrafanaAPI.GrafanaVersion("9.5.0")).version == GrafanaAPI.GrafanaVersion("11.4.0")
        )
        #expect(entries.contains("POST /api/dashboards/db"))
        #expect(entries.contains("GET /api/dashboards/uid/{uid}"))
        #expect(entries.contains("DELETE /api/dashboards/uid/{uid}"))
        #expect(!entries.contains("PUT /api/dashboards/db"))
        #expect(entries.count == APIPathList.forServer(nil).endpoints.map(\.methods.count).reduce(0, +))
    }
}
