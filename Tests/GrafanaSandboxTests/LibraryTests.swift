import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// Library elements, annotations, snapshots and playlists, in process.
@Suite struct LibraryTests {
    static let panel =
        #"{"uid":"cpu","name":"CPU","kind":1,"model":{"type":"timeseries","title":"CPU","description":"load"}}"#
    static let dashboardUsingPanel =
        #"{"dashboard":{"uid":"d1","title":"Uses CPU","panels":[{"id":1,"libraryPanel":{"uid":"cpu","name":"CPU"}},"#
        + #"{"type":"row","panels":[{"id":3,"libraryPanel":{"uid":"cpu"}}]}]}}"#

    @Test func createSearchGetPatchWithVersion() async throws {
        try await withSandbox { client in
            let created = try await client.post("/api/library-elements", Self.panel)
            #expect(created.status == .ok)
            let result = try #require(created["result"])
            #expect(result["uid"] == "cpu" && result["version"] == 1 && result["type"] == "timeseries")
            #expect(result["description"] == "load" && result["meta"]?["folderName"] == "General")

            let again = try await client.post("/api/library-elements", Self.panel)
            #expect(again.status == .badRequest)
            #expect(again["message"] == "library element with that name or UID already exists")

            for index in 1...3 {
                _ = try await client.post(
                    "/api/library-elements",
                    #"{"uid":"p\#(index)","name":"Panel \#(index)","kind":1,"model":{}}"#
                )
            }
            let page = try await client.get("/api/library-elements?perPage=2&page=2")
            #expect(page["result"]?["totalCount"] == 4 && page["result"]?["page"] == 2)
            #expect(page["result"]?["elements"]?.arrayValue?.map { $0["uid"] } == ["p2", "p3"])
            let found = try await client.get("/api/library-elements?searchString=LOAD")
            #expect(found["result"]?["elements"]?.arrayValue?.map { $0["uid"] } == ["cpu"])
            #expect(try await client.get("/api/library-elements/name/CPU")["result"]?.arrayValue?.count == 1)
            #expect(try await client.get("/api/library-elements/name/nope").status == .notFound)

            let stale = try await client.patch("/api/library-elements/cpu", #"{"kind":1,"version":7,"name":"CPU2"}"#)
            #expect(stale.status == .preconditionFailed)
            #expect(stale["message"] == "the library element has been changed by someone else")
            let patched = try await client.patch("/api/library-elements/cpu", #"{"kind":1,"version":1,"name":"CPU2"}"#)
            #expect(patched["result"]?["version"] == 2 && patched["result"]?["name"] == "CPU2")
            #expect(patched["result"]?["model"]?["type"] == "timeseries")
            #expect(try await client.get("/api/library-elements/nope").status == .notFound)
        }
    }

    @Test func savingADashboardConnectsItsLibraryPanelsAndDeleteIsRefused() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/library-elements", Self.panel)
            #expect(try await client.post("/api/dashboards/db", Self.dashboardUsingPanel).status == .ok)
            let connections = try await client.get("/api/library-elements/cpu/connections/")
            #expect(connections["result"]?.arrayValue?.map { $0["connectionUid"] } == ["d1"])
            #expect(try await client.get("/api/library-elements/cpu")["result"]?["meta"]?["connectedDashboards"] == 1)

            let refused = try await client.delete("/api/library-elements/cpu")
            #expect(refused.status == .forbidden)
            #expect(refused["message"] == "the library element has connections")

            // A dashboard referencing an unknown panel is stored, then the connect fails.
            let missing = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"d2","title":"Broken","panels":[{"id":1,"libraryPanel":{"uid":"ghost"}}]}}"#
            )
            #expect(missing.status == .internalServerError)
            #expect(missing["message"] == "Error while connecting library panels")
            #expect(try await client.get("/api/dashboards/uid/d2").status == .ok)

            // Deleting the dashboard frees the panel.
            _ = try await client.delete("/api/dashboards/uid/d1")
            let deleted = try await client.delete("/api/library-elements/cpu")
            #expect(deleted.status == .ok && deleted["message"] == "Library element deleted")
        }
    }

    /// `DeleteFolder` deals with the folder's library panels first: one in use refuses the
    /// whole deletion; unused ones go with the folder.
    @Test func deletingAFolderDeletesItsUnusedLibraryPanelsOnly() async throws {
        try await withSandbox { client in
            #expect(try await client.post("/api/folders", #"{"uid":"lib","title":"Lib"}"#).status == .ok)
            let inFolder = #"{"uid":"cpu","name":"CPU","kind":1,"folderUid":"lib","model":{"type":"timeseries"}}"#
            #expect(try await client.post("/api/library-elements", inFolder).status == .ok)
            #expect(try await client.post("/api/dashboards/db", Self.dashboardUsingPanel).status == .ok)

            let refused = try await client.delete("/api/folders/lib")
            #expect(refused.status == .forbidden)
            #expect(refused["message"] == "Folder could not be deleted because it contains library elements in use")
            #expect(try await client.get("/api/folders/lib").status == .ok)

            _ = try await client.delete("/api/dashboards/uid/d1")
            let deleted = try await client.delete("/api/folders/lib")
            #expect(deleted.status == .ok, "\(deleted.text)")
            #expect(try await client.get("/api/library-elements/cpu").status == .notFound)
        }
    }

    @Test func aViewerCannotCreateLibraryPanels() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/admin/users", #"{"login":"viewer","password":"pw123456"}"#)
            let refused = try await client.post("/api/library-elements", Self.panel, as: .basic("viewer", "pw123456"))
            #expect(refused.status == .forbidden)
            #expect(
                refused["accessErrorId"] != nil
                    || refused["message"]?.stringValue?.contains("library.panels:create") == true
            )
            #expect(try await client.get("/api/library-elements", as: .basic("viewer", "pw123456")).status == .ok)
        }
    }

    @Test func annotationsFilterByDashboardTagsAndTime() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"d1","title":"D"}}"#)
            let first = try await client.post(
                "/api/annotations",
                #"{"dashboardUID":"d1","panelId":2,"time":1000,"timeEnd":2000,"text":"deploy","tags":["deploy","v1"]}"#
            )
            #expect(first["message"] == "Annotation added")
            let firstID = try #require(first["id"]?.integerValue)
            _ = try await client.post("/api/annotations", #"{"time":5000,"text":"org wide","tags":["ops"]}"#)
            let empty = try await client.post("/api/annotations", #"{"time":5000,"text":""}"#)
            #expect(empty.status == .badRequest && empty["message"] == "Failed to save annotation")

            let all = try await client.get("/api/annotations")
            #expect(all.json?.arrayValue?.map { $0["text"] } == ["org wide", "deploy"])
            let onDashboard = try await client.get("/api/annotations?dashboardUID=d1")
            #expect(onDashboard.json?.arrayValue?.first?["dashboardUID"] == "d1")
            #expect(onDashboard.json?.arrayValue?.count == 1)
            #expect(try await client.get("/api/annotations?dashboardUID=nope").status == .badRequest)
            #expect(try await client.get("/api/annotations?tags=deploy&tags=ops").json?.arrayValue?.count == 0)
            #expect(
                try await client.get("/api/annotations?tags=deploy&tags=ops&matchAny=true").json?.arrayValue?.count == 2
            )
            #expect(try await client.get("/api/annotations?from=1500&to=3000").json?.arrayValue?.count == 1)
            #expect(try await client.get("/api/annotations?limit=1").json?.arrayValue?.count == 1)

            let patched = try await client.patch("/api/annotations/\(firstID)", #"{"text":"deploy v1.1"}"#)
            #expect(patched["message"] == "Annotation patched")
            let after = try await client.get("/api/annotations/\(firstID)")
            #expect(after["text"] == "deploy v1.1" && after["tags"] == ["deploy", "v1"] && after["time"] == 1000)
            #expect(try await client.get("/api/annotations/tags")["result"]?["tags"]?.arrayValue?.count == 3)
            #expect(try await client.delete("/api/annotations/\(firstID)")["message"] == "Annotation deleted")
            #expect(try await client.get("/api/annotations/\(firstID)").status == .notFound)
        }
    }

    @Test func snapshotsByKeyAndDeleteKey() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"d1","title":"D"}}"#)
            let unknown = try await client.post("/api/snapshots", #"{"dashboard":{"uid":"nope","title":"X"}}"#)
            #expect(unknown.status == .badRequest && unknown["message"] == "Dashboard not found")
            let created = try await client.post(
                "/api/snapshots",
                #"{"dashboard":{"uid":"d1","title":"D"},"expires":3600}"#
            )
            let key = try #require(created["key"]?.stringValue)
            let deleteKey = try #require(created["deleteKey"]?.stringValue)
            #expect(key.count == 32 && deleteKey.count == 32 && created["id"] == 1)
            #expect(created["url"]?.stringValue?.hasSuffix("/dashboard/snapshot/\(key)") == true)
            #expect(created["deleteUrl"]?.stringValue?.hasSuffix("/api/snapshots-delete/\(deleteKey)") == true)
            #expect(
                try await client.get("/api/dashboard/snapshots").json?.arrayValue?.first?["name"] == "Unnamed snapshot"
            )
            let shown = try await client.get("/api/snapshots/\(key)")
            // The key is the credential: Grafana serves the snapshot to anyone holding it.
            let anonymous = try await client.get("/api/snapshots/\(key)", as: .none)
            #expect(anonymous.status == .ok, "\(anonymous.text)")
            #expect(anonymous["meta"]?["isSnapshot"] == true)
            #expect(try await client.get("/api/dashboard/snapshots", as: .none).status == .unauthorized)
            #expect(shown["dashboard"]?["uid"] == "d1" && shown["meta"]?["isSnapshot"] == true)
            let byDeleteKey = try await client.get("/api/snapshots-delete/\(deleteKey)")
            #expect(byDeleteKey["message"]?.stringValue?.hasPrefix("Snapshot deleted.") == true)
            #expect(try await client.get("/api/snapshots/\(key)").status == .notFound)
            #expect(try await client.delete("/api/snapshots/\(key)").status == .notFound)
        }
    }

    @Test(arguments: ["11.4.0", "12.1.0"])
    func snapshotCreateAnswersTheIDUntil12(version: String) async throws {
        try await withSandbox(SandboxConfiguration(grafanaVersion: GrafanaVersion(version)!)) { client in
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"d1","title":"D"}}"#)
            let created = try await client.post("/api/snapshots", #"{"dashboard":{"uid":"d1","title":"D"}}"#)
            #expect((created["id"] != nil) == (version == "11.4.0"))
        }
    }

    @Test func playlistsCreateShowUpdateDelete() async throws {
        try await withSandbox { client in
            let created = try await client.post(
                "/api/playlists",
                #"{"name":"wall","interval":"1m","items":[{"type":"dashboard_by_uid","value":"d1"},{"type":"dashboard_by_tag","value":"ops"}]}"#
            )
            let uid = try #require(created["uid"]?.stringValue)
            #expect(created["name"] == "wall" && created["id"] == 1)
            let shown = try await client.get("/api/playlists/\(uid)")
            #expect(shown["items"]?.arrayValue?.map { $0["type"] } == ["dashboard_by_uid", "dashboard_by_tag"])
            #expect(try await client.get("/api/playlists?query=WA").json?.arrayValue?.count == 1)
            let updated = try await client.put("/api/playlists/\(uid)", #"{"name":"wall2","interval":"2m","items":[]}"#)
            #expect(updated["name"] == "wall2" && updated["items"] == [])
            #expect(try await client.delete("/api/playlists/\(uid)").text == #""""#)
            #expect(try await client.get("/api/playlists/\(uid)").status == .notFound)
        }
    }

    /// The tables of this area go through the state journal: all of them survive a restart, and
    /// a state file written before they existed (no `libraryTables`) reads as empty tables.
    @Test func theTablesSurviveARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("library-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = SandboxConfiguration(stateFile: directory.appendingPathComponent("state.json").path)
        try await withSandbox(configuration) { client in
            #expect(try await client.get("/api/library-elements")["result"]?["totalCount"] == 0)
            _ = try await client.post("/api/library-elements", Self.panel)
            _ = try await client.post("/api/dashboards/db", Self.dashboardUsingPanel)
            _ = try await client.post("/api/annotations", #"{"dashboardUID":"d1","text":"deploy","time":1000}"#)
            _ = try await client.post("/api/snapshots", #"{"dashboard":{"uid":"d1","title":"D"},"name":"s"}"#)
            _ = try await client.post("/api/playlists", #"{"name":"wall","interval":"5m","items":[]}"#)
        }
        try await withSandbox(configuration) { client in
            #expect(try await client.get("/api/library-elements/cpu")["result"]?["meta"]?["connectedDashboards"] == 1)
            #expect(try await client.get("/api/annotations").json?.arrayValue?.first?["text"] == "deploy")
            #expect(try await client.get("/api/dashboard/snapshots").json?.arrayValue?.first?["name"] == "s")
            #expect(try await client.get("/api/playlists").json?.arrayValue?.first?["name"] == "wall")
            // Ids continue after the stored ones.
            let next = try await client.post("/api/annotations", #"{"text":"second","time":2000}"#)
            #expect(next["id"] == 2)
        }
    }
}
