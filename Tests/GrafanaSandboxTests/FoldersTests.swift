import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

@Suite struct FoldersTests {
    @Test func createGetListUpdateDelete() async throws {
        try await withSandbox { client in
            let created = try await client.post("/api/folders", #"{"uid":"nErXDvCkz","title":"Department ABC"}"#)
            #expect(created.status == .ok)
            let body = try #require(created.json?.objectValue)
            #expect(
                body.keys == [
                    "id", "uid", "orgId", "title", "url", "hasAcl", "canSave", "canEdit", "canAdmin", "canDelete",
                    "createdBy",
                    "created", "updatedBy", "updated", "version",
                ]
            )
            #expect(body["url"] == "/dashboards/f/nErXDvCkz/department-abc" && body["version"] == 1)
            #expect(try await client.get("/api/folders/nErXDvCkz")["title"] == "Department ABC")
            #expect(try await client.get("/api/folders/id/\(body["id"]!.integerValue!)")["uid"] == "nErXDvCkz")
            #expect(
                try await client.get("/api/folders").json == [
                    ["id": body["id"]!, "uid": "nErXDvCkz", "title": "Department ABC"]
                ]
            )

            let stale = try await client.put("/api/folders/nErXDvCkz", #"{"title":"Dept"}"#)
            #expect(stale.status == .preconditionFailed)
            #expect(
                stale.text == #"{"message":"the folder has been changed by someone else","status":"version-mismatch"}"#
            )
            let updated = try await client.put("/api/folders/nErXDvCkz", #"{"title":"Dept","version":1}"#)
            #expect(updated["title"] == "Dept" && updated["version"] == 2)
            #expect(
                try await client.put("/api/folders/nErXDvCkz", #"{"title":"Dept 2","overwrite":true}"#)["version"] == 3
            )

            _ = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"inside","title":"Inside"},"folderUid":"nErXDvCkz"}"#
            )
            let deleted = try await client.delete("/api/folders/nErXDvCkz")
            #expect(deleted.text == #"{"message":"Folder deleted"}"#)
            #expect(try await client.get("/api/dashboards/uid/inside").status == .notFound)
            let gone = try await client.get("/api/folders/nErXDvCkz")
            #expect(gone.status == .notFound && gone.text == #"{"message":"folder not found","status":"not-found"}"#)
        }
    }

    @Test func createErrors() async throws {
        try await withSandbox { client in
            let empty = try await client.post("/api/folders", #"{"title":""}"#)
            #expect(empty.status == .badRequest && empty.text == #"{"message":"folder title cannot be empty"}"#)
            _ = try await client.post("/api/folders", #"{"uid":"dup","title":"One"}"#)
            let dup = try await client.post("/api/folders", #"{"uid":"dup","title":"Two"}"#)
            #expect(
                dup.status == .conflict
                    && dup.text == #"{"message":"a folder/dashboard with the same uid already exists"}"#
            )
            let bad = try await client.post("/api/folders", #"{"uid":"bad uid","title":"Two"}"#)
            #expect(bad.text == #"{"message":"uid contains illegal characters","traceID":""}"#)
            let wrongType = try await client.post("/api/folders", #"{"title":7}"#)
            #expect(wrongType.text == #"{"message":"bad request data","traceID":""}"#)
            let viewer = try await client.createUser("viewer")
            _ = viewer
            expectAccessDenied(
                try await client.post("/api/folders", #"{"title":"x"}"#, as: .basic("viewer", "secret123")),
                "folders:create"
            )
        }
    }

    @Test func nestedFoldersAndMove() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/folders", #"{"uid":"top","title":"Top"}"#)
            let child = try await client.post("/api/folders", #"{"uid":"child","title":"Child","parentUid":"top"}"#)
            #expect(child["parentUid"] == "top")
            #expect(child["parents"]?.arrayValue?.first?["uid"] == "top")
            #expect(try await client.get("/api/folders").json?.arrayValue?.count == 1)
            #expect(try await client.get("/api/folders?parentUid=top").json?.arrayValue?.first?["parentUid"] == "top")
            let circular = try await client.post("/api/folders/top/move", #"{"parentUid":"child"}"#)
            #expect(circular.status == .badRequest && circular["messageId"] == "folder.circular-reference")
            let moved = try await client.post("/api/folders/child/move", #"{"parentUid":""}"#)
            #expect(moved.status == .ok && moved["parentUid"] == nil)
            #expect(try await client.get("/api/folders").json?.arrayValue?.count == 2)
            let missingParent = try await client.post("/api/folders", #"{"title":"Orphan","parentUid":"nope"}"#)
            #expect(missingParent.status == .notFound)
        }
    }

    @Test func permissions() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/folders", #"{"uid":"perm","title":"Perm"}"#)
            let defaults = try #require(try await client.get("/api/folders/perm/permissions").json?.arrayValue)
            #expect(defaults.count == 3)
            #expect(defaults.compactMap { $0["permissionName"]?.stringValue } == ["Admin", "Edit", "View"])
            #expect(defaults[0]["userLogin"] == "admin" && defaults[1]["role"] == "Editor")

            let user = try await client.createUser("kim")
            let team = try #require(try await client.post("/api/teams", #"{"name":"ops"}"#)["teamId"]?.integerValue)
            let set = try await client.post(
                "/api/folders/perm/permissions",
                #"{"items":[{"userId":\#(user),"permission":2},{"teamId":\#(team),"permission":1},{"role":"Viewer","permission":1}]}"#
            )
            #expect(set.text == #"{"message":"Folder permissions updated"}"#)
            let list = try #require(try await client.get("/api/folders/perm/permissions").json?.arrayValue)
            #expect(list.count == 3)
            #expect(list[0]["userLogin"] == "kim" && list[0]["permission"] == 2 && list[0]["isFolder"] == true)
            #expect(list[1]["team"] == "ops")

            let both = try await client.post(
                "/api/folders/perm/permissions",
                #"{"items":[{"userId":\#(user),"teamId":\#(team),"permission":1}]}"#
            )
            #expect(
                both.status == .badRequest
                    && both["message"] == "team and user permissions cannot have an associated role"
            )
            let roleAndUser = try await client.post(
                "/api/folders/perm/permissions",
                #"{"items":[{"userId":\#(user),"role":"Viewer","permission":1}]}"#
            )
            #expect(roleAndUser["message"] == "permissions cannot have both a user and team")
            #expect(try await client.get("/api/folders/nope/permissions").status == .notFound)
        }
    }

    @Test func dashboardPermissions() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"d","title":"D"}}"#)
            #expect(try await client.get("/api/dashboards/uid/d/permissions").json?.arrayValue?.count == 3)
            let set = try await client.post(
                "/api/dashboards/uid/d/permissions",
                #"{"items":[{"role":"Editor","permission":4}]}"#
            )
            #expect(set.text == #"{"message":"Dashboard permissions updated"}"#)
            let list = try #require(try await client.get("/api/dashboards/uid/d/permissions").json?.arrayValue)
            #expect(list.count == 1 && list[0]["permissionName"] == "Admin" && list[0]["isFolder"] == false)
            let none = try await client.post("/api/dashboards/uid/d/permissions", #"{"items":[{"permission":1}]}"#)
            #expect(none["message"] == "user id and team id cannot both be empty for a dashboard permission")
            let missing = try await client.get("/api/dashboards/uid/zzz/permissions")
            #expect(missing.status == .notFound && missing.text == #"{"message":"Dashboard not found","traceID":""}"#)
        }
    }
}
