import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// `dashboard versions|version|diff|restore|show|move|tags|home|list`, `folder
/// show|rename|move|list --tree` and `star` against a sandbox on a real port, per profile.
@Suite(.serialized) struct LifecycleCommandTests {
    static func files() throws -> String {
        let directory = NSTemporaryDirectory() + "gfs-life-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try #"{"uid":"rel","title":"Release","tags":["prod"]}"#.write(
            toFile: directory + "/v1.json",
            atomically: true,
            encoding: .utf8
        )
        try #"{"uid":"rel","title":"Release v2","tags":["prod","web"]}"#.write(
            toFile: directory + "/v2.json",
            atomically: true,
            encoding: .utf8
        )
        return directory
    }

    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"])
    func versionsDiffAndRestore(version: String) async throws {
        let harness = try await SandboxHarness.start(version: version)
        defer { Task { await harness.stop() } }
        let directory = try Self.files()
        let outcome = await harness.run(
            """
            dashboard push \(directory)/v1.json
            dashboard push \(directory)/v2.json --overwrite --message "second"
            let versions = (dashboard versions rel)
            assert $versions[0].version == 2 and $versions[0].message == "second"
            assert $versions[1].version == 1 and $versions[1].message == "Initial save"
            let diff = (dashboard diff rel --from 1 --to 2)
            assert $diff.status == "changed"
            let server = (dashboard diff rel --from 1 --to 2 --server)
            assert $server.status == "changed" and $server.from == 1 and $server.to == 2
            assert $server.diff[0] == "  {"
            let old = (dashboard version rel 1)
            assert $old.title == "Release"
            dashboard restore rel 1
            assert $dashboard.version == 3
            let shown = (dashboard show rel)
            assert $shown.title == "Release" and $shown.version == 3 and $shown.folder == "General"
            assert $shown.createdBy == "admin"
            let latest = (dashboard versions rel)
            assert $latest[0].message == "Restored from version 1" and $latest[0].restoredFrom == 1
            dashboard restore rel 2 --message "back to v2"
            let again = (dashboard versions rel)
            assert $again[0].message == "back to v2"
            let none = (dashboard diff rel --from 2 --to 4)
            assert $none.status == "identical"
            let serverSame = (dashboard diff rel --from 2 --to 2 --server)
            assert $serverSame.status == "identical"
            """
        )
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message)) \(harness.sink.standardError)")
    }

    @Test(arguments: ["11.4.0", "12.1.0"])
    func foldersStarsTagsAndHome(version: String) async throws {
        let harness = try await SandboxHarness.start(version: version)
        defer { Task { await harness.stop() } }
        let directory = try Self.files()
        let outcome = await harness.run(
            """
            dashboard push \(directory)/v1.json
            folder create Teams --uid teams
            folder create "Team A" --uid team-a --parent Teams
            dashboard move rel --folder "Team A"
            assert $dashboard.folderUid == "team-a" and $dashboard.status == "moved"
            let inside = (dashboard list --folder "Team A")
            assert $inside[0].uid == "rel"
            star add Release
            assert $_.changed == true
            star add rel
            assert $_.changed == false
            assert (dashboard show rel).starred == true
            let starred = (dashboard list --starred)
            assert $starred[0].uid == "rel"
            let stars = (star list)
            assert $stars[0].uid == "rel"
            star remove rel
            let unstarred = (star list)
            assert $unstarred == []
            let tags = (dashboard tags)
            assert $tags[0].tag == "prod" and $tags[0].count == 1
            let builtIn = (dashboard home)
            assert $builtIn.builtIn == true
            dashboard home --set rel
            assert $_.uid == "rel" and $_.title == "Release"
            let shown = (folder show team-a)
            assert $shown.path == "Teams/Team A" and $shown.parentUid == "teams"
            let tree = (folder list --tree)
            assert $tree[1].path == "Teams/Team A" and $tree[1].depth == 1
            folder rename team-a "Team B"
            assert $folder.title == "Team B"
            assert $folder.path == "Teams/Team B"
            folder move team-a
            assert $folder.path == "Team B"
            folder create Other --uid other
            folder move team-a --parent Other
            assert $folder.path == "Other/Team B" and $folder.parentUid == "other"
            """
        )
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message)) \(harness.sink.standardError)")
    }

    /// The tutorial's file has no uid: diff and push find the dashboard by title and folder.
    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"])
    func aFileWithoutUIDDiffsAgainstItsTitle(version: String) async throws {
        let harness = try await SandboxHarness.start(version: version)
        defer { Task { await harness.stop() } }
        let path = SandboxHarness.repositoryFile("examples/production-overview.json")
        let outcome = await harness.run(
            """
            let before = (dashboard diff \(path))
            assert $before.status == "new"
            dashboard push \(path)
            let after = (dashboard diff \(path))
            assert $after.status == "identical"
            dashboard push \(path)
            assert $dashboard.status == "unchanged"
            """
        )
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message)) \(harness.sink.standardError)")
    }

    @Test func unknownVersionIsGrafanasMessage() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let directory = try Self.files()
        let outcome = await harness.run("dashboard push \(directory)/v1.json\ndashboard restore rel 7")
        #expect(outcome.status == .failed)
        #expect(outcome.diagnostics.first?.message.contains("Dashboard version not found") == true)
    }
}

/// Grafana's JSON diff read back as lines.
@Suite struct GrafanaDiffHTMLTests {
    @Test func paragraphsBecomeMarkedIndentedLines() {
        func paragraph(_ number: Int, _ kind: String, _ indent: Int, _ text: String) -> String {
            "\n\t\t<p id=\"l\(number)\" class=\"diff-line diff-json-\(kind)\">\n\t<span class=\"diff-value diff-indent-\(indent)\" title=\"\(text)\" ng-non-bindable>\n\t\t\(text)\n\t</span>\n</p>\n\n\t"
        }
        let html = [
            paragraph(1, "same", 0, "{"), paragraph(2, "", 1, "&#34;tags&#34;: ["),
            paragraph(3, "old", 2, "&#34;a&lt;b&#34;"), paragraph(4, "added", 2, "&#34;c&#43;d&#34;"),
            paragraph(5, "", 1, "],"), paragraph(6, "same", 0, "}"),
        ].joined()
        #expect(
            GrafanaDiffHTML.lines(html) == [
                "  {", "  \"tags\": [", "-   \"a<b\"", "+   \"c+d\"", "  ],", "  }",
            ]
        )
        #expect(GrafanaDiffHTML.lines("") == [])
    }
}
