import Foundation
import GFSLanguage
import Testing

@testable import GFSCommands

/// Reading dashboard files before any request: the three shapes, JSON errors with their
/// position, paths, and the inputs of an export.
@Suite struct DashboardFileTests {
    @Test func aBareDashboardLosesItsID() throws {
        let file = try DashboardFile.parse(
            #"{"id": 12, "uid": "prod", "title": "Prod", "panels": []}"#,
            path: "prod.json"
        )
        #expect(file.shape == .dashboard)
        #expect(file.model["id"] == nil)
        #expect(file.model.keys == ["uid", "title", "panels"])
        #expect(file.uid == "prod")
    }

    @Test func theTutorialsSaveBody() throws {
        let text = try String(contentsOfFile: Self.repositoryFile("examples/production-overview.json"), encoding: .utf8)
        let file = try DashboardFile.parse(text, path: "examples/production-overview.json")
        #expect(file.shape == .saveBody)
        #expect(file.title == "Production Overview")
        #expect(file.uid == nil)
        #expect(file.overwrite == false)
        #expect(file.model["id"] == nil)
        #expect(file.model["refresh"] == .string("25s"))
    }

    /// The library panels a model uses are found as the file is read, in rows too; the words
    /// alone (a title, a capital P) are not a use, and an export brings its own panels.
    @Test func theLibraryPanelsAModelUsesAreFoundAsItIsRead() throws {
        let uses = try DashboardFile.parse(
            #"{"title": "Uses", "panels": [{"id": 1, "libraryPanel": {"uid": "lp1", "name": "CPU"}},"#
                + #" {"type": "row", "panels": [{"libraryPanel": {"uid": "lp2"}}]}, {"title": "Panel"}]}"#,
            path: "uses.json"
        )
        #expect(uses.libraryPanelUIDs == ["lp1", "lp2"])
        let words = try DashboardFile.parse(
            #"{"title": "Panel P", "panels": [{"title": "libraryPanel", "description": "\"libraryPanel\":"}]}"#,
            path: "words.json"
        )
        #expect(words.libraryPanelUIDs.isEmpty)
        let export = try DashboardFile.parse(
            #"{"__inputs": [{"name": "DS", "type": "datasource", "pluginId": "prometheus"}], "title": "E","#
                + #" "panels": [{"libraryPanel": {"uid": "lp3"}}]}"#,
            path: "export.json"
        )
        #expect(export.shape == .export)
        #expect(export.libraryPanelUIDs.isEmpty)
    }

    @Test func anExportNeedsItsInputs() throws {
        let text = """
            {"__inputs": [{"name": "DS_PROM", "type": "datasource", "pluginId": "prometheus"},
                          {"name": "VAR_ENV", "type": "constant", "value": "prod"}],
             "uid": "shared", "title": "Shared", "panels": [{"datasource": "${DS_PROM}"}]}
            """
        let file = try DashboardFile.parse(text, path: "shared.json")
        #expect(file.shape == .export)
        #expect {
            try file.importInputs([:])
        } throws: { error in
            (error as? DashboardFileError)?.description
                == "shared.json: Exported dashboard needs values for DS_PROM (datasource prometheus)"
        }
        let inputs = try file.importInputs(["DS_PROM": "prom-uid"])
        #expect(inputs.map(\.value) == ["prom-uid", "prod"])
        let imported = file.importedModel(inputs)
        #expect(imported["__inputs"] == nil)
        #expect(imported["panels"] == .list([.record(Record([("datasource", .string("prom-uid"))]))]))
    }

    /// The tutorial's JSON as some versions of the page print it: a missing comma.
    @Test(arguments: [
        ("{\n  \"dashboard\": {\n    \"title\": \"Production Overview\"\n    \"tags\": []\n  }\n}", 4, 5),
        ("{\"title\": \"x\",}", 1, 15),
        ("", 1, 1),
    ])
    func malformedJSONIsReportedWithItsPosition(text: String, line: Int, column: Int) {
        #expect {
            try DashboardFile.parse(text, path: "bad.json")
        } throws: { error in
            guard let error = error as? DashboardFileError else { return false }
            return error.line == line && error.column == column
                && error.description.hasPrefix("bad.json:\(line):\(column): ")
        }
    }

    @Test func aFileWithoutATitleIsNotADashboard() {
        #expect {
            try DashboardFile.parse(#"{"panels": []}"#, path: "x.json")
        } throws: { error in
            (error as? DashboardFileError)?.message == "Not a dashboard: no 'title' and no 'dashboard' member"
        }
    }

    @Test func pathsExpandFilesDirectoriesAndGlobs() throws {
        let directory = NSTemporaryDirectory() + "gfs-paths-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/nested", withIntermediateDirectories: true)
        for name in ["b.json", "a.json", "notes.txt", "nested/c.json"] {
            try "{}".write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
        }
        #expect(
            try DashboardFile.expand([directory]) == [
                "\(directory)/a.json", "\(directory)/b.json", "\(directory)/nested/c.json",
            ]
        )
        #expect(
            try DashboardFile.expand(["\(directory)/*.json", "\(directory)/a.json"]) == [
                "\(directory)/a.json", "\(directory)/b.json",
            ]
        )
        #expect {
            try DashboardFile.expand(["\(directory)/missing.json"])
        } throws: { error in
            (error as? DashboardFileError)?.description == "\(directory)/missing.json: No such file"
        }
        #expect {
            try DashboardFile.expand(["\(directory)/*.yaml"])
        } throws: { error in
            (error as? DashboardFileError)?.message == "No files match"
        }
    }

    /// Files read in runs on several cores come back in the order given, each with its own
    /// outcome: a malformed file in the middle of a run is reported in its place.
    @Test(arguments: [1, 2, 3, 8])
    func filesReadInRunsKeepTheirOrder(cores: Int) async throws {
        let directory = NSTemporaryDirectory() + "gfs-load-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let paths = (0..<100).map { String(format: "%@/%03d.json", directory, $0) }
        for (index, path) in paths.enumerated() {
            let text = index == 57 ? #"{"title": "broken",}"# : #"{"uid": "u\#(index)", "title": "T\#(index)"}"#
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let outcomes = await DashboardFile.loadAll(paths, cores: cores)
        #expect(outcomes.count == paths.count)
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let file):
                #expect(index != 57)
                #expect(file.path == paths[index])
                #expect(file.uid == "u\(index)")
            case .failure(let error):
                #expect(index == 57)
                #expect(error.path == paths[57])
            }
        }
    }

    /// Directories are listed as Foundation's enumerator listed them: hidden files, links to
    /// files and entries named `*.json` whatever they are, but not what lies behind a link to
    /// a directory.
    @Test func directoriesListHiddenFilesAndLinksButDoNotFollowLinkedDirectories() throws {
        let directory = NSTemporaryDirectory() + "gfs-listing-\(UUID().uuidString)"
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory + "/push/sub", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/push/dir.json", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/other", withIntermediateDirectories: true)
        for name in ["push/.hidden.json", "push/a.json", "push/sub/b.json", "push/dir.json/c.json", "other/d.json"] {
            try "{}".write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
        }
        try manager.createSymbolicLink(atPath: directory + "/push/linked", withDestinationPath: directory + "/other")
        try manager.createSymbolicLink(
            atPath: directory + "/push/link.json",
            withDestinationPath: directory + "/other/d.json"
        )
        let base = directory + "/push"
        #expect(
            try DashboardFile.expand([base + "/"]) == [
                "\(base)/.hidden.json", "\(base)/a.json", "\(base)/dir.json", "\(base)/dir.json/c.json",
                "\(base)/link.json", "\(base)/sub/b.json",
            ]
        )
        // A link to a directory given as the path is listed through.
        #expect(try DashboardFile.expand([base + "/linked"]) == ["\(base)/linked/d.json"])
        #expect {
            try DashboardFile.expand([base + "/sub/none"])
        } throws: { error in
            (error as? DashboardFileError)?.message == "No such file"
        }
    }

    /// A file is read whole, a byte order mark skipped, and what cannot be read is named.
    @Test func filesAreReadWholeAndTheirProblemsNamed() throws {
        let directory = NSTemporaryDirectory() + "gfs-reading-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/folder.json", withIntermediateDirectories: true)
        // Larger than the first read, so the buffer is read in more than one step.
        let title = String(repeating: "x", count: 300_000)
        let big = Data(#"{"uid": "big", "title": "\#(title)", "panels": []}"#.utf8)
        try big.write(to: URL(fileURLWithPath: directory + "/big.json"))
        try (Data([0xEF, 0xBB, 0xBF]) + Data(#"{"uid": "bom", "title": "Bom"}"#.utf8))
            .write(to: URL(fileURLWithPath: directory + "/bom.json"))
        try Data(#"{"uid": "bad", "title": "B"#.utf8 + [0xFF] + #""}"#.utf8)
            .write(to: URL(fileURLWithPath: directory + "/bad.json"))
        try Data(#"{"uid": "ok", "title": "Café ☕"}"#.utf8).write(to: URL(fileURLWithPath: directory + "/utf8.json"))

        #expect(try DashboardFile.load(directory + "/big.json").title == title)
        #expect(try DashboardFile.load(directory + "/bom.json").uid == "bom")
        #expect(try DashboardFile.load(directory + "/utf8.json").title == "Café ☕")
        for (name, message) in [
            ("bad.json", "The file is not UTF-8 text"), ("missing.json", "No such file"),
            ("folder.json", "Cannot read the file"),
        ] {
            #expect {
                try DashboardFile.load("\(directory)/\(name)")
            } throws: { error in
                (error as? DashboardFileError)?.description == "\(directory)/\(name): \(message)"
            }
        }
    }

    @Test func comparisonIgnoresIDVersionKeyOrderAndNumberSpelling() throws {
        let local = try Value(json: #"{"uid": "u", "title": "T", "refresh": 5, "version": 1}"#).recordValue!
        let server = try Value(json: #"{"title": "T", "id": 9, "version": 4, "refresh": 5.0, "uid": "u"}"#).recordValue!
        #expect(GrafanaShellHost.sameDashboard(local, server))
        let changed = try Value(json: #"{"title": "T2", "id": 9, "uid": "u", "refresh": 5}"#).recordValue!
        #expect(!GrafanaShellHost.sameDashboard(local, changed))
    }

    /// `sameDashboard` answers as comparing the `comparable` copies would, on nested records,
    /// lists, number spellings, a missing key and `id`/`version` below the top.
    @Test(arguments: [
        (#"{"a": {"b": [1, 2.0, {"c": 3}]}, "id": 1}"#, #"{"a": {"b": [1.0, 2, {"c": 3.0}]}}"#),
        (#"{"a": 1}"#, #"{"a": 1, "b": null}"#),
        (#"{"a": [1, 2]}"#, #"{"a": [2, 1]}"#),
        (#"{"a": {"id": 1}}"#, #"{"a": {"id": 2}}"#),
        (#"{"a": {"version": 1}}"#, #"{"a": {}}"#),
        (#"{"a": 1e20}"#, #"{"a": 100000000000000000000}"#),
        (#"{"a": 0.5}"#, #"{"a": 0}"#),
        (#"{"id": 3, "version": 9}"#, #"{}"#),
        (#"{"a": "1"}"#, #"{"a": 1}"#),
    ])
    func comparisonAgreesWithTheComparableCopies(local: String, server: String) throws {
        let left = try #require(try Value(json: local).recordValue)
        let right = try #require(try Value(json: server).recordValue)
        let expected = GrafanaShellHost.comparable(.record(left)) == GrafanaShellHost.comparable(.record(right))
        #expect(GrafanaShellHost.sameDashboard(left, right) == expected)
        #expect(GrafanaShellHost.sameDashboard(right, left) == expected)
    }

    @Test func aLineDiffShowsChangesWithContext() {
        let old = ["{", "  \"a\": 1,", "  \"b\": 2,", "  \"c\": 3,", "  \"d\": 4,", "  \"e\": 5", "}"]
        var new = old
        new[4] = "  \"d\": 40,"
        #expect(
            LineDiff.lines(from: old, to: new, context: 1) == [
                #"    "c": 3,"#, #"-   "d": 4,"#, #"+   "d": 40,"#, #"    "e": 5"#,
            ]
        )
        #expect(LineDiff.lines(from: old, to: old, context: 2).isEmpty)
    }

    static func repositoryFile(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent(path).path
    }
}

/// Files of one push that would overwrite each other.
extension DashboardFileTests {
    static func file(_ path: String, uid: String? = nil, title: String) throws -> DashboardFile {
        var fields = [#""title": "\#(title)""#]
        if let uid { fields.append(#""uid": "\#(uid)""#) }
        return try DashboardFile.parse("{" + fields.joined(separator: ", ") + "}", path: path)
    }

    @Test func sameUIDOrSameTitleInOneFolderClash() throws {
        let clashes = DashboardFile.clashes([
            (try Self.file("a.json", uid: "x", title: "A"), nil),
            (try Self.file("b.json", uid: "x", title: "B"), nil),
            (try Self.file("c.json", title: "Twin"), "ops"),
            (try Self.file("d.json", uid: "d", title: "Twin"), "ops"),
            (try Self.file("e.json", title: "Twin"), nil),
        ])
        #expect(
            clashes == [
                "a.json, b.json have the same uid 'x'", "c.json, d.json have the same title 'Twin' in one folder",
            ]
        )
    }

    @Test func oneDashboardInTwoFilesIsReportedOnceAndDistinctOnesNotAtAll() throws {
        #expect(
            DashboardFile.clashes([
                (try Self.file("a.json", uid: "x", title: "A"), nil),
                (try Self.file("b.json", uid: "x", title: "A"), nil),
            ]) == ["a.json, b.json have the same uid 'x'"]
        )
        #expect(
            DashboardFile.clashes([
                (try Self.file("a.json", uid: "x", title: "A"), nil),
                (try Self.file("b.json", uid: "y", title: "A"), "f"),
            ]).isEmpty
        )
    }
}
