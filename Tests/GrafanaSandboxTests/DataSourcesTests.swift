import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

@Suite struct DataSourcesTests {
    static let prometheus =
        #"{"name":"Prometheus","type":"prometheus","access":"proxy","url":"http://localhost:9090","jsonData":{"httpMethod":"POST"},"secureJsonData":{"password":"hunter2"}}"#

    @Test func createAndReadByEveryKey() async throws {
        try await withSandbox { client in
            let created = try await client.post("/api/datasources", Self.prometheus)
            #expect(created.status == .ok)
            #expect(created.json?.objectValue?.keys == ["datasource", "id", "message", "name"])
            #expect(created["message"] == "Datasource added" && created["name"] == "Prometheus")
            let datasource = try #require(created["datasource"]?.objectValue)
            #expect(datasource["secureJsonFields"] == ["password": true])
            #expect(!created.text.contains("hunter2"))
            #expect(datasource["isDefault"] == true, "the first data source of an org becomes its default")
            let uid = try #require(datasource["uid"]?.stringValue)
            let id = try #require(created["id"]?.integerValue)

            #expect(try await client.get("/api/datasources/uid/\(uid)")["name"] == "Prometheus")
            #expect(try await client.get("/api/datasources/name/Prometheus")["uid"] == .string(uid))
            #expect(try await client.get("/api/datasources/\(id)")["uid"] == .string(uid))
            #expect(try await client.get("/api/datasources/id/Prometheus").text == #"{"id":\#(id)}"#)
            let list = try #require(try await client.get("/api/datasources").json?.arrayValue)
            #expect(
                list.count == 1 && list[0]["typeName"] == "Prometheus" && list[0]["jsonData"] == ["httpMethod": "POST"]
            )
            let missing = try await client.get("/api/datasources/name/nope")
            #expect(missing.status == .notFound && missing.text == #"{"message":"Data source not found"}"#)
        }
    }

    @Test func duplicatesAndValidation() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/datasources", Self.prometheus)
            let dup = try await client.post("/api/datasources", Self.prometheus)
            #expect(dup.status == .conflict)
            #expect(dup.text == #"{"message":"data source with the same name already exists","traceID":""}"#)
            let uid = try await client.post(
                "/api/datasources",
                #"{"name":"A","type":"loki","access":"proxy","uid":"u1"}"#
            )
            #expect(uid.status == .ok)
            let dupUID = try await client.post(
                "/api/datasources",
                #"{"name":"B","type":"loki","access":"proxy","uid":"u1"}"#
            )
            #expect(dupUID.text == #"{"message":"data source with the same uid already exists","traceID":""}"#)
            let noAccess = try await client.post("/api/datasources", #"{"name":"C","type":"loki"}"#)
            #expect(noAccess.text == #"{"message":"bad request data","traceID":""}"#)
            let badURL = try await client.post(
                "/api/datasources",
                #"{"name":"D","type":"loki","access":"proxy","url":"http://a b:99999"}"#
            )
            #expect(
                badURL.status == .badRequest
                    && badURL.text == #"{"message":"Validation error, invalid URL","traceID":""}"#
            )
            let secure = try await client.post(
                "/api/datasources",
                #"{"name":"E","type":"loki","access":"proxy","secureJsonData":{"x":1}}"#
            )
            #expect(secure.text == #"{"message":"bad request data","traceID":""}"#)
        }
    }

    @Test func updateAndDelete() async throws {
        try await withSandbox { client in
            let created = try await client.post("/api/datasources", Self.prometheus)
            let uid = try #require(created["datasource"]?["uid"]?.stringValue)
            let id = try #require(created["id"]?.integerValue)
            let updated = try await client.put(
                "/api/datasources/uid/\(uid)",
                #"{"name":"Prom","type":"prometheus","access":"proxy","url":"http://prom:9090","version":1}"#
            )
            #expect(updated.status == .ok && updated["message"] == "Datasource updated")
            #expect(updated["datasource"]?["version"] == 2 && updated["datasource"]?["url"] == "http://prom:9090")
            let stale = try await client.put(
                "/api/datasources/\(id)",
                #"{"name":"Prom","type":"prometheus","access":"proxy","version":1}"#
            )
            #expect(stale.status == .conflict)
            let byID = try await client.put(
                "/api/datasources/\(id)",
                #"{"name":"Prom2","type":"prometheus","access":"proxy"}"#
            )
            #expect(byID["name"] == "Prom2")

            let deleted = try await client.delete("/api/datasources/uid/\(uid)")
            #expect(deleted.text == #"{"id":\#(id),"message":"Data source deleted"}"#)
            #expect(try await client.delete("/api/datasources/uid/\(uid)").status == .notFound)
            _ = try await client.post("/api/datasources", #"{"name":"Loki","type":"loki","access":"proxy"}"#)
            #expect(try await client.delete("/api/datasources/name/Loki").json?["message"] == "Data source deleted")
            let third = try await client.post("/api/datasources", #"{"name":"T","type":"loki","access":"proxy"}"#)
            let thirdID = try #require(third["id"]?.integerValue)
            #expect(
                try await client.delete("/api/datasources/\(thirdID)").text == #"{"message":"Data source deleted"}"#
            )
            #expect(try await client.get("/api/datasources/abc").text == #"{"message":"id is invalid","traceID":""}"#)
        }
    }

    @Test func readOnlySourcesCannotBeDeleted() async throws {
        try await withSandboxStore { store, client in
            _ = try await client.post("/api/datasources", Self.prometheus)
            try await store.write { state in state.dataSources[0].readOnly = true }
            let reply = try await client.delete("/api/datasources/name/Prometheus")
            #expect(reply.status == .forbidden && reply.text == #"{"message":"Cannot delete read-only data source"}"#)
        }
    }

    @Test func viewersReadEditorsCannotCreate() async throws {
        try await withSandbox { client in
            let id = try await client.createUser("ed")
            try await client.setMainOrgRole(id, "Editor")
            #expect(try await client.get("/api/datasources", as: .basic("ed", "secret123")).status == .ok)
            expectAccessDenied(
                try await client.post("/api/datasources", Self.prometheus, as: .basic("ed", "secret123")),
                "datasources:create"
            )
        }
    }
}

@Suite struct TeamsTests {
    @Test func teamLifecycle() async throws {
        try await withSandbox { client in
            let created = try await client.post("/api/teams", #"{"name":"platform","email":"p@example.com"}"#)
            #expect(created.status == .ok)
            #expect(created.json?.objectValue?.keys == ["message", "teamId", "uid"])
            let id = try #require(created["teamId"]?.integerValue)
            let dup = try await client.post("/api/teams", #"{"name":"platform"}"#)
            #expect(dup.status == .conflict && dup.text == #"{"message":"Team name taken","traceID":""}"#)

            let team = try await client.get("/api/teams/\(id)")
            #expect(team["name"] == "platform" && team["memberCount"] == 1, "the creating user joins as admin")
            let search = try await client.get("/api/teams/search?query=plat")
            #expect(search["totalCount"] == 1 && search["teams"]?.arrayValue?.first?["id"] == .int(id))

            let user = try await client.createUser("lee")
            let added = try await client.post("/api/teams/\(id)/members", #"{"userId":\#(user)}"#)
            #expect(added.text == #"{"message":"Member added to Team"}"#)
            let again = try await client.post("/api/teams/\(id)/members", #"{"userId":\#(user)}"#)
            #expect(again.status == .badRequest && again.text == #"{"message":"User is already added to this team"}"#)
            #expect(try await client.get("/api/user/teams").json?.arrayValue?.first?["name"] == "platform")
            #expect(try await client.get("/api/users/\(user)/teams").json?.arrayValue?.count == 1)
            let members = try #require(try await client.get("/api/teams/\(id)/members").json?.arrayValue)
            #expect(members.compactMap { $0["login"]?.stringValue }.sorted() == ["admin", "lee"])
            let removed = try await client.delete("/api/teams/\(id)/members/\(user)")
            #expect(removed.text == #"{"message":"Team Member removed"}"#)
            #expect(try await client.delete("/api/teams/\(id)/members/\(user)").status == .notFound)

            #expect(
                try await client.put("/api/teams/\(id)", #"{"name":"platform2"}"#).text
                    == #"{"message":"Team updated"}"#
            )
            #expect(try await client.delete("/api/teams/\(id)").text == #"{"message":"Team deleted"}"#)
            let gone = try await client.delete("/api/teams/\(id)")
            #expect(gone.status == .notFound && gone.text == #"{"message":"Failed to delete Team. ID not found"}"#)
            let missing = try await client.get("/api/teams/\(id)")
            #expect(missing.status == .notFound && missing.text == #"{"message":"Team not found","traceID":""}"#)
            #expect(try await client.get("/api/teams/x").text == #"{"message":"teamId is invalid","traceID":""}"#)
        }
    }
}

@Suite struct PreferencesTests {
    @Test func userOrgAndTeamPreferences() async throws {
        try await withSandbox { client in
            #expect(try await client.get("/api/user/preferences").text == "{}")
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"home","title":"Home"}}"#)
            let put = try await client.put(
                "/api/org/preferences",
                #"{"theme":"dark","homeDashboardUID":"home","timezone":"utc"}"#
            )
            #expect(put.text == #"{"message":"Preferences updated"}"#)
            #expect(
                try await client.get("/api/org/preferences").text
                    == #"{"homeDashboardUID":"home","timezone":"utc","theme":"dark"}"#
            )
            let patch = try await client.patch("/api/org/preferences", #"{"weekStart":"monday"}"#)
            #expect(patch.status == .ok)
            #expect(try await client.get("/api/org/preferences")["theme"] == "dark")
            #expect(try await client.get("/api/org/preferences")["weekStart"] == "monday")
            // PUT replaces everything.
            _ = try await client.put("/api/org/preferences", #"{"theme":"light"}"#)
            #expect(try await client.get("/api/org/preferences").text == #"{"theme":"light"}"#)

            let badTheme = try await client.put("/api/user/preferences", #"{"theme":"neon"}"#)
            #expect(badTheme.status == .badRequest && badTheme.text == #"{"message":"Invalid theme"}"#)
            let badHome = try await client.patch("/api/user/preferences", #"{"homeDashboardUID":"nope"}"#)
            #expect(badHome.status == .notFound && badHome.text == #"{"message":"Dashboard not found","traceID":""}"#)
            #expect(try await client.put("/api/user/preferences", #"{"theme":"system"}"#).status == .ok)
            #expect(try await client.get("/api/user/preferences").text == #"{"theme":"system"}"#)

            let team = try #require(try await client.post("/api/teams", #"{"name":"t"}"#)["teamId"]?.integerValue)
            #expect(try await client.put("/api/teams/\(team)/preferences", #"{"timezone":"browser"}"#).status == .ok)
            #expect(try await client.get("/api/teams/\(team)/preferences").text == #"{"timezone":"browser"}"#)
            try await client.createUser("v")
            expectAccessDenied(
                try await client.put("/api/org/preferences", "{}", as: .basic("v", "secret123")),
                "orgs.preferences:write"
            )
        }
    }
}
