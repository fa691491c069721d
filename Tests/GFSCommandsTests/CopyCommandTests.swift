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
}
