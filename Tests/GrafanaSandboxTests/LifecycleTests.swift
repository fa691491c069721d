import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// Dashboard versions, restore, tags, home, stars and nested folders.
@Suite struct LifecycleTests {
    static func save(_ client: SandboxClient, title: String, version: Int, message: String, tags: String = "[]")
        async throws -> Reply
    {
        try await client.post(
            "/api/dashboards/db",
            #"{"dashboard":{"uid":"life","title":"\#(title)","tags":\#(tags),"version":\#(version)},"message":"\#(message)"}"#
        )
    }

    @Test func eachSaveIsAVersionAndARestoreIsANewOne() async throws {
        try await withSandbox { client in
            #expect(try await Self.save(client, title: "One", version: 0, message: "first").status == .ok)
            #expect(try await Self.save(client, title: "Two", version: 1, message: "second")["version"] == 2)
            let list = try await client.get("/api/dashboards/uid/life/versions")
            let versions = try #require(list.json?.arrayValue)
            #expect(versions.map { $0["version"] } == [2, 1])
            // The list rewrites the first version's message and carries no model.
            #expect(versions.map { $0["message"] } == ["second", "Initial save"])
            #expect(versions[0]["createdBy"] == "admin" && versions[0]["data"] == .null)
            #expect(versions[0]["parentVersion"] == 1 && versions[1]["parentVersion"] == 0)

            let one = try await client.get("/api/dashboards/uid/life/versions/1")
            #expect(one["message"] == "first" && one.json?["data"]?["title"] == "One")
            let missing = try await client.get("/api/dashboards/uid/life/versions/9")
            #expect(missing.status == .internalServerError)
            #expect(
                missing.json?["message"]?.stringValue?.hasPrefix("Dashboard version 9 not found for dashboardId")
                    == true
            )

            let restored = try await client.post("/api/dashboards/uid/life/restore", #"{"version":1}"#)
            #expect(restored.status == .ok && restored["version"] == 3)
            #expect(try await client.get("/api/dashboards/uid/life").json?["dashboard"]?["title"] == "One")
            let after = try #require(try await client.get("/api/dashboards/uid/life/versions?limit=1").json?.arrayValue)
            #expect(
                after.count == 1 && after[0]["message"] == "Restored from version 1" && after[0]["restoredFrom"] == 1
            )
            let paged = try #require(try await client.get("/api/dashboards/uid/life/versions?start=1").json?.arrayValue)
            #expect(paged.map { $0["version"] } == [2, 1])

            // 11.x saves a restore of the current content again (12 refuses it, below).
            let identical = try await client.post("/api/dashboards/uid/life/restore", #"{"version":3}"#)
            #expect(identical.status == .ok && identical["version"] == 4)
            let unknown = try await client.post("/api/dashboards/uid/life/restore", #"{"version":42}"#)
            #expect(unknown.status == .notFound && unknown.text == #"{"message":"Dashboard version not found"}"#)
            #expect(try await client.get("/api/dashboards/uid/nope/versions").status == .notFound)
        }
    }

    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"])
    func versionListShapeAndIDRoutesFollowTheVersion(version: String) async throws {
        try await withSandbox(profile(version)) { client in
            let saved = try await Self.save(client, title: "One", version: 0, message: "m")
            let id = try #require(saved["id"]?.integerValue)
            let list = try await client.get("/api/dashboards/uid/life/versions")
            let byID = try await client.get("/api/dashboards/id/\(id)/versions")
            if version.hasPrefix("12") {
                #expect(list.json?["versions"]?.arrayValue?.count == 1 && list.json?["continueToken"] == "")
                #expect(byID.status == .notFound)
            } else {
                #expect(list.json?.arrayValue?.count == 1)
                #expect(byID.json?.arrayValue?.count == 1)
            }
            let unknown = try await client.get("/api/dashboards/uid/nope/versions")
            if version.hasPrefix("9") {
                #expect(unknown.status == .badRequest && unknown.json?["message"] == "failed to get dashboard by UID")
            } else {
                #expect(unknown.status == .notFound && unknown.json?["message"] == "Dashboard not found")
            }
            // Before 12 a restore of the current content is saved again; 12 refuses it.
            let same = try await client.post("/api/dashboards/uid/life/restore", #"{"version":1}"#)
            if version.hasPrefix("12") {
                #expect(same.status == .badRequest)
                #expect(same.text == #"{"message":"Current dashboard is identical to the specified version"}"#)
            } else {
                #expect(same.status == .ok)
            }
        }
    }

    @Test func tagsCountDashboards() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"A","tags":["prod","web"]}}"#)
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"B","tags":["prod"]}}"#)
            #expect(
                try await client.get("/api/dashboards/tags").text
                    == #"[{"term":"prod","count":2},{"term":"web","count":1}]"#
            )
        }
    }

    @Test func homeFollowsThePreferences() async throws {
        try await withSandbox { client in
            let builtIn = try await client.get("/api/dashboards/home")
            #expect(builtIn.json?["meta"]?["isHome"] == true && builtIn.json?["dashboard"]?["title"] == "Home")
            _ = try await Self.save(client, title: "Start", version: 0, message: "")
            _ = try await client.put("/api/org/preferences", #"{"homeDashboardUID":"life"}"#)
            #expect(try await client.get("/api/dashboards/home").text == #"{"redirectUri":"/d/life/start"}"#)
        }
    }

    @Test func starsArePerUserAndFilterTheSearch() async throws {
        try await withSandbox { client in
            _ = try await Self.save(client, title: "Starry", version: 0, message: "")
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"other","title":"Other"}}"#)
            let starred = try await client.post("/api/user/stars/dashboard/uid/life")
            #expect(starred.text == #"{"message":"Dashboard starred!"}"#)
            // From 10 starring twice succeeds (the store ignores the unique-index violation).
            let twice = try await client.post("/api/user/stars/dashboard/uid/life")
            #expect(twice.text == #"{"message":"Dashboard starred!"}"#)
            #expect(try await client.get("/api/user/stars").json == ["life"])
            let hits = try #require(try await client.get("/api/search?starred=true").json?.arrayValue)
            #expect(hits.map { $0["uid"] } == ["life"] && hits[0]["isStarred"] == true)
            #expect(try await client.post("/api/user/stars/dashboard/uid/nope").status == .notFound)
            let unstarred = try await client.delete("/api/user/stars/dashboard/uid/life")
            #expect(unstarred.text == #"{"message":"Dashboard unstarred"}"#)
            #expect(try await client.get("/api/user/stars").json == [])
            #expect(try await client.post("/api/user/stars/dashboard/0").text == #"{"message":"Missing dashboard id"}"#)
        }
    }

    @Test func nestedFoldersStopAtGrafanasDepth() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/folders", #"{"uid":"l1","title":"L1"}"#)
            _ = try await client.post("/api/folders", #"{"uid":"l2","title":"L2","parentUid":"l1"}"#)
            _ = try await client.post("/api/folders", #"{"uid":"l3","title":"L3","parentUid":"l2"}"#)
            #expect(try await client.post("/api/folders", #"{"uid":"l4","title":"L4","parentUid":"l3"}"#).status == .ok)
            let tooDeep = try await client.post("/api/folders", #"{"uid":"l5","title":"L5","parentUid":"l4"}"#)
            #expect(tooDeep.status == .badRequest)
            #expect(tooDeep.json?["messageId"] == "folder.maximum-depth-reached")
            // A two-level subtree cannot move under the third level.
            _ = try await client.post("/api/folders", #"{"uid":"m1","title":"M1"}"#)
            _ = try await client.post("/api/folders", #"{"uid":"m2","title":"M2","parentUid":"m1"}"#)
            #expect(try await client.post("/api/folders/m1/move", #"{"parentUid":"l3"}"#).status == .badRequest)
            #expect(try await client.post("/api/folders/m1/move", #"{"parentUid":"l2"}"#).status == .ok)
        }
    }

    @Test func withoutNestedFoldersParentIsIgnored() async throws {
        try await withSandbox(profile("9.5.0")) { client in
            _ = try await client.post("/api/folders", #"{"uid":"p","title":"P"}"#)
            let child = try await client.post("/api/folders", #"{"uid":"c","title":"C","parentUid":"p"}"#)
            #expect(child.json?["parentUid"] == nil)
            #expect(try await client.get("/api/folders").json?.arrayValue?.count == 2)
        }
    }

    @Test func versionsAndStarsSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gfs-life-\(UUID().uuidString).json")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = SandboxConfiguration()
        configuration.stateFile = path
        try await withSandbox(configuration) { client in
            _ = try await Self.save(client, title: "One", version: 0, message: "a")
            _ = try await Self.save(client, title: "Two", version: 1, message: "b")
            _ = try await client.post("/api/user/stars/dashboard/uid/life")
        }
        try await withSandbox(configuration) { client in
            let versions = try #require(try await client.get("/api/dashboards/uid/life/versions").json?.arrayValue)
            #expect(versions.map { $0["message"] } == ["b", "Initial save"])
            #expect(try await client.get("/api/user/stars").json == ["life"])
            #expect(try await Self.save(client, title: "Three", version: 2, message: "c")["version"] == 3)
        }
    }
}

extension LifecycleTests {
    @Test func nineFailsToStarTwice() async throws {
        try await withSandbox(profile("9.5.0")) { client in
            _ = try await Self.save(client, title: "Starry", version: 0, message: "")
            #expect(try await client.post("/api/user/stars/dashboard/uid/life").status == .ok)
            let twice = try await client.post("/api/user/stars/dashboard/uid/life")
            #expect(twice.status == .internalServerError && twice.json?["message"] == "Failed to star dashboard")
        }
    }

    @Test func theDashboardSaysWhetherYouStarredIt() async throws {
        try await withSandbox { client in
            _ = try await Self.save(client, title: "Starry", version: 0, message: "")
            #expect(try await client.get("/api/dashboards/uid/life").json?["meta"]?["isStarred"] == false)
            _ = try await client.post("/api/user/stars/dashboard/uid/life")
            #expect(try await client.get("/api/dashboards/uid/life").json?["meta"]?["isStarred"] == true)
        }
    }

    /// Versions need `dashboards:write`, which a Viewer lacks.
    @Test func viewersCannotReadVersions() async throws {
        try await withSandbox { client in
            _ = try await Self.save(client, title: "Guarded", version: 0, message: "")
            _ = try await client.post(
                "/api/admin/users",
                #"{"login":"viewer","password":"pw123456","email":"viewer@example.com"}"#
            )
            let viewer = Credential.basic("viewer", "pw123456")
            #expect(try await client.get("/api/dashboards/uid/life", as: viewer).status == .ok)
            let refused = try await client.get("/api/dashboards/uid/life/versions", as: viewer)
            #expect(refused.status == .forbidden)
            #expect(
                try await client.post("/api/dashboards/uid/life/restore", #"{"version":1}"#, as: viewer).status
                    == .forbidden
            )
        }
    }
}

extension LifecycleTests {
    /// From 12 a full page carries a `continueToken` that gives the next page; the last is "".
    @Test func twelvePagesVersionsWithAContinueToken() async throws {
        try await withSandbox(profile("12.1.0")) { client in
            for version in 0..<3 {
                _ = try await Self.save(client, title: "T\(version)", version: version, message: "")
            }
            let first = try #require(try await client.get("/api/dashboards/uid/life/versions?limit=2").json)
            #expect(first["versions"]?.arrayValue?.map { $0["version"] } == [3, 2])
            let token = try #require(first["continueToken"]?.stringValue)
            #expect(!token.isEmpty)
            let second = try #require(
                try await client.get("/api/dashboards/uid/life/versions?limit=2&continueToken=\(token)").json
            )
            #expect(second["versions"]?.arrayValue?.map { $0["version"] } == [1])
            #expect(second["continueToken"] == "")
        }
    }
}
