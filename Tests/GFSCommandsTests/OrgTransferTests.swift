import Foundation
import GFSLanguage
import GrafanaAPI
import GrafanaSandbox
import Synchronization
import Testing

@testable import GFSCommands

/// Forwards to the shared transport and keeps every write it sends (method, URL, body).
final class WriteRecordingTransport: HTTPTransport {
    struct Write: Hashable, Comparable, CustomStringConvertible {
        var method: String
        var url: String
        var body: String

        static func < (lhs: Write, rhs: Write) -> Bool { lhs.description < rhs.description }
        var description: String { "\(method) \(url) \(body)" }
    }

    private let writes = Mutex<[Write]>([])

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        if request.method.isWrite {
            let write = Write(request)
            writes.withLock { $0.append(write) }
        }
        return try await StandardTransport.shared.send(request)
    }

    var recorded: [Write] { writes.withLock { $0 } }
    func reset() { writes.withLock { $0.removeAll() } }
}

extension WriteRecordingTransport.Write {
    init(_ request: TransportRequest) {
        method = request.method.rawValue
        url = request.url
        body = request.body.flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }
}

/// `org export` and `org import` against the sandbox on a real port.
@Suite(.serialized) struct OrgTransferTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "gfs-transfer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Every file under `directory` by relative path, with its bytes.
    static func snapshot(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
            if !isDirectory.boolValue {
                files[path] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))
            }
        }
        return files
    }

    /// A host on the harness's sandbox whose requests go through `transport`, with `options`.
    static func host(
        _ harness: SandboxHarness,
        transport: any HTTPTransport,
        options: GrafanaShellHost.Options = GrafanaShellHost.Options(environment: [:])
    ) throws -> (Interpreter, CapturingSink) {
        try host(url: harness.url, transport: transport, options: options)
    }

    static func host(
        url: String,
        transport: any HTTPTransport,
        options: GrafanaShellHost.Options = GrafanaShellHost.Options(environment: [:])
    ) throws -> (Interpreter, CapturingSink) {
        let context = try ContextResolver(environment: [:], configPath: "/nonexistent").resolve(
            ConnectionOptions(url: url, user: "admin", password: "admin")
        )
        let sink = CapturingSink()
        let host = GrafanaShellHost(context: context, options: options, sink: sink, transport: transport)
        return (Interpreter(host: host), sink)
    }

    @Test func nestedFoldersExportStablyAndImportIntoAFreshOrg() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let directory = try Self.temporaryDirectory()
        expectSuccess(
            await harness.run(
                """
                folder create Teams --uid teams
                folder create "Team A" --uid team-a --parent teams
                folder create "a/b" --uid slashed
                org export \(directory)
                """
            ),
            harness
        )
        let first = try Self.snapshot(directory)
        #expect(first["folders/Teams/folder.json"] != nil, "\(first.keys.sorted())")
        #expect(first["folders/Teams/Team A/folder.json"] != nil)
        #expect(first["folders/a%2Fb/folder.json"] != nil)
        #expect(first["manifest.json"] != nil)
        expectSuccess(await harness.run("org export \(directory)"), harness)
        #expect(try Self.snapshot(directory) == first)

        // A directory that is not an export is refused, and nothing in it is touched.
        let other = try Self.temporaryDirectory()
        try Data("{}".utf8).write(to: URL(fileURLWithPath: other + "/notes.json"))
        let refused = await harness.run("org export \(other)")
        #expect(refused.diagnostics.first?.message == "'\(other)' is not empty and holds no manifest.json")
        #expect(try Self.snapshot(other).keys.sorted() == ["notes.json"])

        // A folder deleted on the server loses its file at the next export.
        expectSuccess(await harness.run("folder delete slashed\norg export \(directory)"), harness)
        #expect(harness.sink.standardError.contains("removed folders/a%2Fb/folder.json"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/folders/a%2Fb"))
        expectSuccess(await harness.run("folder create \"a/b\" --uid slashed\norg export \(directory)"), harness)
        #expect(try Self.snapshot(directory) == first)

        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try Self.host(harness, transport: transport)
        let imported = await interpreter.run(
            SourceFile(name: "import.gfs", text: "org create copy\nuse $org\norg import \(directory)")
        )
        #expect(imported.status == .success, "\(imported.diagnostics) \(sink.standardError)")
        let copy = try #require(try await harness.adminClient().orgs().first { $0.name == "copy" })
        let folders = try await harness.adminClient(org: copy.id).folders(parentUID: "teams")
        #expect(folders.map(\.uid) == ["team-a"])

        transport.reset()
        let again = await interpreter.run(SourceFile(name: "again.gfs", text: "org import \(directory)"))
        #expect(again.status == .success, "\(again.diagnostics) \(sink.standardError)")
        #expect(transport.recorded.isEmpty, "\(transport.recorded)")
    }

    /// Item `index` of a list, nil when there is none.
    static func item(_ value: Value?, _ index: Int) -> Value? {
        guard case .list(let items)? = value, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// Sends `method path` with a JSON body as admin in `org`, failing the test on an error.
    static func send(_ client: GrafanaClient, _ method: TransportRequest.Method, _ path: String, _ body: Value)
        async throws
    {
        _ = try await client.send(RawRequest(method: method, path: path, body: Data(body.jsonBytes())))
    }

    /// An org of every kind this transfer carries: folders three deep, `dashboards` dashboards
    /// spread over them (every tenth using a library panel, every panel a data source by uid),
    /// two library panels, two data sources (one with secure fields) and org preferences.
    static func fill(_ client: GrafanaClient, dashboards: Int = 200) async throws {
        try await send(client, .post, "/api/folders", ["uid": "teams", "title": "Teams"])
        try await send(client, .post, "/api/folders", ["uid": "team-a", "title": "Team A", "parentUid": "teams"])
        try await send(
            client,
            .post,
            "/api/folders",
            ["uid": "team-a-db", "title": "Databases", "parentUid": "team-a"]
        )
        try await send(client, .post, "/api/folders", ["uid": "ops", "title": "Ops/Infra"])
        try await send(
            client,
            .post,
            "/api/datasources",
            [
                "uid": "prom", "name": "Prometheus", "type": "prometheus", "access": "proxy",
                "url": "http://prometheus:9090", "basicAuth": true, "basicAuthUser": "grafana",
                "jsonData": ["httpMethod": "POST", "timeInterval": "15s"],
                "secureJsonData": ["basicAuthPassword": "prom-secret", "httpHeaderValue1": "Bearer x"],
            ]
        )
        try await send(
            client,
            .post,
            "/api/datasources",
            ["uid": "logs", "name": "Loki", "type": "loki", "access": "proxy", "url": "http://loki:3100"]
        )
        for (uid, folder) in [("cpu-panel", "teams"), ("mem-panel", "")] {
            var body: Record = [
                "kind": 1, "uid": .string(uid), "name": .string(uid.uppercased()),
                "model": [
                    "type": "timeseries", "title": .string(uid),
                    "datasource": ["type": "prometheus", "uid": "prom"],
                ],
            ]
            if !folder.isEmpty { body["folderUid"] = .string(folder) }
            try await send(client, .post, "/api/library-elements", .record(body))
        }
        let folders = ["", "teams", "team-a", "team-a-db", "ops"]
        for index in 0..<dashboards {
            var panels: [Value] = [
                [
                    "id": 1, "type": "timeseries", "title": "Requests",
                    "gridPos": ["x": 0, "y": 0, "w": 12, "h": 8],
                    "datasource": ["type": "prometheus", "uid": "prom"],
                    "targets": [["refId": "A", "expr": .string("rate(http_requests_total{job=\"\(index)\"}[5m])")]],
                ]
            ]
            if index % 10 == 0 {
                panels.append(
                    [
                        "id": 2, "gridPos": ["x": 12, "y": 0, "w": 12, "h": 8],
                        "libraryPanel": ["uid": index % 20 == 0 ? "cpu-panel" : "mem-panel", "name": "shared"],
                    ]
                )
            }
            let dashboard: Value = [
                "uid": .string("dash-\(index)"), "title": .string("Dashboard \(index)"), "tags": ["generated"],
                "schemaVersion": 39, "panels": .list(panels),
            ]
            try await send(
                client,
                .post,
                "/api/dashboards/db",
                ["dashboard": dashboard, "folderUid": .string(folders[index % folders.count])]
            )
        }
        try await send(
            client,
            .put,
            "/api/org/preferences",
            ["theme": "dark", "homeDashboardUID": "dash-3", "weekStart": "monday", "timezone": "utc"]
        )
    }

    /// Every file of two exports but the manifest's server version, which differs between
    /// servers of two versions.
    static func comparable(_ snapshot: [String: Data]) throws -> [String: Data] {
        var snapshot = snapshot
        if let manifest = snapshot["manifest.json"], case .record(var record) = try Value(jsonUTF8: manifest) {
            record["grafanaVersion"] = nil
            snapshot["manifest.json"] = Data(Value.record(record.sortedByKey()).jsonBytes())
        }
        return snapshot
    }

    @Test(arguments: [("11.4.0", "11.4.0"), ("11.4.0", "12.1.0"), ("9.5.0", "11.4.0")])
    func aFullOrgMovesToAFreshOrgAndConverges(source: String, target: String) async throws {
        let harness = try await SandboxHarness.start(version: source)
        defer { Task { await harness.stop() } }
        try await Self.fill(harness.adminClient())
        let directory = try Self.temporaryDirectory()
        expectSuccess(await harness.run("org export \(directory)"), harness)
        #expect(harness.sink.standardError.contains("not exported: prom.basicAuthPassword, prom.httpHeaderValue1"))
        let exported = try Self.snapshot(directory)
        #expect(exported.keys.filter { $0.hasPrefix("dashboards/") }.count == 200)
        #expect(exported["dashboards/Teams/Team A/Databases/dash-3.json"] != nil || source == "9.5.0")
        #expect(exported["library-panels/cpu-panel.json"] != nil)
        #expect(exported["datasources/prom.json"] != nil)
        #expect(exported["preferences.json"] != nil)
        let prom = try Value(jsonUTF8: exported["datasources/prom.json"] ?? Data())
        #expect(prom["secureJsonFields"] == ["basicAuthPassword": true, "httpHeaderValue1": true])
        #expect(!String(decoding: exported["datasources/prom.json"] ?? Data(), as: UTF8.self).contains("prom-secret"))

        // Nothing changed: a second export writes the same bytes.
        expectSuccess(await harness.run("org export \(directory)"), harness)
        #expect(try Self.snapshot(directory) == exported)

        // Into a fresh org of the same server, or a fresh sandbox of another version.
        let targetHarness = source == target ? harness : try await SandboxHarness.start(version: target)
        defer { if source != target { Task { await targetHarness.stop() } } }
        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try Self.host(
            targetHarness,
            transport: transport,
            options: GrafanaShellHost.Options(environment: ["PROM_PASSWORD": "prom-secret"])
        )
        let prepared = await interpreter.run(SourceFile(name: "org.gfs", text: "org create restored\nuse $org"))
        #expect(prepared.status == .success, "\(prepared.diagnostics)")
        let headerFile = directory + "-header"
        try Data("Bearer x\n".utf8).write(to: URL(fileURLWithPath: headerFile))
        let secret =
            "--secret prom.basicAuthPassword=env:PROM_PASSWORD --secret prom.httpHeaderValue1=file:\(headerFile)"

        // Without the secrets, the import says what it cannot carry and how to supply it.
        let withoutSecrets = await interpreter.run(
            SourceFile(name: "plan.gfs", text: "org import \(directory) --dry-run")
        )
        #expect(withoutSecrets.status == .success, "\(withoutSecrets.diagnostics) \(sink.standardError)")
        #expect(
            sink.standardError.contains(
                "not carried: prom.basicAuthPassword, prom.httpHeaderValue1; supply each with --secret NAME=env:VAR"
            ),
            "\(sink.standardError.prefix(2000))"
        )
        let recorder = try #require(interpreter.host as? GrafanaShellHost).recorder
        let plannedBefore = recorder.writes.count
        transport.reset()

        // The dry run plans; the real import then sends exactly those writes.
        let dryRun = await interpreter.run(
            SourceFile(name: "dry.gfs", text: "org import \(directory) --dry-run \(secret)")
        )
        #expect(dryRun.status == .success, "\(dryRun.diagnostics) \(sink.standardError)")
        #expect(transport.recorded.isEmpty, "a dry run sent \(transport.recorded.count) writes")
        let planned = recorder.writes.dropFirst(plannedBefore).map { WriteRecordingTransport.Write($0.request) }
        let imported = await interpreter.run(SourceFile(name: "import.gfs", text: "org import \(directory) \(secret)"))
        #expect(imported.status == .success, "\(imported.diagnostics) \(sink.standardError)")
        let sent = transport.recorded
        // Folders, data sources, library panels, dashboards and preferences. Every folder and
        // dashboard has the grants Grafana gives what admin creates (admin Admin, and in the
        // root Editor Edit and Viewer View), so no grants are sent.
        let expectedWrites = 4 + 2 + 2 + 200 + 1
        #expect(sent.count == expectedWrites, "\(sent.count) writes")
        #expect(planned.count == sent.count)
        let onlyPlanned = Set(planned).subtracting(sent)
        let onlySent = Set(sent).subtracting(planned)
        #expect(
            onlyPlanned.isEmpty && onlySent.isEmpty,
            "planned only: \(onlyPlanned.prefix(2)); sent only: \(onlySent.prefix(2))"
        )

        // Compared through the API: the restored org exports to the same tree.
        let copy = try await targetHarness.adminClient().orgs().first { $0.name == "restored" }
        let copyClient = targetHarness.adminClient(org: try #require(copy).id)
        let restored = try await copyClient.send(RawRequest(method: .get, path: "/api/datasources/uid/prom"))
        let restoredSource = try Value(jsonUTF8: try #require(restored.answer).body)
        #expect(restoredSource["secureJsonFields"] == ["basicAuthPassword": true, "httpHeaderValue1": true])
        let second = try Self.temporaryDirectory()
        let reexport = await interpreter.run(SourceFile(name: "export.gfs", text: "org export \(second)"))
        #expect(reexport.status == .success, "\(reexport.diagnostics) \(sink.standardError)")
        let secondSnapshot = try Self.snapshot(second)
        #expect(try Self.comparable(secondSnapshot) == Self.comparable(exported))
        for key in Set(exported.keys).symmetricDifference(secondSnapshot.keys).sorted().prefix(5) {
            Issue.record("only in one export: \(key)")
        }
        for key in exported.keys.sorted() where secondSnapshot[key] != nil && key != "manifest.json" {
            if exported[key] != secondSnapshot[key] {
                Issue.record("\(key) differs: \(String(decoding: secondSnapshot[key]!, as: UTF8.self))")
                break
            }
        }

        // A second import sends no write.
        transport.reset()
        let again = await interpreter.run(SourceFile(name: "again.gfs", text: "org import \(directory) \(secret)"))
        #expect(again.status == .success, "\(again.diagnostics) \(sink.standardError)")
        #expect(transport.recorded.isEmpty, "\(transport.recorded.prefix(3))")
    }

    @Test func pruneDeletesWhatTheTreeLacksAndUpdatesWhatDiffers() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        try await Self.fill(harness.adminClient(), dashboards: 10)
        let directory = try Self.temporaryDirectory()
        expectSuccess(await harness.run("org export \(directory)"), harness)

        // The org drifts: a dashboard changes, a folder with a dashboard, a library panel and
        // a data source are added.
        let client = harness.adminClient()
        try await Self.send(
            client,
            .post,
            "/api/dashboards/db",
            ["dashboard": ["uid": "dash-1", "title": "Renamed"], "folderUid": "teams", "overwrite": true]
        )
        try await Self.send(client, .post, "/api/folders", ["uid": "extra", "title": "Extra", "parentUid": "team-a"])
        try await Self.send(
            client,
            .post,
            "/api/dashboards/db",
            ["dashboard": ["uid": "extra-dash", "title": "Extra"], "folderUid": "extra"]
        )
        try await Self.send(
            client,
            .post,
            "/api/library-elements",
            ["kind": 1, "uid": "extra-panel", "name": "Extra", "model": ["type": "text"], "folderUid": "extra"]
        )
        try await Self.send(
            client,
            .post,
            "/api/datasources",
            ["uid": "extra-ds", "name": "Extra", "type": "loki", "access": "proxy", "url": "http://x"]
        )

        // Without --prune the additions stay; with it they go, children before parents.
        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try Self.host(
            harness,
            transport: transport,
            options: GrafanaShellHost.Options(output: .json, environment: [:])
        )
        let kept = await interpreter.run(SourceFile(name: "keep.gfs", text: "org import \(directory)"))
        #expect(kept.status == .success, "\(kept.diagnostics) \(sink.standardError)")
        #expect(
            transport.recorded.map { "\($0.method) \($0.url.split(separator: "/", maxSplits: 3).last ?? "")" } == [
                "POST dashboards/db"
            ]
        )
        transport.reset()
        let pruned = await interpreter.run(SourceFile(name: "prune.gfs", text: "org import \(directory) --prune"))
        #expect(pruned.status == .success, "\(pruned.diagnostics) \(sink.standardError)")
        let deletes = transport.recorded.map { "\($0.method) \($0.url.split(separator: "/", maxSplits: 3).last ?? "")" }
        #expect(
            deletes == [
                "DELETE dashboards/uid/extra-dash", "DELETE library-elements/extra-panel",
                "DELETE datasources/uid/extra-ds", "DELETE folders/extra",
            ]
        )
        let summary = try Value(json: String(sink.standardOutput.split(separator: "\n").last ?? ""))
        // The rows of these kinds; the other kinds have nothing to prune here.
        #expect(
            Value.list(Array(summary.listItems.prefix(5)))
                == [
                    ["kind": "folders", "created": 0, "updated": 0, "unchanged": 4, "deleted": 1, "failed": 0],
                    ["kind": "datasources", "created": 0, "updated": 0, "unchanged": 2, "deleted": 1, "failed": 0],
                    ["kind": "library-panels", "created": 0, "updated": 0, "unchanged": 2, "deleted": 1, "failed": 0],
                    ["kind": "dashboards", "created": 0, "updated": 0, "unchanged": 10, "deleted": 1, "failed": 0],
                    ["kind": "preferences", "created": 0, "updated": 0, "unchanged": 1, "deleted": 0, "failed": 0],
                ]
        )
        transport.reset()
        let again = await interpreter.run(SourceFile(name: "again.gfs", text: "org import \(directory) --prune"))
        #expect(again.status == .success)
        #expect(transport.recorded.isEmpty)
    }

    @Test func oneFailedWriteLeavesTheOthersAndExitsWithPartialFailure() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        try await Self.fill(harness.adminClient(), dashboards: 10)
        let directory = try Self.temporaryDirectory()
        expectSuccess(await harness.run("org export \(directory)"), harness)

        let target = SandboxServer(
            configuration: SandboxConfiguration(
                port: 0,
                faults: [try SandboxFault(parsing: "POST /api/dashboards/db=500x1")]
            )
        )
        try await target.start()
        defer { Task { await target.stop() } }
        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try Self.host(
            url: try #require(target.url),
            transport: transport,
            options: GrafanaShellHost.Options(showsProgress: true, environment: ["COLUMNS": "100"])
        )
        // One write at a time, so the failed save is the first one (dash-4, in Ops/Infra), not the
        // home dashboard that the preferences need.
        let partial = await interpreter.run(SourceFile(name: "import.gfs", text: "org import \(directory) --jobs 1"))
        #expect(partial.exitStatus == 4, "\(partial.diagnostics)")
        #expect(partial.diagnostics.first?.code == .partialFailure)
        #expect(
            // 19 writes; the grants equal Grafana's defaults and are not sent.
            partial.diagnostics.first?.message == "1 of 19 writes failed: dashboards/Ops%2FInfra/dash-4.json",
            "\(partial.diagnostics)"
        )
        #expect(sink.standardError.contains("dashboards: 9 created, 0 updated, 0 unchanged, 0 deleted, 1 failed"))
        #expect(sink.standardError.contains("datasources: 2 created"), "\(sink.standardError)")
        // On a terminal the bar counts the writes, redrawn in place, and is cleared at the end.
        #expect(sink.standardError.contains("\r[") && sink.standardError.contains("] 19/19 "))
        #expect(sink.standardError.contains(ProgressBar.clear))

        // The rerun sends only what is still missing.
        transport.reset()
        let rerun = await interpreter.run(SourceFile(name: "rerun.gfs", text: "org import \(directory)"))
        #expect(rerun.status == .success, "\(rerun.diagnostics)")
        #expect(
            transport.recorded.count == 1 && transport.recorded.allSatisfy { $0.method == "POST" },
            "\(transport.recorded)"
        )
    }

    @Test func failFastStopsBeforeTheNextKind() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        try await Self.fill(harness.adminClient(), dashboards: 10)
        let directory = try Self.temporaryDirectory()
        expectSuccess(await harness.run("org export \(directory)"), harness)

        let target = SandboxServer(
            configuration: SandboxConfiguration(port: 0, faults: [try SandboxFault(parsing: "POST /api/folders=503x1")])
        )
        try await target.start()
        defer { Task { await target.stop() } }
        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try Self.host(url: try #require(target.url), transport: transport)
        let stopped = await interpreter.run(SourceFile(name: "import.gfs", text: "org import \(directory) --fail-fast"))
        #expect(stopped.status != .success)
        #expect(
            sink.standardError.contains("writes not sent after the first failure (--fail-fast)"),
            "\(sink.standardError)"
        )
        // Only the root folders (the first stage) were sent.
        #expect(transport.recorded.allSatisfy { $0.url.hasSuffix("/api/folders") }, "\(transport.recorded)")
        #expect(transport.recorded.count <= 2)
    }

    @Test func nestedFoldersLandAtTheRootOfAServerWithoutNesting() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        try await Self.fill(harness.adminClient(), dashboards: 10)
        let directory = try Self.temporaryDirectory()
        expectSuccess(await harness.run("org export \(directory)"), harness)

        let old = try await SandboxHarness.start(version: "9.5.0")
        defer { Task { await old.stop() } }
        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try Self.host(old, transport: transport)
        let imported = await interpreter.run(SourceFile(name: "import.gfs", text: "org import \(directory)"))
        #expect(imported.status == .success, "\(imported.diagnostics) \(sink.standardError)")
        #expect(
            sink.standardError.contains(
                "folders: Grafana 9.5.0 has no nested folders: 2 folders inside others are created at the root"
            ),
            "\(sink.standardError)"
        )
        let dashboard = try await old.adminClient().send(RawRequest(method: .get, path: "/api/dashboards/uid/dash-3"))
        let meta = try Value(jsonUTF8: try #require(dashboard.answer).body)["meta"]
        #expect(meta?["folderUid"] == "team-a-db")
        transport.reset()
        let again = await interpreter.run(SourceFile(name: "again.gfs", text: "org import \(directory)"))
        #expect(again.status == .success)
        #expect(transport.recorded.isEmpty, "\(transport.recorded.prefix(2))")
    }

    @Test func aPanelsDataSourceFallsBackToTheSameNameUnderAnotherUID() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        try await Self.fill(harness.adminClient(), dashboards: 4)
        let directory = try Self.temporaryDirectory()
        expectSuccess(await harness.run("org export \(directory)"), harness)

        // The target org has its own "Prometheus", under another uid; data sources are not imported.
        let target = try await SandboxHarness.start(version: "12.1.0")
        defer { Task { await target.stop() } }
        try await Self.send(
            target.adminClient(),
            .post,
            "/api/datasources",
            ["uid": "their-prom", "name": "Prometheus", "type": "prometheus", "access": "proxy", "url": "http://p"]
        )
        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try Self.host(target, transport: transport)
        let imported = await interpreter.run(
            SourceFile(name: "import.gfs", text: "org import \(directory) --exclude datasources")
        )
        #expect(imported.status == .success, "\(imported.diagnostics) \(sink.standardError)")
        #expect(!transport.recorded.contains { $0.url.contains("/api/datasources") })
        let answer = try await target.adminClient().send(RawRequest(method: .get, path: "/api/dashboards/uid/dash-1"))
        let dashboard = try Value(jsonUTF8: try #require(answer.answer).body)["dashboard"]
        guard case .list(let panels)? = dashboard?["panels"] else {
            Issue.record("no panels in \(String(describing: dashboard))")
            return
        }
        #expect(panels.first?["datasource"] == ["type": "prometheus", "uid": "their-prom"])
        transport.reset()
        let again = await interpreter.run(
            SourceFile(name: "again.gfs", text: "org import \(directory) --exclude datasources")
        )
        #expect(again.status == .success)
        #expect(transport.recorded.isEmpty, "\(transport.recorded.prefix(2))")
    }

    /// A dashboard referring to data sources in every place and form is resolved by the one
    /// remapper; a data source the target has under another uid with the same name and type is
    /// adopted, one of the same name and another type is refused with what to do; grants equal
    /// to Grafana's defaults are not planned, others are.
    @Test func dataSourcesAreAdoptedOrRefusedAndEveryReferenceFollows() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let source = harness.adminClient()
        try await Self.send(
            source,
            .post,
            "/api/datasources",
            ["uid": "prom", "name": "Prometheus", "type": "prometheus", "access": "proxy", "url": "http://p"]
        )
        try await Self.send(
            source,
            .post,
            "/api/datasources",
            ["uid": "logs", "name": "Loki", "type": "loki", "access": "proxy", "url": "http://l"]
        )
        let prom: Value = ["type": "prometheus", "uid": "prom"]
        let dashboard: Value = [
            "uid": "refs", "title": "References", "schemaVersion": 39,
            "__inputs": [["name": "DS_PROM", "type": "datasource", "pluginId": "prometheus"]],
            "panels": [
                [
                    "id": 1, "type": "timeseries", "datasource": prom,
                    "targets": [["refId": "A", "datasource": ["uid": "prom"]]],
                ],
                [
                    "id": 2, "type": "row", "collapsed": true,
                    "panels": [["id": 3, "type": "stat", "datasource": "Prometheus"]],
                ],
            ],
            "rows": [["panels": [["id": 4, "type": "graph", "datasource": "prom"]]]],
            "templating": [
                "list": [
                    ["name": "q", "type": "query", "datasource": "${DS_PROM}"],
                    [
                        "name": "ds", "type": "datasource", "query": "prometheus",
                        "current": ["text": "Prometheus", "value": "prom"],
                    ],
                ]
            ],
            "annotations": ["list": [["name": "deploys", "datasource": prom]]],
        ]
        try await Self.send(source, .post, "/api/dashboards/db", ["dashboard": dashboard])
        try await Self.send(source, .post, "/api/dashboards/db", ["dashboard": ["uid": "plain", "title": "Plain"]])
        // One grant of its own instead of the defaults.
        try await Self.send(
            source,
            .post,
            "/api/dashboards/uid/plain/permissions",
            ["items": [["role": "Viewer", "permission": 1]]]
        )
        let directory = try Self.temporaryDirectory()
        expectSuccess(await harness.run("org export \(directory)"), harness)

        // The target has its own "Prometheus" (same type) and a "Loki" that is not Loki.
        let target = try await SandboxHarness.start()
        defer { Task { await target.stop() } }
        try await Self.send(
            target.adminClient(),
            .post,
            "/api/datasources",
            ["uid": "their-prom", "name": "Prometheus", "type": "prometheus", "access": "proxy", "url": "http://p"]
        )
        try await Self.send(
            target.adminClient(),
            .post,
            "/api/datasources",
            ["uid": "their-loki", "name": "Loki", "type": "elasticsearch", "access": "proxy", "url": "http://e"]
        )
        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try Self.host(target, transport: transport)
        let dryRun = await interpreter.run(SourceFile(name: "dry.gfs", text: "org import \(directory) --dry-run"))
        #expect(dryRun.exitStatus == 4, "\(dryRun.diagnostics)")
        #expect(transport.recorded.isEmpty)
        let plannedGrants = sink.standardError.split(separator: "\n").filter {
            $0.hasPrefix("plan: create permissions/")
        }
        #expect(plannedGrants == ["plan: create permissions/dashboards/plain.json"], "\(sink.standardError)")
        #expect(
            sink.standardError.contains(
                "gfs: datasources: 'Prometheus' (uid prom) is already in the org as uid their-prom; kept as it is, and the imported dashboards and library panels use it"
            ),
            "\(sink.standardError)"
        )

        let imported = await interpreter.run(SourceFile(name: "import.gfs", text: "org import \(directory)"))
        #expect(imported.exitStatus == 4, "\(imported.diagnostics)")
        #expect(
            imported.diagnostics.first?.message == "1 of 4 writes failed: datasources/logs.json",
            "\(imported.diagnostics) \(sink.standardError)"
        )
        #expect(
            sink.standardError.contains(
                "failed  create datasources/logs.json: Data source 'Loki' already exists in the target org as uid their-loki of type elasticsearch"
            ),
            "\(sink.standardError)"
        )
        #expect(!transport.recorded.contains { $0.url.hasSuffix("/api/datasources") }, "\(transport.recorded)")
        let model = try await OrgSnapshot.get(target.adminClient(), "/api/dashboards/uid/refs")["dashboard"]
        let theirs: Value = ["type": "prometheus", "uid": "their-prom"]
        #expect(Self.item(model?["panels"], 0)?["datasource"] == theirs)
        #expect(Self.item(Self.item(model?["panels"], 0)?["targets"], 0)?["datasource"] == theirs)
        #expect(Self.item(Self.item(model?["panels"], 1)?["panels"], 0)?["datasource"] == "Prometheus")
        #expect(Self.item(Self.item(model?["rows"], 0)?["panels"], 0)?["datasource"] == "their-prom")
        #expect(Self.item(model?["templating"]?["list"], 0)?["datasource"] == "Prometheus")
        #expect(
            Self.item(model?["templating"]?["list"], 1)?["current"] == ["text": "Prometheus", "value": "their-prom"]
        )
        #expect(Self.item(model?["annotations"]?["list"], 0)?["datasource"] == theirs)
        #expect(model?["__inputs"] == nil)

        // Again: nothing is sent; the refused data source is refused again before sending.
        transport.reset()
        let again = await interpreter.run(SourceFile(name: "again.gfs", text: "org import \(directory)"))
        #expect(again.diagnostics.first?.message == "1 of 1 writes failed: datasources/logs.json")
        #expect(transport.recorded.isEmpty, "\(transport.recorded.prefix(3))")
    }

    /// A library panel's model names data sources as a dashboard's panels do: a data source the
    /// target has under another uid (adopted by name) is what the imported panel points at,
    /// in both forms, and the dry run shows the rewritten model before anything is sent.
    @Test func aLibraryPanelsDataSourcesFollowTheAdoptedUID() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let source = harness.adminClient()
        try await Self.send(
            source,
            .post,
            "/api/datasources",
            ["uid": "prom", "name": "Prometheus", "type": "prometheus", "access": "proxy", "url": "http://p"]
        )
        try await Self.send(
            source,
            .post,
            "/api/library-elements",
            [
                "kind": 1, "uid": "cpu", "name": "CPU",
                "model": [
                    "type": "timeseries", "title": "CPU",
                    "datasource": ["type": "prometheus", "uid": "prom"],
                    // The string form of models before Grafana 8.3, here with the uid.
                    "targets": [["refId": "A", "datasource": "prom"], ["refId": "B"]],
                ],
            ]
        )
        let directory = try Self.temporaryDirectory()
        expectSuccess(await harness.run("org export \(directory)"), harness)

        let target = try await SandboxHarness.start()
        defer { Task { await target.stop() } }
        try await Self.send(
            target.adminClient(),
            .post,
            "/api/datasources",
            ["uid": "their-prom", "name": "Prometheus", "type": "prometheus", "access": "proxy", "url": "http://p"]
        )
        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try Self.host(target, transport: transport)
        let dryRun = await interpreter.run(SourceFile(name: "dry.gfs", text: "org import \(directory) --dry-run"))
        #expect(dryRun.status == .success, "\(dryRun.diagnostics) \(sink.standardError)")
        #expect(transport.recorded.isEmpty, "\(transport.recorded)")
        let lines = sink.standardError.split(separator: "\n")
        #expect(
            lines.contains(
                "gfs: datasources: 'Prometheus' (uid prom) is already in the org as uid their-prom; kept as it is, and the imported dashboards and library panels use it"
            ),
            "\(sink.standardError)"
        )
        #expect(lines.contains("plan: create library-panels/cpu.json"), "\(sink.standardError)")
        let planned = try #require(lines.first { $0.hasPrefix("dry run: ") && $0.contains("/api/library-elements") })
        #expect(planned.contains(#""uid":"their-prom""#), "\(planned)")
        #expect(!planned.contains(#""prom""#), "\(planned)")

        let imported = await interpreter.run(SourceFile(name: "import.gfs", text: "org import \(directory)"))
        #expect(imported.status == .success, "\(imported.diagnostics) \(sink.standardError)")
        let model = try await OrgSnapshot.get(target.adminClient(), "/api/library-elements/cpu")["result"]?["model"]
        #expect(model?["datasource"] == ["type": "prometheus", "uid": "their-prom"], "\(String(describing: model))")
        #expect(Self.item(model?["targets"], 0)?["datasource"] == "their-prom")
        #expect(Self.item(model?["targets"], 1)?["datasource"] == nil)

        // Again: the panel on the server is what the import makes of the file; nothing is sent.
        transport.reset()
        let again = await interpreter.run(SourceFile(name: "again.gfs", text: "org import \(directory)"))
        #expect(again.status == .success, "\(again.diagnostics) \(sink.standardError)")
        #expect(transport.recorded.isEmpty, "\(transport.recorded.prefix(3))")
    }
}
