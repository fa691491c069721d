import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// `copy` from a 9.5.0 sandbox into an org of an 11.4.0 sandbox named by a context.
@Suite(.serialized) struct CopyCommandTests {
    @Test func dashboardCopiesAcrossServersWithItsNeedsAndRemappedSources() async throws {
        let target = try await SandboxHarness.start()
        defer { Task { await target.stop() } }
        let directory = try OrgTransferTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/config.yaml"
        try """
        contexts:
          new:
            url: \(target.url)
            user: admin
            password-env: TARGET_PASSWORD
        """.write(toFile: config, atomically: true, encoding: .utf8)
        var options = GrafanaShellHost.Options(environment: ["TARGET_PASSWORD": "admin"])
        options.configPath = config
        let source = try await SandboxHarness.start(version: "9.5.0", options: options)
        defer { Task { await source.stop() } }

        // The target's Prometheus has another uid; it has no Loki.
        expectSuccess(
            await target.run(
                """
                org create staging
                use $org
                api POST /api/datasources --body '{"name": "Prometheus", "type": "prometheus", "uid": "prom-new", "access": "proxy", "url": "http://p:9090"}'
                """
            ),
            target
        )
        let files = [
            "prom.json": #"{"name": "Prometheus", "type": "prometheus", "uid": "prom-old", "url": "http://p:9090"}"#,
            "loki.json": #"{"name": "Loki", "type": "loki", "uid": "loki-old", "url": "http://l:3100"}"#,
            "panel.json":
                #"{"uid": "lp-cpu", "name": "CPU", "model": {"type": "stat", "title": "CPU", "datasource": {"type": "prometheus", "uid": "prom-old"}}}"#,
            "svc.json": """
            {"uid": "svc", "title": "Service", "panels": [
              {"id": 1, "type": "timeseries", "datasource": {"type": "prometheus", "uid": "prom-old"},
               "targets": [{"refId": "A", "datasource": {"type": "prometheus", "uid": "prom-old"}}]},
              {"id": 2, "type": "logs", "datasource": "Loki"},
              {"id": 3, "libraryPanel": {"uid": "lp-cpu", "name": "CPU"}}
            ],
            "templating": {"list": [{"name": "job", "type": "query", "datasource": {"type": "prometheus", "uid": "prom-old"}}]}}
            """,
        ]
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        expectSuccess(
            await source.run(
                """
                datasource create --file \(directory)/prom.json
                datasource create --file \(directory)/loki.json
                folder create Ops --uid ops
                library-panel push \(directory)/panel.json --folder ops
                dashboard push \(directory)/svc.json --folder ops
                """
            ),
            source
        )

        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try OrgTransferTests.host(source, transport: transport, options: options)
        let copied = await interpreter.run(
            SourceFile(name: "copy.gfs", text: "copy dashboard Service --to-org staging --to-context new")
        )
        #expect(copied.status == .success, "\(copied.diagnostics) \(sink.standardError)")
        // Nothing was written to the source.
        #expect(transport.recorded.allSatisfy { $0.url.hasPrefix(target.url) }, "\(transport.recorded)")

        let staging = try #require(try await target.adminClient().findOrg(named: "staging")?.id)
        let client = target.adminClient(org: staging)
        let dashboard = try await OrgSnapshot.get(client, "/api/dashboards/uid/svc")
        #expect(dashboard["meta"]?["folderUid"] == "ops")
        let model = dashboard["dashboard"] ?? .null
        #expect(model["panels"]?.listItems.first?["datasource"] == ["type": "prometheus", "uid": "prom-new"])
        #expect(model["panels"]?.listItems.first?["targets"]?.listItems.first?["datasource"]?["uid"] == "prom-new")
        #expect(model["templating"]?["list"]?.listItems.first?["datasource"]?["uid"] == "prom-new")
        #expect(model["panels"]?.listItems[1]["datasource"] == "Loki")
        // Loki, which the target lacked, came along; the library panel too, remapped.
        let loki = try await OrgSnapshot.get(client, "/api/datasources/uid/loki-old")
        #expect(loki["name"] == "Loki")
        let panel = try await OrgSnapshot.get(client, "/api/library-elements/lp-cpu")
        #expect(panel["result"]?["model"]?["datasource"]?["uid"] == "prom-new")
        #expect(panel["result"]?["folderUid"] == "ops")

        // A second copy changes nothing.
        transport.reset()
        let again = await interpreter.run(
            SourceFile(name: "again.gfs", text: "copy dashboard svc --to-org staging --to-context new")
        )
        #expect(again.status == .success, "\(again.diagnostics) \(sink.standardError)")
        #expect(transport.recorded.isEmpty, "\(transport.recorded)")

        // A mapping overrides: Loki's references go to Prometheus, and Loki is not carried.
        expectSuccess(
            await source.run("org create other\ncopy dashboard svc --to-org other --map-datasource Loki=Prometheus"),
            source
        )
        let other = try #require(try await source.adminClient().findOrg(named: "other")?.id)
        let otherModel = try await OrgSnapshot.get(source.adminClient(org: other), "/api/dashboards/uid/svc")
        #expect(otherModel["dashboard"]?["panels"]?.listItems[1]["datasource"] == "Prometheus")
        #expect(otherModel["dashboard"]?["panels"]?.listItems[0]["datasource"]?["uid"] == "prom-old")
    }

    /// A folder comes with its subfolders, their dashboards and their library panels; a
    /// library panel and a data source come alone; `--folder` places a dashboard; each copy
    /// run twice sends nothing the second time.
    @Test func folderLibraryPanelDataSourceAndPlacedDashboardCopyBetweenOrgs() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let directory = try OrgTransferTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = [
            "loki.json": #"{"name": "Loki", "type": "loki", "uid": "loki", "url": "http://l:3100"}"#,
            "panel.json":
                #"{"uid": "lp-logs", "name": "Logs", "model": {"type": "logs", "title": "Logs", "datasource": {"type": "loki", "uid": "loki"}}}"#,
            "top.json": #"{"uid": "top", "title": "Top", "panels": []}"#,
            "inner.json":
                #"{"uid": "inner", "title": "Inner", "panels": [{"id": 1, "libraryPanel": {"uid": "lp-logs", "name": "Logs"}}]}"#,
        ]
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        expectSuccess(
            await harness.run(
                """
                datasource create --file \(directory)/loki.json
                folder create Team --uid team
                folder create Sub --uid team-sub --parent team
                library-panel push \(directory)/panel.json --folder team
                dashboard push \(directory)/top.json --folder team
                dashboard push \(directory)/inner.json --folder team-sub
                org create staging
                org create panels
                org create sources
                org create placed
                """
            ),
            harness
        )
        let admin = harness.adminClient()
        let staging = try #require(try await admin.findOrg(named: "staging")?.id)
        let panels = try #require(try await admin.findOrg(named: "panels")?.id)
        let sources = try #require(try await admin.findOrg(named: "sources")?.id)
        let placed = try #require(try await admin.findOrg(named: "placed")?.id)
        expectSuccess(
            await harness.run(
                """
                use org \(placed)
                folder create Landing --uid landing
                use org 1
                """
            ),
            harness
        )

        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try OrgTransferTests.host(harness, transport: transport)
        for command in [
            "copy folder Team --to-org staging",
            "copy library-panel Logs --to-org panels",
            "copy datasource Loki --to-org sources",
            "copy dashboard top --to-org placed --folder Landing",
        ] {
            transport.reset()
            let first = await interpreter.run(SourceFile(name: "copy.gfs", text: command))
            #expect(first.status == .success, "\(command): \(first.diagnostics) \(sink.standardError)")
            #expect(!transport.recorded.isEmpty, "\(command) sent no write")
            transport.reset()
            let again = await interpreter.run(SourceFile(name: "again.gfs", text: command))
            #expect(again.status == .success, "\(command): \(again.diagnostics) \(sink.standardError)")
            #expect(transport.recorded.isEmpty, "\(command) again: \(transport.recorded)")
        }

        // The folder, its subfolder, both dashboards in place, and the library panel the inner
        // dashboard uses (in its source folder), with the data source it needs.
        let inStaging = harness.adminClient(org: staging)
        let sub = try await OrgSnapshot.get(inStaging, "/api/folders/team-sub")
        #expect(sub["title"] == "Sub")
        #expect(sub["parentUid"] == "team")
        #expect(try await OrgSnapshot.get(inStaging, "/api/dashboards/uid/top")["meta"]?["folderUid"] == "team")
        #expect(try await OrgSnapshot.get(inStaging, "/api/dashboards/uid/inner")["meta"]?["folderUid"] == "team-sub")
        let stagedPanel = try await OrgSnapshot.get(inStaging, "/api/library-elements/lp-logs")
        #expect(stagedPanel["result"]?["folderUid"] == "team")
        #expect(try await OrgSnapshot.get(inStaging, "/api/datasources/uid/loki")["name"] == "Loki")

        // The library panel alone, with its folder and data source, and no dashboard.
        let inPanels = harness.adminClient(org: panels)
        let panel = try await OrgSnapshot.get(inPanels, "/api/library-elements/lp-logs")
        #expect(panel["result"]?["model"]?["datasource"]?["uid"] == "loki")
        #expect(try await OrgSnapshot.get(inPanels, "/api/folders/team")["title"] == "Team")
        let panelOrgDashboards = try await OrgSnapshot.get(inPanels, "/api/search?type=dash-db")
        #expect(panelOrgDashboards.listItems.isEmpty, "\(panelOrgDashboards)")

        // The data source alone.
        let copiedSource = try await OrgSnapshot.get(harness.adminClient(org: sources), "/api/datasources/uid/loki")
        #expect(copiedSource["type"] == "loki")
        #expect(copiedSource["url"] == "http://l:3100")

        // The dashboard in the target's Landing folder, and no copy of the source's folder.
        let inPlaced = harness.adminClient(org: placed)
        #expect(try await OrgSnapshot.get(inPlaced, "/api/dashboards/uid/top")["meta"]?["folderUid"] == "landing")
        let placedFolders = try await OrgSnapshot.get(inPlaced, "/api/folders")
        #expect(placedFolders.listItems.compactMap { $0["uid"]?.stringValue } == ["landing"])
    }

    /// `copy --dry-run` reads and plans, prints each planned write and its curl command, and
    /// sends none; the real copy then sends exactly those writes. A data source of the same
    /// name in the target is adopted when it has the same type, and refused with the way out
    /// when it has another.
    @Test func aDryRunCopyPlansTheWritesTheCopyThenSends() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let directory = try OrgTransferTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = [
            "loki.json": #"{"name": "Loki", "type": "loki", "uid": "loki", "url": "http://l:3100"}"#,
            "their-loki.json": #"{"name": "Loki", "type": "loki", "uid": "their-loki", "url": "http://l:3100"}"#,
            "not-loki.json": #"{"name": "Loki", "type": "elasticsearch", "uid": "not-loki", "url": "http://e"}"#,
            "top.json":
                #"{"uid": "top", "title": "Top", "panels": [{"id": 1, "datasource": {"type": "loki", "uid": "loki"}}]}"#,
        ]
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        expectSuccess(
            await harness.run(
                """
                datasource create --file \(directory)/loki.json
                folder create Team --uid team
                dashboard push \(directory)/top.json --folder team
                org create staging
                org create adopting
                org create clashing
                use $org
                datasource create --file \(directory)/not-loki.json
                use org 1
                """
            ),
            harness
        )
        let adopting = try #require(try await harness.adminClient().findOrg(named: "adopting")?.id)
        expectSuccess(
            await harness.run("use org \(adopting)\ndatasource create --file \(directory)/their-loki.json\nuse org 1"),
            harness
        )

        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try OrgTransferTests.host(harness, transport: transport)
        let recorder = try #require(interpreter.host as? GrafanaShellHost).recorder
        let before = recorder.writes.count
        let dryRun = await interpreter.run(
            SourceFile(name: "dry.gfs", text: "copy dashboard top --to-org staging --dry-run")
        )
        #expect(dryRun.status == .success, "\(dryRun.diagnostics) \(sink.standardError)")
        #expect(transport.recorded.isEmpty, "a dry run sent \(transport.recorded)")
        let plans = sink.standardError.split(separator: "\n").filter { $0.hasPrefix("plan: ") }
        #expect(
            Set(plans) == [
                "plan: create folders/Team/folder.json", "plan: create datasources/loki.json",
                "plan: create dashboards/Team/top.json",
            ],
            "\(sink.standardError)"
        )
        #expect(
            sink.standardError.split(separator: "\n").filter { $0.hasPrefix("dry run: curl") }.count == 3,
            "\(sink.standardError)"
        )
        let planned = recorder.writes.dropFirst(before).map { WriteRecordingTransport.Write($0.request) }
        let copied = await interpreter.run(SourceFile(name: "copy.gfs", text: "copy dashboard top --to-org staging"))
        #expect(copied.status == .success, "\(copied.diagnostics) \(sink.standardError)")
        #expect(planned.sorted() == transport.recorded.sorted(), "planned \(planned); sent \(transport.recorded)")

        // The same name and type under another uid: adopted, and the dashboard points at it.
        transport.reset()
        let adopted = await interpreter.run(
            SourceFile(name: "adopt.gfs", text: "copy dashboard top --to-org adopting")
        )
        #expect(adopted.status == .success, "\(adopted.diagnostics) \(sink.standardError)")
        #expect(!transport.recorded.contains { $0.url.hasSuffix("/api/datasources") }, "\(transport.recorded)")
        let placed = try await OrgSnapshot.get(harness.adminClient(org: adopting), "/api/dashboards/uid/top")
        #expect(OrgTransferTests.item(placed["dashboard"]?["panels"], 0)?["datasource"]?["uid"] == "their-loki")

        // Another type: refused before anything is sent, saying which one and what to do.
        transport.reset()
        let clash = await interpreter.run(
            SourceFile(name: "clash.gfs", text: "copy datasource loki --to-org clashing")
        )
        #expect(clash.status != .success)
        #expect(transport.recorded.isEmpty, "\(transport.recorded)")
        #expect(
            clash.diagnostics.first?.hint
                == "The export's 'Loki' (uid loki) is of type loki, so it was not adopted. Rename one of the two and import again; with copy, --map-datasource loki=NAME points the copied dashboards at another data source.",
            "\(clash.diagnostics)"
        )
        #expect(
            sink.standardError.contains(
                "failed  create datasources/loki.json: Data source 'Loki' already exists in the target org as uid not-loki of type elasticsearch"
            ),
            "\(sink.standardError)"
        )
    }
}
