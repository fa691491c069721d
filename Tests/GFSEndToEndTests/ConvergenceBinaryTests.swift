import Foundation
import GrafanaAPI
import GrafanaSandbox
import Testing

/// The mission as a rerunnable runbook, through the built binary, against a sandbox that
/// misbehaves on the mission's routes: reads that fail and are retried, and a dashboard save
/// whose connection drops after the sandbox applied it. The first run fails there; a rerun
/// converges and leaves one of everything.
@Suite(.serialized) struct ConvergenceBinaryTests {
    typealias Binary = GFSBinaryTests

    /// The tutorial's mission in its rerunnable form: an existing org is reused, the key's old
    /// token is deleted before a new one is made (as examples/rotate-token.gfs does), and a
    /// dashboard already on the server is saved over.
    static let mission = """
        org create apiorg --if-missing
        use $org
        try key delete apikeycurl
        key create apikeycurl admin
        use $key
        dashboard push examples/production-overview.json
        """

    /// Faults on the routes the mission calls. Retry-After 0 keeps the retried reads from
    /// waiting; the reset waits only for the client's first backoff.
    static let faults = [
        "GET /api/user/orgs=503 retry-after=0 x2",
        "GET /api/serviceaccounts/search=429 retry-after=0 x1",
        "GET /api/search=reset x1",
        "POST /api/dashboards/db=close-mid-body x1",
    ]

    @Test func theMissionConvergesOnARerunWithNothingDuplicated() async throws {
        let server = SandboxServer(
            configuration: SandboxConfiguration(
                port: 0,
                faults: try Self.faults.map { try SandboxFault(parsing: $0) }
            )
        )
        try await server.start()
        defer { Task { await server.stop() } }
        let url = try #require(server.url)
        let script = NSTemporaryDirectory() + "gfs-mission-\(UUID().uuidString).gfs"
        try Self.mission.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let arguments = Binary.connect(url) + ["-v", script]

        // The first run rides out the failed reads, then stops at the save whose answer was
        // cut off: it cannot know whether the dashboard was saved, and says so.
        let first = try await Binary.gfs(arguments, environment: Binary.password)
        #expect(first.status == 1, "\(first.standardError)")
        #expect(
            first.standardError.contains("GET /api/user/orgs: 503 Service Unavailable (attempt 1 of 4)"),
            "\(first.standardError)"
        )
        #expect(
            first.standardError.contains("GET /api/user/orgs: 503 Service Unavailable (attempt 2 of 4)"),
            "\(first.standardError)"
        )
        #expect(
            first.standardError.contains("GET /api/serviceaccounts/search: 429 Too Many Requests (attempt 1 of 4)"),
            "\(first.standardError)"
        )
        #expect(
            first.standardError.contains("gfs: GET /api/search: the connection was reset (attempt 1 of 4)"),
            "\(first.standardError)"
        )
        #expect(first.standardError.contains("Grafana may have applied it"), "\(first.standardError)")

        // The save was applied before the connection dropped.
        let afterFirst = try #require(try await Binary.admin(url).orgs().first { $0.name == "apiorg" })
        #expect(
            try await Binary.admin(url, org: afterFirst.id).search(SearchQuery(query: "Production Overview")).count == 1
        )

        // The rerun converges: the org is reused, the token replaced, the dashboard found as it is.
        let second = try await Binary.gfs(arguments, environment: Binary.password)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardOutput.contains("existing  true"), "\(second.standardOutput)")
        #expect(second.standardOutput.contains("status     unchanged"), "\(second.standardOutput)")
        #expect(!first.standardError.contains("glsa_") && !second.standardError.contains("glsa_"))

        // One org, one service account with one token, one dashboard, all of that name.
        let orgs = try await Binary.admin(url).orgs().filter { $0.name == "apiorg" }
        try #require(orgs.count == 1, "\(orgs)")
        let apiorg = Binary.admin(url, org: orgs[0].id)
        let accounts = try await apiorg.searchServiceAccounts().serviceAccounts.filter { $0.name == "apikeycurl" }
        try #require(accounts.count == 1, "\(accounts)")
        let tokens = try await apiorg.serviceAccountTokens(serviceAccountID: accounts[0].id)
        #expect(tokens.map(\.name) == ["apikeycurl"])
        #expect(
            try await apiorg.search(SearchQuery(query: "Production Overview")).map(\.title) == ["Production Overview"]
        )
        #expect(try await Binary.admin(url, org: 1).search(SearchQuery(query: "Production Overview")).isEmpty)
    }
}
