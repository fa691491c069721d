import Foundation
import GFSValue
import GrafanaAPI
import GrafanaSandbox
import Testing

/// The upgrade rehearsal of the README through the built binary: export "production"
/// (a sandbox of 11.4.0), import it into a sandbox of the next version (12.1.0), run a
/// runbook there, export again and diff the two trees.
@Suite(.serialized) struct UpgradeRehearsalBinaryTests {
    typealias Binary = GFSBinaryTests

    static func send(_ url: String, _ method: TransportRequest.Method, _ path: String, _ body: Value) async throws {
        _ = try await Binary.admin(url).send(RawRequest(method: method, path: path, body: Data(body.jsonBytes())))
    }

    /// Relative path and contents of every file under `directory`.
    static func files(_ directory: String) throws -> [String: String] {
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            if let text = try? String(contentsOfFile: directory + "/" + path, encoding: .utf8) { files[path] = text }
        }
        return files
    }

    @Test func productionExportImportsIntoTheNextVersionAndDiffsOnlyByTheRunbook() async throws {
        let (production, productionURL) = try await Binary.sandbox("11.4.0")
        defer { Task { await production.stop() } }
        try await Self.send(productionURL, .post, "/api/folders", ["uid": "ops", "title": "Ops"])
        try await Self.send(
            productionURL,
            .post,
            "/api/folders",
            ["uid": "db", "title": "Databases", "parentUid": "ops"]
        )
        try await Self.send(
            productionURL,
            .post,
            "/api/datasources",
            [
                "uid": "prom", "name": "Prometheus", "type": "prometheus", "access": "proxy", "url": "http://prom:9090",
                "secureJsonData": ["httpHeaderValue1": "Bearer production"],
            ]
        )
        try await Self.send(
            productionURL,
            .post,
            "/api/dashboards/db",
            [
                "dashboard": [
                    "uid": "pg", "title": "Postgres",
                    "panels": [["id": 1, "type": "stat", "datasource": ["type": "prometheus", "uid": "prom"]]],
                ],
                "folderUid": "db",
            ]
        )
        let root = NSTemporaryDirectory() + "gfs-rehearsal-\(UUID().uuidString)"
        let backup = root + "/backup"
        let after = root + "/after"

        let exported = try await Binary.gfs(
            Binary.connect(productionURL) + ["-c", "org export \(backup)"],
            environment: Binary.password
        )
        #expect(exported.status == 0, "\(exported.standardError)")
        #expect(exported.standardError.contains("not exported: prom.httpHeaderValue1"), "\(exported.standardError)")
        #expect(exported.standardOutput.contains("dashboards"), "\(exported.standardOutput)")

        let (next, nextURL) = try await Binary.sandbox("12.1.0")
        defer { Task { await next.stop() } }
        let secret = ["--secret", "prom.httpHeaderValue1=env:PROM_HEADER"]
        let environment = Binary.password.merging(["PROM_HEADER": "Bearer production"]) { $1 }
        let imported = try await Binary.gfs(
            Binary.connect(nextURL) + ["-c", "org import \(backup) \(secret.joined(separator: " "))"],
            environment: environment
        )
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(imported.standardOutput.contains("dashboards"), "\(imported.standardOutput)")

        // The runbook runs against the rehearsal server, then the org is exported and diffed.
        let runbook = try await Binary.gfs(
            Binary.connect(nextURL) + ["-c", "dashboard push examples/production-overview.json --folder ops"],
            environment: Binary.password
        )
        #expect(runbook.status == 0, "\(runbook.standardError)")
        let reexported = try await Binary.gfs(
            Binary.connect(nextURL) + ["-c", "org export \(after)"],
            environment: Binary.password
        )
        #expect(reexported.status == 0, "\(reexported.standardError)")
        let before = try Self.files(backup)
        let changed = try Self.files(after)
        let differing = Set(before.keys).union(changed.keys).filter { before[$0] != changed[$0] }.sorted()
        #expect(differing.count == 2, "\(differing)")
        #expect(differing.contains("manifest.json"))
        #expect(differing.contains { $0.hasPrefix("dashboards/Ops/") && !$0.contains("Databases") }, "\(differing)")
        #expect(changed["manifest.json"]?.contains("\"grafanaVersion\": \"12.1.0\"") == true)

        // A second import of the backup puts the rehearsal org back: the runbook's dashboard
        // is pruned and nothing else is written.
        let restored = try await Binary.gfs(
            Binary.connect(nextURL) + [
                "--output", "json", "-c", "org import \(backup) --prune \(secret.joined(separator: " "))",
            ],
            environment: environment
        )
        #expect(restored.status == 0, "\(restored.standardError)")
        let rows = try Value(json: restored.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        guard case .list(let kinds) = rows else {
            Issue.record("not a list: \(restored.standardOutput)")
            return
        }
        let dashboards = kinds.first { $0["kind"] == "dashboards" }
        #expect(dashboards?["deleted"] == 1 && dashboards?["unchanged"] == 1, "\(restored.standardOutput)")
        let writes = kinds.reduce(0) { total, row in
            total + ["created", "updated", "deleted"].reduce(0) { $0 + (row[$1].flatMap { Int("\($0)") } ?? 0) }
        }
        #expect(writes == 1, "\(restored.standardOutput)")
    }
}

extension Value {
    fileprivate subscript(field: String) -> Value? {
        guard case .record(let record) = self else { return nil }
        return record[field]
    }
}
