import Foundation
import GFSValue
import HTTPTypes
import Synchronization
import Testing

@testable import GrafanaSandbox

/// The state file as a journal: every acknowledged write survives a restart, a torn last
/// record (a crash in the middle of an append) is ignored, and a write appends only what it
/// changed.
@Suite struct StateJournalTests {
    /// A fresh directory holding `state.json`, removed afterwards.
    private func withStateFile(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory.appendingPathComponent("state.json").path)
    }

    private func size(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    private func orgNames(_ client: SandboxClient) async throws -> [String] {
        (try await client.get("/api/orgs").json?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []).sorted()
    }

    @Test func dashboardsSavedAndDeletedSurviveARestart() async throws {
        try await withStateFile { path in
            let configuration = SandboxConfiguration(stateFile: path)
            try await withSandbox(configuration) { client in
                for index in 1...5 {
                    let saved = try await client.post(
                        "/api/dashboards/db",
                        #"{"dashboard":{"uid":"d\#(index)","title":"Board \#(index)"}}"#
                    )
                    #expect(saved.status == .ok)
                }
                let updated = try await client.post(
                    "/api/dashboards/db",
                    #"{"dashboard":{"uid":"d2","title":"Renamed","version":1}}"#
                )
                #expect(updated.status == .ok)
                #expect(try await client.delete("/api/dashboards/uid/d3").status == .ok)
            }
            try await withSandbox(configuration) { client in
                let found = try await client.get("/api/search?type=dash-db").json?.arrayValue ?? []
                #expect(found.compactMap { $0["uid"]?.stringValue }.sorted() == ["d1", "d2", "d4", "d5"])
                let renamed = try await client.get("/api/dashboards/uid/d2")
                #expect(renamed["dashboard"]?["title"] == "Renamed")
                #expect(renamed["dashboard"]?["version"] == 2)
                // The same-title index was rebuilt from the journal: the old title is free again
                // and the new one is taken.
                let reuse = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"Board 2"}}"#)
                #expect(reuse.status == .ok)
                let clash = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"renamed"}}"#)
                #expect(clash.status == .preconditionFailed)
                // New ids continue after the old ones rather than reusing them.
                #expect((reuse["id"]?.integerValue ?? 0) > 5)
            }
        }
    }

    @Test func aTornLastRecordIsIgnoredAndEarlierWritesAreKept() async throws {
        try await withStateFile { path in
            let configuration = SandboxConfiguration(stateFile: path)
            var sizes: [Int] = []
            try await withSandbox(configuration) { client in
                for name in ["first", "second", "third"] {
                    _ = try await client.createOrg(name)
                }
            }
            sizes.append(try size(path))
            // A crash in the middle of the last append: part of its line reached the disk.
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            try handle.truncate(atOffset: UInt64(sizes[0] - 10))
            try handle.close()

            try await withSandbox(configuration) { client in
                let names1 = try await orgNames(client)
                #expect(names1 == ["Main Org.", "first", "second"])
                // Writing goes on after the recovery, and survives the next restart.
                _ = try await client.createOrg("fourth")
            }
            try await withSandbox(configuration) { client in
                let names2 = try await orgNames(client)
                #expect(names2 == ["Main Org.", "first", "fourth", "second"])
            }
        }
    }

    @Test func aLastRecordFailingItsChecksumIsIgnored() async throws {
        try await withStateFile { path in
            let configuration = SandboxConfiguration(stateFile: path)
            try await withSandbox(configuration) { client in
                _ = try await client.createOrg("kept")
                _ = try await client.createOrg("garbled")
            }
            // The whole line is there but a byte in it was not written as sent.
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let lastLineStart = try #require(bytes.dropLast().lastIndex(of: UInt8(ascii: "\n"))) + 1
            let nameAt = try #require(
                (lastLineStart..<bytes.count).first { bytes[$0...].starts(with: Array("garbled".utf8)) }
            )
            bytes[nameAt] = UInt8(ascii: "G")
            try Data(bytes).write(to: URL(fileURLWithPath: path))

            try await withSandbox(configuration) { client in
                let names3 = try await orgNames(client)
                #expect(names3 == ["Main Org.", "kept"])
            }
        }
    }

    @Test func aSaveAppendsTheSameWhateverTheNumberOfDashboards() async throws {
        try await withStateFile { path in
            let configuration = SandboxConfiguration(stateFile: path)
            try await withSandbox(configuration) { client in
                func growthOfOneSave(_ uid: String) async throws -> Int {
                    let before = try size(path)
                    let saved = try await client.post(
                        "/api/dashboards/db",
                        #"{"dashboard":{"uid":"\#(uid)","title":"\#(uid)"},"overwrite":true}"#
                    )
                    #expect(saved.status == .ok)
                    return try size(path) - before
                }
                let first = try await growthOfOneSave("probe-aaaa")
                for index in 0..<200 { _ = try await growthOfOneSave(String(format: "fill-%05d", index)) }
                let later = try await growthOfOneSave("probe-bbbb")
                // The record holds one dashboard whatever is stored; only its timestamps and
                // counters differ in length.
                #expect(abs(later - first) < 64)
            }
        }
    }

    @Test func anAnnotationAppendsTheSameWhateverTheNumberOfAnnotations() async throws {
        try await withStateFile { path in
            let configuration = SandboxConfiguration(stateFile: path)
            let listed = Mutex<Value?>(nil)
            try await withSandbox(configuration) { client in
                func growthOfOneAnnotation(_ text: String) async throws -> Int {
                    let before = try size(path)
                    let added = try await client.post(
                        "/api/annotations",
                        #"{"text":"\#(text)","time":1700000000000,"tags":["deploy"]}"#
                    )
                    #expect(added.status == .ok)
                    return try size(path) - before
                }
                let first = try await growthOfOneAnnotation("probe-aaaa")
                for index in 0..<300 { _ = try await growthOfOneAnnotation(String(format: "fill-%05d", index)) }
                let later = try await growthOfOneAnnotation("probe-bbbb")
                // The record holds the new annotation alone; only its id and counters differ.
                #expect(abs(later - first) < 64)
                // An update and a delete in the middle are one row each too.
                let before = try size(path)
                #expect(try await client.patch("/api/annotations/150", #"{"text":"changed"}"#).status == .ok)
                #expect(try await client.delete("/api/annotations/151").status == .ok)
                #expect(try size(path) - before < 4 * first)
                let answer = try await client.get("/api/annotations?limit=1000").json
                listed.withLock { $0 = answer }
            }
            // The journal replays to the same annotations, in the same order.
            try await withSandbox(configuration) { client in
                let replayed = try await client.get("/api/annotations?limit=1000").json
                #expect(replayed == listed.withLock { $0 } && replayed?.arrayValue?.count == 301)
            }
        }
    }

    @Test func aFileFromEarlierVersionsIsReadAndTurnedIntoAJournal() async throws {
        try await withStateFile { path in
            var legacy = SandboxStore.seed(adminUser: "admin", adminPassword: "admin")
            legacy.insertOrg(name: "from-the-old-file", now: Date(timeIntervalSince1970: 1_700_000_000))
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(legacy).write(to: URL(fileURLWithPath: path))

            let configuration = SandboxConfiguration(stateFile: path)
            try await withSandbox(configuration) { client in
                let names4 = try await orgNames(client)
                #expect(names4 == ["Main Org.", "from-the-old-file"])
            }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.hasPrefix("{"))
            try await withSandbox(configuration) { client in
                let names5 = try await orgNames(client)
                #expect(names5 == ["Main Org.", "from-the-old-file"])
            }
        }
    }
}

/// The journal writes the library and alerting tables only when a write touched them, found
/// by their storage rather than by comparing every row.
@Suite struct JournalTableChangeTests {
    @Test func aSpliceReplacesTheRowsBetweenTheCommonEnds() {
        func replayed(_ old: [Int], _ new: [Int]) -> ([Int], Int?) {
            guard let splice = TableSplice(from: old, to: new) else { return (old, nil) }
            var table = old
            splice.apply(to: &table)
            return (table, splice.rows.count + splice.removing)
        }
        let base = Array(0..<1000)
        #expect(replayed(base, base + [1000]) == (base + [1000], 1))
        var updated = base
        updated[500] = -1
        #expect(replayed(base, updated) == (updated, 2))
        var removed = base
        removed.remove(at: 10)
        #expect(replayed(base, removed) == (removed, 1))
        #expect(replayed(base, []) == ([], 1000))
        #expect(replayed([], [1, 2]) == ([1, 2], 2))
        #expect(replayed([1, 1, 1], [1, 1]) == ([1, 1], 1))
        #expect(TableSplice(from: base, to: Array(0..<1000)) == nil)
    }

    @Test func untouchedTablesAreLeftOutAndTouchedOnesWritten() {
        var state = SandboxState()
        state.library.annotations = []
        state.alertingStore = AlertingState()
        let persisted = state

        var untouched = persisted
        untouched.nextTeamID += 1
        let quiet = JournalRecord.changes(from: persisted, to: &untouched)
        #expect(quiet.libraryTables == nil && quiet.alerting == nil)
        #expect(quiet.libraryChanges == nil && quiet.alertingChanges == nil)

        var annotated = persisted
        annotated.library.nextAnnotationID += 1
        #expect(JournalRecord.changes(from: persisted, to: &annotated).libraryChanges != nil)

        var templated = persisted
        templated.alertingStore?.nextRuleID += 1
        #expect(JournalRecord.changes(from: persisted, to: &templated).alertingChanges != nil)
    }
}
