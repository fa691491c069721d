import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// library-panel, annotation, snapshot and playlist commands against the sandbox.
@Suite(.serialized) struct LibraryCommandTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "gfs-library-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func libraryPanelsPushIdempotentlyAndGuardDashboards() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let directory = try Self.temporaryDirectory()
        let panel = "\(directory)/cpu.json"
        try Self.write(#"{"uid":"cpu","name":"CPU","model":{"type":"timeseries","title":"CPU"}}"#, to: panel)
        let dashboard = "\(directory)/dash.json"
        try Self.write(
            #"{"uid":"uses-cpu","title":"Uses CPU","panels":[{"id":1,"gridPos":{"x":0,"y":0,"w":12,"h":8},"libraryPanel":{"uid":"cpu","name":"CPU"}}]}"#,
            to: dashboard
        )

        // The dashboard is refused before anything is sent while its panel is missing.
        let refused = await harness.run("dashboard push \(dashboard)")
        #expect(refused.status != .success)
        #expect(refused.diagnostics.first?.message.contains("Library panels missing on the server: 'cpu'") == true)
        #expect(try await harness.adminClient().findDashboard(uid: "uses-cpu") == nil)

        expectSuccess(
            await harness.run(
                """
                library-panel push \(panel)
                assert $libraryPanel.status == "created"
                library-panel push \(panel)
                assert $libraryPanel.status == "unchanged"
                dashboard push \(dashboard)
                let usage = (library-panel usage cpu)
                assert $usage[0].uid == "uses-cpu"
                let panels = (library-panel list --query cpu)
                assert $panels[0].connected == 1
                try library-panel delete cpu
                assert $error.status == 403
                """
            ),
            harness
        )
        let failed = await harness.run("library-panel delete cpu")
        let message = failed.diagnostics.first?.message ?? ""
        #expect(message.contains("the library element has connections"))

        // A changed file is sent as an update of the version it replaces.
        try Self.write(#"{"uid":"cpu","name":"CPU","model":{"type":"stat","title":"CPU"}}"#, to: panel)
        expectSuccess(
            await harness.run(
                """
                library-panel push \(panel)
                assert $libraryPanel.status == "updated"
                assert $libraryPanel.version == 2
                library-panel pull cpu --out \(directory)/pulled.json
                """
            ),
            harness
        )
        let pulled = try String(contentsOfFile: "\(directory)/pulled.json", encoding: .utf8)
        #expect(pulled.contains("\"stat\"") && pulled.contains("\"uid\": \"cpu\""))
    }

    @Test func annotationTimesParseAgainstTheInjectedClock() {
        let now = Date(timeIntervalSince1970: 1_764_525_600)  // 2025-11-30T18:00:00Z
        #expect(AnnotationTime.parse("now", now: now) == 1_764_525_600_000)
        #expect(AnnotationTime.parse("now-1h", now: now) == 1_764_522_000_000)
        #expect(AnnotationTime.parse("now-1d+30m", now: now) == 1_764_441_000_000)
        #expect(AnnotationTime.parse("1764525600000", now: now) == 1_764_525_600_000)
        #expect(AnnotationTime.parse("2025-11-30T18:00:00Z", now: now) == 1_764_525_600_000)
        #expect(AnnotationTime.parse("2025-11-30T19:00:00.5+01:00", now: now) == 1_764_525_600_500)
        #expect(AnnotationTime.parse("yesterday", now: now) == nil)
        #expect(AnnotationTime.parse("now-1y", now: now) == nil)
    }

    @Test func markADeployInOneLine() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let path = SandboxHarness.repositoryFile("examples/production-overview.json")
        let now = Date(timeIntervalSince1970: 1_764_525_600)
        let outcome = await CommandClock.$now.withValue({ now }) {
            await harness.run(
                """
                dashboard push \(path)
                annotation add "Deployed v1.2" --dashboard $dashboard.uid --tag deploy --time now-5m
                let marks = (annotation list --dashboard $dashboard.uid --tag deploy --from now-1h --to now)
                assert $marks[0].time == 1764525300000
                assert $marks[0].text == "Deployed v1.2"
                annotation add "Deployed v1.2" --dashboard $dashboard.uid --tag deploy --if-missing
                assert $annotation.existing
                annotation update $marks[0].id --text "Deployed v1.2.1"
                assert (annotation list --tag deploy)[0].text == "Deployed v1.2.1"
                annotation delete $marks[0].id
                assert (annotation list --tag deploy) == []
                """
            )
        }
        expectSuccess(outcome, harness)
        let bad = await harness.run("annotation add x --time tomorrow")
        #expect(bad.diagnostics.first?.message == "Invalid time 'tomorrow' for --time")
    }

    @Test func snapshotsAndPlaylists() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let path = SandboxHarness.repositoryFile("examples/production-overview.json")
        expectSuccess(
            await harness.run(
                """
                dashboard push \(path)
                snapshot create $dashboard.uid --name "after deploy" --expires 7d
                let key = $snapshot.key
                snapshot create $dashboard.uid --name "after deploy" --if-missing
                assert $snapshot.key == $key
                assert (snapshot list)[0].key == $key
                assert (snapshot show $key).meta.isSnapshot
                snapshot delete $key
                assert (snapshot list) == []
                playlist create wall --dashboard $dashboard.uid --tag ops --interval 1m
                assert (playlist show $playlist.uid).items[1].type == "dashboard_by_tag"
                assert (playlist list)[0].name == "wall"
                playlist delete $playlist.uid
                assert (playlist list) == []
                """
            ),
            harness
        )
    }

    /// A dry run sends no write of these commands; each result is the placeholder marked `dryRun`.
    @Test func aDryRunSendsNothing() async throws {
        let setup = try await SandboxHarness.start()
        defer { Task { await setup.stop() } }
        let path = SandboxHarness.repositoryFile("examples/production-overview.json")
        expectSuccess(await setup.run("dashboard push \(path)"), setup)
        let uid = try #require(await setup.interpreter.variable("dashboard")?.recordValue?["uid"]?.stringValue)
        let directory = try Self.temporaryDirectory()
        let panel = "\(directory)/cpu.json"
        try Self.write(#"{"uid":"cpu","name":"CPU","model":{"type":"timeseries"}}"#, to: panel)

        let context = try ContextResolver(environment: [:], configPath: "/nonexistent").resolve(
            ConnectionOptions(url: setup.url, user: "admin", password: "admin")
        )
        let host = GrafanaShellHost(
            context: context,
            options: GrafanaShellHost.Options(dryRun: true, environment: [:]),
            sink: CapturingSink()
        )
        let outcome = await Interpreter(host: host).run(
            SourceFile(
                name: "dry.gfs",
                text: """
                    library-panel push \(panel)
                    assert $libraryPanel.dryRun
                    annotation add "Deployed" --dashboard \(uid) --tag deploy
                    assert $annotation.dryRun
                    snapshot create \(uid) --name s
                    assert $snapshot.dryRun
                    playlist create wall --dashboard \(uid)
                    assert $playlist.dryRun
                    """
            )
        )
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message))")
        let admin = setup.adminClient()
        #expect(try await admin.findLibraryElement(uid: "cpu") == nil)
        #expect(try await admin.annotations(query: []).isEmpty)
        #expect(try await admin.snapshots().isEmpty)
        #expect(try await admin.playlists().isEmpty)
    }

    @Test func failuresCarryGrafanasMessageOrAHint() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let noName = await harness.run("snapshot create abc --if-missing")
        #expect(noName.diagnostics.first?.message == "--if-missing needs --name")
        let panelAlone = await harness.run("annotation add x --panel 2")
        #expect(panelAlone.diagnostics.first?.message == "--panel needs --dashboard")
        let unknown = await harness.run("library-panel pull nope")
        #expect(unknown.diagnostics.first?.message.contains("library element could not be found") == true)
        let badFile = try Self.temporaryDirectory() + "/bad.json"
        try Self.write(#"{"name":"no uid","model":{}}"#, to: badFile)
        let refused = await harness.run("library-panel push \(badFile)")
        #expect(refused.diagnostics.first?.message == "\(badFile) is not a library panel file")
        // A Viewer may read annotations but not write them (Grafana's basic roles).
        expectSuccess(
            await harness.run(
                #"api POST /api/admin/users --body '{"login":"viewer","password":"pw123456"}'"#
            ),
            harness
        )
        let viewer = GrafanaClient(
            configuration: .init(
                baseURL: URL(string: harness.url)!,
                credentials: .basic(user: "viewer", password: "pw123456")
            )
        )
        #expect(try await viewer.annotations(query: []).isEmpty)
        await #expect(throws: GrafanaError.self) {
            _ = try await viewer.createAnnotation(["text": "nope"])
        }
        await #expect(throws: GrafanaError.self) {
            _ = try await viewer.createPlaylist(name: "x", interval: "5m", items: [])
        }
    }
}
