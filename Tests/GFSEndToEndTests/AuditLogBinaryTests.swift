import Foundation
import GrafanaAPI
import GrafanaSandbox
import Testing

/// `gfs --log` and `gfs replay` from the built binary: a log of the tutorial mission replays to
/// a script that, run against a fresh sandbox, leaves the same state.
@Suite(.serialized) struct AuditLogBinaryTests {
    /// What the tutorial changes, read back as admin: each org's name, dashboards and service
    /// accounts (by name and role; tokens, and the uid of a dashboard pushed without one, are
    /// random by design).
    static func state(_ url: String) async throws -> [String] {
        var lines: [String] = []
        for org in try await GFSBinaryTests.admin(url).orgs().sorted(by: { $0.id < $1.id }) {
            let client = GFSBinaryTests.admin(url, org: org.id)
            lines.append("org \(org.id) \(org.name)")
            for hit in try await client.search().sorted(by: { $0.title < $1.title }) {
                lines.append("  \(hit.type ?? "") \(hit.title) in \(hit.folderUid ?? "General")")
            }
            for account in try await client.searchServiceAccounts().serviceAccounts.sorted(by: { $0.name < $1.name }) {
                lines.append("  service account \(account.name) \(account.role)")
            }
        }
        return lines
    }

    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "gfs-audit-\(UUID().uuidString)-\(name)"
    }

    @Test func aLogOfTheTutorialReplaysToTheSameState() async throws {
        let log = Self.temporaryPath("tutorial.ndjson")
        let (first, firstURL) = try await GFSBinaryTests.sandbox()
        defer { Task { await first.stop() } }
        let run = try await GFSBinaryTests.gfs(
            GFSBinaryTests.connect(firstURL) + ["--log", log, "examples/tutorial.gfs"],
            environment: GFSBinaryTests.password
        )
        try #require(run.status == 0, "\(run.standardError)")
        // A failed statement at the prompt-like -c is logged too, and left out of the replay.
        let failed = try await GFSBinaryTests.gfs(
            GFSBinaryTests.connect(firstURL) + ["--log", log, "-c", "org create apiorg"],
            environment: GFSBinaryTests.password
        )
        #expect(failed.status == 1)

        let text = try String(contentsOfFile: log, encoding: .utf8)
        let records = text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        try #require(records.count == 6, "\(text)")
        #expect(
            records.map { $0["command"] as? String } == [
                "org create apiorg", "use $org", "key create apikeycurl admin", "use $key",
                "dashboard push examples/production-overview.json", "org create apiorg",
            ]
        )
        #expect(records.map { $0["line"] as? Int } == [10, 11, 12, 13, 14, 1])
        #expect(
            records.map { $0["outcome"] as? String } == [
                "success", "success", "success", "success", "success", "failed",
            ]
        )
        #expect(records.last?["code"] as? String == "grafana.conflict")
        // The dashboard went out with the token: the identity is the key, in the new org.
        let push = records[4]
        #expect((push["identity"] as? [String: Any])?["auth"] as? String == "token")
        #expect((push["identity"] as? [String: Any])?["name"] as? String == "apikeycurl")
        #expect((records[2]["org"] as? [String: Any])?["id"] as? Int == 2)
        #expect((records[2]["identity"] as? [String: Any])?["name"] as? String == "admin")
        let requests = push["requests"] as? [[String: Any]] ?? []
        #expect(
            requests.contains {
                $0["method"] as? String == "POST" && $0["path"] as? String == "/api/dashboards/db"
                    && $0["status"] as? Int == 200
            }
        )
        // The token `key create` returned is nowhere in the log.
        #expect(!text.contains("glsa_"))

        let replay = try await GFSBinaryTests.gfs(["replay", log, "--dry-run"])
        try #require(replay.status == 0, "\(replay.standardError)")
        #expect(replay.standardOutput.contains("# failed (grafana.conflict):\n#   org create apiorg\n"))
        let script = Self.temporaryPath("replayed.gfs")
        try replay.standardOutput.write(toFile: script, atomically: true, encoding: .utf8)

        let (second, secondURL) = try await GFSBinaryTests.sandbox()
        defer { Task { await second.stop() } }
        let rerun = try await GFSBinaryTests.gfs(
            GFSBinaryTests.connect(secondURL) + [script],
            environment: GFSBinaryTests.password
        )
        #expect(rerun.status == 0, "\(rerun.standardError)")
        let original = try await Self.state(firstURL)
        #expect(original.contains("  dash-db Production Overview in General"), "\(original)")
        #expect(try await Self.state(secondURL) == original)
    }

    @Test func replayWithoutDryRunIsAUsageError() async throws {
        let run = try await GFSBinaryTests.gfs(["replay", "/nonexistent.ndjson"])
        #expect(run.status == 64)
        #expect(run.standardError.contains("--dry-run"))
    }

    @Test func anUnwritableLogStopsTheRunBeforeItStarts() async throws {
        let run = try await GFSBinaryTests.gfs(["--log", "/nonexistent/dir/log", "-c", "echo ran"])
        #expect(run.status != 0)
        #expect(!run.standardOutput.contains("ran"))
        #expect(run.standardError.contains("Cannot open the log /nonexistent/dir/log"))
    }

    @Test func aRetriedRequestIsOneEntryWithItsRetries() async throws {
        let server = SandboxServer(
            configuration: SandboxConfiguration(port: 0, faults: [try SandboxFault(parsing: "GET /api/search=503x1")])
        )
        try await server.start()
        defer { Task { await server.stop() } }
        let log = Self.temporaryPath("retry.ndjson")
        let run = try await GFSBinaryTests.gfs(
            GFSBinaryTests.connect(server.url!) + ["--log", log, "-c", "dashboard list"],
            environment: GFSBinaryTests.password
        )
        try #require(run.status == 0, "\(run.standardError)")
        let line = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").first ?? ""
        let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let requests = record?["requests"] as? [[String: Any]] ?? []
        try #require(requests.count == 1, "\(line)")
        #expect(requests[0]["path"] as? String == "/api/search")
        #expect(requests[0]["status"] as? Int == 200)
        #expect(requests[0]["retries"] as? Int == 1)
    }

    @Test func theConfigFileNamesTheLog() async throws {
        let home = Self.temporaryPath("config")
        try FileManager.default.createDirectory(atPath: home + "/gfs", withIntermediateDirectories: true)
        let log = home + "/audit.ndjson"
        try "log: \(log)\n".write(toFile: home + "/gfs/config.yaml", atomically: true, encoding: .utf8)
        let run = try await GFSBinaryTests.gfs(["-c", "echo configured"], environment: ["XDG_CONFIG_HOME": home])
        #expect(run.status == 0, "\(run.standardError)")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains(#""command":"echo configured""#), "\(text)")
        let attributes = try FileManager.default.attributesOfItem(atPath: log)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
