import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

@Suite struct DashboardsTests {
    static let overview =
        #"{"dashboard":{"id":null,"uid":null,"title":"Production Overview","tags":["prod","web"],"panels":[{"type":"graph","id":1}],"version":0},"overwrite":false,"message":"first"}"#

    @Test func createAnswersDynMapWithVersionOne() async throws {
        try await withSandbox { client in
            let reply = try await client.post("/api/dashboards/db", Self.overview)
            #expect(reply.status == .ok)
            let body = try #require(reply.json?.objectValue)
            #expect(body.keys == ["folderUid", "id", "slug", "status", "uid", "url", "version"])
            #expect(body["status"] == "success" && body["slug"] == "production-overview" && body["version"] == 1)
            #expect(body["folderUid"] == "")
            let uid = try #require(body["uid"]?.stringValue)
            #expect(body["url"] == .string("/d/\(uid)/production-overview"))
            #expect(reply.contentType == "application/json")
        }
    }

    @Test func preElevenAnswerHasNoFolderUID() async throws {
        try await withSandbox(profile("9.5.0")) { client in
            let reply = try await client.post("/api/dashboards/db", Self.overview)
            #expect(reply.json?.objectValue?.keys == ["id", "slug", "status", "uid", "url", "version"])
        }
    }

    @Test func updateBumpsVersionAndMismatchIs412() async throws {
        try await withSandbox { client in
            let created = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"prod","title":"Prod"}}"#)
            #expect(created["uid"] == "prod" && created["version"] == 1)
            let updated = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"prod","title":"Prod","version":1}}"#
            )
            #expect(updated["version"] == 2 && updated["id"] == created["id"])
            let stale = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"prod","title":"Prod","version":1}}"#
            )
            #expect(stale.status == .preconditionFailed)
            #expect(stale.text == (try Fixture.text("dashboard-version-mismatch.412.json")))
            // overwrite wins over a stale version.
            let forced = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"prod","title":"Prod"},"overwrite":true}"#
            )
            #expect(forced.status == .ok && forced["version"] == 3)
        }
    }

    @Test func sameTitleInFolderIs412NameExistsUnlessOverwrite() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"Same"}}"#)
            let clash = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"Same"}}"#)
            #expect(clash.status == .preconditionFailed)
            #expect(clash.text == (try Fixture.text("dashboard-name-exists.412.json")))
            let replaced = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"Same"},"overwrite":true}"#
            )
            #expect(replaced.status == .ok && replaced["version"] == 2)
            // Another folder may hold the same title.
            let folder = try await client.post("/api/folders", #"{"uid":"f1","title":"Team"}"#)
            #expect(folder.status == .ok)
            let elsewhere = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"Same"},"folderUid":"f1"}"#
            )
            #expect(elsewhere.status == .ok && elsewhere["folderUid"] == "f1")
            // The deprecated folderId names the same folder.
            let folderID = try #require(folder["id"]?.integerValue)
            let byID = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"By id"},"folderId":\#(folderID)}"#
            )
            #expect(byID.status == .ok && byID["folderUid"] == "f1")
            let unknownID = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"By id 2"},"folderId":999}"#
            )
            #expect(unknownID.text == #"{"message":"folder not found"}"#)
        }
    }

    @Test func twelveAllowsSameTitle() async throws {
        try await withSandbox(profile("12.1.0")) { client in
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"Same"}}"#)
            #expect(try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"Same"}}"#).status == .ok)
        }
    }

    @Test func pluginDashboardsNeedOverwrite() async throws {
        try await withSandboxStore { store, client in
            let created = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"plug","title":"Plugin board"}}"#
            )
            #expect(created.status == .ok)
            // Only plugin installs create such dashboards; mark this one as the plugin would.
            try await store.write { state in
                var dashboard = try #require(state.dashboards.dashboard(uid: "plug", orgID: 1))
                dashboard.pluginID = "Foo"
                state.dashboards.upsert(dashboard)
            }
            let refused = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"plug","title":"Plugin board","version":1}}"#
            )
            #expect(refused.status == .preconditionFailed)
            #expect(refused.text == (try Fixture.text("dashboard-plugin.412.json")))
            let forced = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"plug","title":"Plugin board","version":1},"overwrite":true}"#
            )
            #expect(forced.status == .ok)
        }
    }

    @Test func saveErrors() async throws {
        try await withSandbox { client in
            let empty = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"  "}}"#)
            #expect(
                empty.status == .badRequest
                    && empty.text == #"{"message":"Dashboard title cannot be empty","status":"empty-name"}"#
            )
            let noDashboard = try await client.post("/api/dashboards/db", #"{"overwrite":true}"#)
            #expect(noDashboard.text == #"{"message":"bad request data","traceID":""}"#)
            let badUID = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"x","uid":"a b"}}"#)
            #expect(badUID.text == #"{"message":"uid contains illegal characters"}"#)
            let longUID = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"x","uid":"\#(String(repeating: "a", count: 41))"}}"#
            )
            #expect(longUID.text == #"{"message":"uid too long, max 40 characters"}"#)
            let noFolder = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"x"},"folderUid":"nope"}"#
            )
            #expect(noFolder.status == .badRequest && noFolder.text == #"{"message":"folder not found"}"#)
            let unknownID = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"x","id":999}}"#)
            #expect(
                unknownID.status == .notFound
                    && unknownID.text == #"{"message":"Dashboard not found","status":"not-found"}"#
            )
            let folder = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"x"},"isFolder":true}"#)
            #expect(folder.text == #"{"message":"Use folders endpoint for saving folders."}"#)
            let message = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"x"},"message":"\#(String(repeating: "m", count: 501))"}"#
            )
            #expect(message.text == #"{"message":"message too long, max 500 characters"}"#)
            let a = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"A","uid":"a"}}"#)
            let b = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"B","uid":"b"}}"#)
            let idOfA = try #require(a["id"]?.integerValue)
            #expect(b.status == .ok)
            let sameUID = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"A","uid":"b","id":\#(idOfA),"version":1}}"#
            )
            #expect(sameUID.text == #"{"message":"A dashboard with the same uid already exists"}"#)
        }
    }

    @Test func getReturnsModelAndMeta() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/folders", #"{"uid":"ops","title":"Ops"}"#)
            let saved = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"web","title":"Web","tags":["a"],"zeta":1,"alpha":{"b":2,"a":1}},"folderUid":"ops"}"#
            )
            #expect(saved.status == .ok)
            let reply = try await client.get("/api/dashboards/uid/web")
            #expect(reply.status == .ok)
            let dashboard = try #require(reply["dashboard"]?.objectValue)
            #expect(dashboard["uid"] == "web" && dashboard["version"] == 1 && dashboard["id"] == saved["id"])
            // simplejson round trip: keys come back sorted, as Go writes a map.
            #expect(dashboard.keys == dashboard.keys.sorted())
            let meta = try #require(reply["meta"]?.objectValue)
            #expect(meta["folderUid"] == "ops" && meta["folderTitle"] == "Ops" && meta["url"] == "/d/web/web")
            #expect(meta["createdBy"] == "admin" && meta["type"] == "db" && meta["canSave"] == true)
            let missing = try await client.get("/api/dashboards/uid/nope")
            #expect(missing.status == .notFound && missing.text == #"{"message":"Dashboard not found","traceID":""}"#)
        }
    }

    @Test func deleteAnswersByVersion() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"gone","title":"Gone"}}"#)
            let reply = try await client.delete("/api/dashboards/uid/gone")
            #expect(reply.text == #"{"message":"Dashboard Gone deleted","title":"Gone","uid":"gone"}"#)
            #expect(try await client.delete("/api/dashboards/uid/gone").status == .notFound)
            _ = try await client.post("/api/folders", #"{"uid":"fold","title":"Fold"}"#)
            let folder = try await client.delete("/api/dashboards/uid/fold")
            #expect(folder.text == #"{"message":"Use folders endpoint for deleting folders."}"#)
        }
        try await withSandbox(profile("10.4.0")) { client in
            let saved = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"gone","title":"Gone"}}"#)
            let reply = try await client.delete("/api/dashboards/uid/gone")
            #expect(
                reply.text
                    == #"{"id":\#(saved["id"]!.integerValue!),"message":"Dashboard Gone deleted","title":"Gone"}"#
            )
        }
    }

    @Test func viewersCannotSaveEditorsCan() async throws {
        try await withSandbox { client in
            let viewer = try await client.createUser("viewer")
            expectAccessDenied(
                try await client.post("/api/dashboards/db", Self.overview, as: .basic("viewer", "secret123")),
                "any of dashboards:create, dashboards:write"
            )
            #expect(try await client.get("/api/search", as: .basic("viewer", "secret123")).status == .ok)
            try await client.setMainOrgRole(viewer, "Editor")
            #expect(
                try await client.post("/api/dashboards/db", Self.overview, as: .basic("viewer", "secret123")).status
                    == .ok
            )
        }
    }

    @Test func dashboardsBelongToTheirOrg() async throws {
        try await withSandbox { client in
            let org = try await client.createOrg("other")
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"shared","title":"Main"}}"#)
            // The same uid may exist in another org.
            let other = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"shared","title":"Other"}}"#,
                orgID: "\(org)"
            )
            #expect(other.status == .ok && other["version"] == 1)
            #expect(try await client.get("/api/dashboards/uid/shared")["dashboard"]?["title"] == "Main")
            #expect(
                try await client.get("/api/dashboards/uid/shared", orgID: "\(org)")["dashboard"]?["title"] == "Other"
            )
        }
    }

    @Test func importResolvesInputs() async throws {
        try await withSandbox { client in
            let body = #"""
                {"dashboard":{"__inputs":[{"name":"DS_PROM","type":"datasource","pluginId":"prometheus"}],
                  "title":"Imported","uid":"imp","panels":[{"datasource":"${DS_PROM}","title":"cpu ${DS_PROM} ${OTHER}"}]},
                 "overwrite":true,
                 "inputs":[{"name":"DS_PROM","type":"datasource","pluginId":"prometheus","value":"prom-uid"}]}
                """#
            let reply = try await client.post("/api/dashboards/import", body)
            #expect(reply.status == .ok)
            #expect(reply["uid"] == "imp" && reply["imported"] == true && reply["importedUrl"] == "/d/imp/imported")
            let stored = try await client.get("/api/dashboards/uid/imp")
            let panel = try #require(stored["dashboard"]?["panels"]?.arrayValue?.first)
            #expect(panel["datasource"] == "prom-uid")
            #expect(panel["title"] == "cpu prom-uid ${OTHER}")
            #expect(stored["dashboard"]?["__inputs"] == nil)

            let missing = try await client.post(
                "/api/dashboards/import",
                #"{"dashboard":{"__inputs":[{"name":"DS_X","type":"datasource"}],"title":"T"},"inputs":[]}"#
            )
            #expect(missing.status == .badRequest)
            #expect(
                missing.text
                    == #"{"message":"Dashboard input variable: DS_X missing from import command","traceID":""}"#
            )
            let nothing = try await client.post("/api/dashboards/import", #"{"inputs":[]}"#)
            #expect(nothing.status == .unprocessableContent && nothing.text == #"{"message":"Dashboard must be set"}"#)
        }
    }
}

@Suite struct SearchTests {
    @Test func filtersAndOrder() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/folders", #"{"uid":"zf","title":"Zeta folder"}"#)
            _ = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"b","title":"beta","tags":["x","a"]}}"#
            )
            _ = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"a","title":"Alpha","tags":["x"]},"folderUid":"zf"}"#
            )
            let all = try #require(try await client.get("/api/search").json?.arrayValue)
            // Folders first, then dashboards by case-insensitive title.
            #expect(all.compactMap { $0["uid"]?.stringValue } == ["zf", "a", "b"])
            let alpha = try #require(all.first { $0["uid"] == "a" })
            #expect(alpha["folderUid"] == "zf" && alpha["folderTitle"] == "Zeta folder" && alpha["type"] == "dash-db")
            #expect(alpha["uri"] == "db/alpha" && alpha["url"] == "/d/a/alpha")
            let beta = try #require(all.first { $0["uid"] == "b" })
            #expect(beta["folderUid"] == nil, "root items omit the folder fields")
            #expect(beta["tags"] == ["a", "x"])

            #expect(try await client.get("/api/search?query=ALP").json?.arrayValue?.count == 1)
            #expect(
                try await client.get("/api/search?tag=x&tag=a").json?.arrayValue?.compactMap { $0["uid"]?.stringValue }
                    == ["b"]
            )
            #expect(try await client.get("/api/search?type=dash-folder").json?.arrayValue?.count == 1)
            #expect(try await client.get("/api/search?type=dash-db").json?.arrayValue?.count == 2)
            #expect(
                try await client.get("/api/search?folderUIDs=zf").json?.arrayValue?.compactMap {
                    $0["uid"]?.stringValue
                } == ["a"]
            )
            #expect(try await client.get("/api/search?dashboardUIDs=a,b&type=dash-db").json?.arrayValue?.count == 2)
            #expect(
                try await client.get("/api/search?limit=1&page=2").json?.arrayValue?.compactMap {
                    $0["uid"]?.stringValue
                } == ["a"]
            )
            #expect(
                try await client.get("/api/search?sort=alpha-desc").json?.arrayValue?.compactMap {
                    $0["uid"]?.stringValue
                } == ["zf", "b", "a"]
            )
            #expect(try await client.get("/api/search?starred=true").json == [])
            #expect(try await client.get("/api/search?type=bogus").status == .ok)
        }
    }

    @Test func twelveRejectsUnknownType() async throws {
        try await withSandbox(profile("12.1.0")) { client in
            let reply = try await client.get("/api/search?type=bogus")
            #expect(reply.status == .internalServerError && reply.text == #"{"message":"Search failed","traceID":""}"#)
        }
    }
}
