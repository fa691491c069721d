import Foundation
import GFSValue
import HTTPTypes
import Synchronization
import Testing

@testable import GrafanaSandbox

/// The dashboard table's indexes (by uid, by folder and title) stay in step with its
/// rows through every kind of write: each test checks them against indexes rebuilt from the
/// rows (``DashboardTable/indexMismatches``) and through the lookups the save path uses.
@Suite struct DashboardIndexTests {
    private func dashboard(
        _ id: Int64,
        uid: String,
        title: String,
        folder: String? = nil,
        orgID: Int64 = 1
    ) -> StoredDashboard {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        return StoredDashboard(
            id: id,
            uid: uid,
            orgID: orgID,
            title: title,
            slug: GrafanaFormat.slug(title),
            data: .record(["uid": .string(uid), "title": .string(title)]),
            version: 1,
            folderUID: folder,
            tags: [],
            created: now,
            updated: now,
            createdBy: 1,
            updatedBy: 1
        )
    }

    private func uids(_ dashboards: [StoredDashboard]) -> [String] { dashboards.map(\.uid) }

    @Test func createUpdateRenameMoveAndDeleteKeepTheIndexesInStep() {
        var table = DashboardTable()
        table.upsert(dashboard(1, uid: "a", title: "Alpha"))
        table.upsert(dashboard(2, uid: "b", title: "Beta", folder: "f1"))
        table.upsert(dashboard(3, uid: "c", title: "alpha", orgID: 2))
        #expect(table.indexMismatches.isEmpty)
        #expect(table.dashboard(uid: "a", orgID: 1)?.id == 1)
        #expect(table.dashboard(uid: "c", orgID: 1) == nil)
        #expect(uids(table.dashboards(titled: "ALPHA", folderUID: nil, orgID: 1)) == ["a"])

        // Rename: the old title is free, the new one taken, in the same folder.
        var renamed = dashboard(1, uid: "a", title: "Gamma")
        renamed.version = 2
        table.upsert(renamed)
        #expect(table.indexMismatches.isEmpty)
        #expect(table.dashboards(titled: "Alpha", folderUID: nil, orgID: 1).isEmpty)
        #expect(uids(table.dashboards(titled: "gamma", folderUID: nil, orgID: 1)) == ["a"])

        // Move between folders: found under the new folder and title only.
        table.upsert(dashboard(2, uid: "b", title: "Beta", folder: "f2"))
        #expect(table.indexMismatches.isEmpty)
        #expect(table.dashboards(titled: "Beta", folderUID: "f1", orgID: 1).isEmpty)
        #expect(uids(table.dashboards(titled: "Beta", folderUID: "f2", orgID: 1)) == ["b"])

        // Two dashboards of one title (Grafana 12 allows it) are both found, by id.
        table.upsert(dashboard(4, uid: "d", title: "beta", folder: "f2"))
        #expect(uids(table.dashboards(titled: "BETA", folderUID: "f2", orgID: 1)) == ["b", "d"])

        // Delete: every index forgets the row; the other row of the title stays.
        #expect(table.remove(id: 2)?.uid == "b")
        #expect(table.indexMismatches.isEmpty)
        #expect(table.dashboard(uid: "b", orgID: 1) == nil)
        #expect(uids(table.dashboards(titled: "beta", folderUID: "f2", orgID: 1)) == ["d"])
        table.removeAll { $0.folderUID == "f2" }
        #expect(table.indexMismatches.isEmpty)
        #expect(table.dashboards(titled: "beta", folderUID: "f2", orgID: 1).isEmpty)
        #expect(table.map(\.uid) == ["a", "c"])
    }

    @Test func aStateFileImportRebuildsTheIndexes() throws {
        var table = DashboardTable()
        for index in 1...20 {
            table.upsert(
                dashboard(Int64(index), uid: "u\(index)", title: "Board \(index % 7)", folder: "f\(index % 3)")
            )
        }
        table.remove(id: 5)
        let encoded = try JSONEncoder().encode(table)
        let decoded = try JSONDecoder().decode(DashboardTable.self, from: encoded)
        #expect(decoded.indexMismatches.isEmpty)
        #expect(decoded.map(\.uid) == table.map(\.uid))
        #expect(decoded.dashboard(uid: "u5", orgID: 1) == nil)
        #expect(uids(decoded.dashboards(titled: "board 1", folderUID: "f1", orgID: 1)) == ["u1"])
        // A state file from before versions were kept: the plain list of dashboards.
        let list = try JSONEncoder().encode(Array(table))
        let old = try JSONDecoder().decode(DashboardTable.self, from: list)
        #expect(old.indexMismatches.isEmpty)
        #expect(old.count == 19)
    }

    /// Every route that writes dashboards, then a restart that replays the journal: the indexes
    /// match the rows before and after, and the replayed table holds the same rows.
    @Test func everyWriteAndTheJournalsReplayKeepTheIndexesInStep() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = SandboxConfiguration(stateFile: directory.appendingPathComponent("state.json").path)
        let before = Mutex<[String]>([])
        try await withSandboxStore(configuration) { store, client in
            func check(_ step: String) async {
                let mismatches = await store.read { $0.dashboards.indexMismatches }
                #expect(mismatches.isEmpty, "after \(step)")
            }
            for uid in ["f1", "f2"] {
                #expect(
                    try await client.post("/api/folders", #"{"uid":"\#(uid)","title":"Folder \#(uid)"}"#).status == .ok
                )
            }
            for index in 1...6 {
                let created = try await client.post(
                    "/api/dashboards/db",
                    #"{"dashboard":{"uid":"d\#(index)","title":"Board \#(index)"},"folderUid":"f\#(index % 2 + 1)"}"#
                )
                #expect(created.status == .ok)
            }
            await check("create")
            let update = #"{"dashboard":{"uid":"d1","title":"Board 1","version":1},"folderUid":"f2"}"#
            #expect(try await client.post("/api/dashboards/db", update).status == .ok)
            await check("update")
            let rename = #"{"dashboard":{"uid":"d1","title":"Renamed","version":2},"folderUid":"f2"}"#
            #expect(try await client.post("/api/dashboards/db", rename).status == .ok)
            await check("rename")
            let move = #"{"dashboard":{"uid":"d1","title":"Renamed","version":3},"folderUid":"f1"}"#
            #expect(try await client.post("/api/dashboards/db", move).status == .ok)
            await check("move")
            // Overwriting by title replaces the dashboard that had it (up to 11.x).
            let byTitle = #"{"dashboard":{"title":"board 3"},"folderUid":"f2","overwrite":true}"#
            #expect(try await client.post("/api/dashboards/db", byTitle).status == .ok)
            await check("overwrite by title")
            #expect(try await client.post("/api/dashboards/uid/d1/restore", #"{"version":1}"#).status == .ok)
            await check("restore")
            #expect(try await client.delete("/api/dashboards/uid/d2").status == .ok)
            await check("delete")
            let imported = #"{"dashboard":{"uid":"i1","title":"Imported"},"overwrite":true,"folderUid":"f2"}"#
            #expect(try await client.post("/api/dashboards/import", imported).status == .ok)
            await check("import")
            #expect(try await client.delete("/api/folders/f2").status == .ok)
            await check("folder delete")
            let rows = await store.read { state in
                state.dashboards.map { "\($0.uid) \($0.title) \($0.folderUID ?? "")" }
            }
            // Folder f2 held d3, d5 and i1; d2 was deleted; the restore kept d1 in f1.
            #expect(rows == ["d1 Board 1 f1", "d4 Board 4 f1", "d6 Board 6 f1"])
            before.withLock { $0 = rows }
        }
        try await withSandboxStore(configuration) { store, client in
            let (mismatches, rows) = await store.read { state in
                (
                    state.dashboards.indexMismatches,
                    state.dashboards.map { "\($0.uid) \($0.title) \($0.folderUID ?? "")" }
                )
            }
            #expect(mismatches.isEmpty)
            #expect(rows == before.withLock { $0 })
            // The replayed indexes answer the save path: the title is taken, the uid found.
            let clash = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"BOARD 4"},"folderUid":"f1"}"#
            )
            #expect(clash.status == .preconditionFailed)
            let update = #"{"dashboard":{"uid":"d6","title":"Board 6","version":1},"folderUid":"f1"}"#
            #expect(try await client.post("/api/dashboards/db", update)["version"] == 2)
        }
    }

    /// Once a dashboard moves on, its old versions keep their model as compact JSON (a value
    /// tree is four times the size or more) and read back as the same value.
    @Test func replacedVersionsAreKeptAsJSONAndReadBackUnchanged() throws {
        let model = try Value(
            json: #"{"uid":"v","title":"V","b":3.0,"a":1,"c":1e-7,"d":123456789012345678901234567890,"#
                + #""e":"\u00e9\n\"","f":[null,true,{"z":[],"y":{}}],"g":-0.5}"#
        )
        var table = DashboardTable()
        var first = dashboard(1, uid: "v", title: "V")
        first.data = model
        table.upsert(first)
        table.addVersion(
            StoredDashboardVersion(
                id: 0,
                dashboardID: 1,
                parentVersion: 0,
                restoredFrom: 0,
                version: 1,
                created: first.created,
                createdBy: 1,
                message: "",
                data: model
            )
        )
        #expect(table.version(1, of: 1)?.isCompact == false)
        #expect(table.takeReleasedBytes() == 0)
        var second = first
        second.version = 2
        second.data = .record(["uid": "v", "title": "V"])
        table.upsert(second)
        let kept = try #require(table.version(1, of: 1))
        #expect(kept.isCompact)
        #expect(kept.data == model)
        #expect(kept.data.compactJSON == model.compactJSON)
        #expect(table.takeReleasedBytes() == model.jsonBytes().count)
        #expect(table.takeReleasedBytes() == 0)
        // The state file holds the model as it did when versions were trees, whichever form
        // the version is kept in.
        var tree = kept
        tree.data = model
        #expect(!tree.isCompact)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let encoded = try encoder.encode(kept)
        #expect(encoded == (try encoder.encode(tree)))
        let decoded = try JSONDecoder().decode(StoredDashboardVersion.self, from: encoded)
        // A version loaded from a state file is compacted unless it is its dashboard's current one.
        let loaded = DashboardTable([second], versions: [decoded])
        #expect(loaded.version(1, of: 1)?.isCompact == true)
        #expect(loaded.version(1, of: 1)?.data == decoded.data)
    }

    /// A saved row keeps its model as the JSON Grafana writes (sorted keys, Go's escapes and
    /// floats), which `GetDashboard` copies into its answer: the answer is the one writing the
    /// whole tree gives, and the saved version shares the row's JSON instead of waiting to be
    /// compacted when the row moves on.
    @Test func savedModelsAreKeptAsGrafanasJSONAndAnsweredAsTheTreeWouldBe() async throws {
        try await withSandboxStore { store, client in
            let body =
                #"{"dashboard":{"uid":"j","title":"J <&> \u2028","b":3.0,"a":1e21,"c":1e-7,"#
                + #""d":123456789012345678901234567890,"e":"\u00e9\n","f":[null,true,{"z":[],"y":{}}],"#
                + #""panels":[{"type":"text","options":{"content":"<b>x</b>"}}]}}"#
            #expect(try await client.post("/api/dashboards/db", body).status == .ok)
            let answer = try await client.get("/api/dashboards/uid/j")
            #expect(answer.status == .ok)
            let parsed = try #require(answer.json)
            let tree = Value.record(["dashboard": parsed["dashboard"] ?? .null, "meta": parsed["meta"] ?? .null])
            #expect(answer.text == tree.encoded())
            #expect(answer.text.contains(#""title":"J \u003c\u0026\u003e \u2028""#))
            #expect(answer.text.contains(#""b":3,"#))
            let (row, version) = try #require(
                await store.read { state in
                    state.dashboards.dashboard(uid: "j", orgID: 1).map { ($0, state.dashboards.version(1, of: $0.id)) }
                }
            )
            #expect(row.modelJSON == Array(parsed["dashboard"]!.encoded().utf8))
            #expect(version?.isCompact == true)
            #expect(version?.data == row.data)
            // Updated, the row moves on and version 1 keeps the first model.
            let update = #"{"dashboard":{"uid":"j","title":"J","version":1}}"#
            #expect(try await client.post("/api/dashboards/db", update)["version"] == 2)
            let first = await store.read { state in state.dashboards.version(1, of: row.id)?.data }
            #expect(first == row.data)
            #expect(try await client.get("/api/dashboards/uid/j")["dashboard"]?["title"] == "J")
        }
    }
}
