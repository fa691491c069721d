import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

@Suite struct SignedInUserTests {
    @Test func profileOfAdmin() async throws {
        try await withSandbox { client in
            let reply = try await client.get("/api/user")
            #expect(reply.status == .ok)
            let profile = try #require(reply.json?.objectValue)
            #expect(
                profile.keys == [
                    "id", "uid", "email", "name", "login", "theme", "orgId", "isGrafanaAdmin", "isDisabled",
                    "isExternal",
                    "isExternallySynced", "isGrafanaAdminExternallySynced", "authLabels", "updatedAt", "createdAt",
                    "avatarUrl",
                ]
            )
            #expect(profile["login"] == "admin")
            #expect(profile["isGrafanaAdmin"] == true)
            #expect(profile["authLabels"] == [])
            #expect(profile["avatarUrl"] == "/avatar/46d229b033af06a191ff2267bca9ae56")
        }
    }

    @Test func tokensGetSyntheticProfileAndNoOrgList() async throws {
        try await withSandbox { client in
            let token = try await client.serviceAccountToken(role: "Viewer")
            let profile = try await client.get("/api/user", as: .bearer(token))
            #expect(profile.status == .ok)
            #expect(profile["id"] == 0)
            #expect(profile["login"] == "sa-1-robot")
            #expect(profile["uid"]?.stringValue?.hasPrefix("service-account:") == true)
            // `getUserID`: 304, and no body on the wire.
            let orgs = try await client.get("/api/user/orgs", as: .bearer(token))
            #expect(orgs.status == .notModified && orgs.text.isEmpty)
            #expect(try await client.post("/api/user/using/1", as: .bearer(token)).status == .notModified)
        }
    }

    @Test func switchingErrors() async throws {
        try await withSandbox { client in
            let notMember = try await client.post("/api/user/using/42")
            #expect(notMember.status == .unauthorized && notMember.text == #"{"message":"Not a valid organization"}"#)
            let invalid = try await client.post("/api/user/using/abc")
            #expect(invalid.status == .badRequest && invalid.text == #"{"message":"id is invalid","traceID":""}"#)
        }
    }

    @Test func updateAndPassword() async throws {
        try await withSandbox { client in
            try await client.createUser("frank", password: "frankpass")
            let frank = Credential.basic("frank", "frankpass")
            let ok = try await client.put(
                "/api/user",
                #"{"name":"Frank","email":"f@example.com","login":"frank"}"#,
                as: frank
            )
            #expect(ok.status == .ok && ok.text == #"{"message":"User updated"}"#)
            #expect(try await client.get("/api/user", as: frank)["name"] == "Frank")
            let clash = try await client.put("/api/user", #"{"login":"admin"}"#, as: frank)
            #expect(clash.status == .conflict)
            #expect(clash.text == #"{"message":"Update would result in user login conflict","traceID":""}"#)
            let empty = try await client.put("/api/user", #"{"name":"x"}"#, as: frank)
            #expect(empty.status == .badRequest)
            #expect(empty["messageId"] == "user.empty-username-and-email")

            let wrongOld = try await client.put(
                "/api/user/password",
                #"{"oldPassword":"nope","newPassword":"newpass1"}"#,
                as: frank
            )
            #expect(wrongOld.status == .badRequest && wrongOld["message"] == "Invalid old password")
            let short = try await client.put(
                "/api/user/password",
                #"{"oldPassword":"frankpass","newPassword":"ab"}"#,
                as: frank
            )
            #expect(short.status == .badRequest && short.text == #"{"message":"New password is too short"}"#)
            let changed = try await client.put(
                "/api/user/password",
                #"{"oldPassword":"frankpass","newPassword":"newpass1"}"#,
                as: frank
            )
            #expect(changed.text == #"{"message":"User password changed"}"#)
            #expect(try await client.get("/api/user", as: .basic("frank", "newpass1")).status == .ok)
        }
    }
}

@Suite struct UsersAdminTests {
    @Test func adminCreateUser() async throws {
        try await withSandbox { client in
            let reply = try await client.post(
                "/api/admin/users",
                #"{"name":"Gina","login":"gina","email":"gina@example.com","password":"pw12345"}"#
            )
            #expect(reply.status == .ok)
            #expect(reply.text == #"{"id":2,"message":"User created"}"#)
            let dup = try await client.post(
                "/api/admin/users",
                #"{"login":"gina","email":"other@example.com","password":"pw12345"}"#
            )
            #expect(dup.status == .preconditionFailed)
            #expect(
                dup.text
                    == #"{"message":"User with email 'other@example.com' or username 'gina' already exists","traceID":""}"#
            )
            let noPassword = try await client.post("/api/admin/users", #"{"login":"hal"}"#)
            #expect(
                noPassword.status == .badRequest && noPassword.text == #"{"message":"bad request data","traceID":""}"#
            )
            // New users join org 1 as Viewer (`auto_assign_org`).
            #expect(
                try await client.get("/api/users/2/orgs").json == [["orgId": 1, "name": "Main Org.", "role": "Viewer"]]
            )
            expectAccessDenied(
                try await client.post(
                    "/api/admin/users",
                    #"{"login":"x","password":"y"}"#,
                    as: .basic("gina", "pw12345")
                ),
                "users:create"
            )
        }
    }

    @Test func passwordDisableEnableDelete() async throws {
        try await withSandbox { client in
            let id = try await client.createUser("ivy")
            let pw = try await client.put("/api/admin/users/\(id)/password", #"{"password":"another1"}"#)
            #expect(pw.text == #"{"message":"User password updated"}"#)
            #expect(try await client.get("/api/user", as: .basic("ivy", "another1")).status == .ok)
            #expect(try await client.post("/api/admin/users/\(id)/disable").text == #"{"message":"User disabled"}"#)
            #expect(try await client.post("/api/admin/users/\(id)/enable").text == #"{"message":"User enabled"}"#)
            #expect(try await client.delete("/api/admin/users/\(id)").text == #"{"message":"User deleted"}"#)
            let gone = try await client.delete("/api/admin/users/\(id)")
            #expect(gone.status == .notFound && gone.text == #"{"message":"user not found"}"#)
            #expect(try await client.post("/api/admin/users/\(id)/disable").status == .notFound)
            #expect(
                try await client.post("/api/admin/users/abc/enable").text
                    == #"{"message":"id is invalid","traceID":""}"#
            )
            let lastAdmin = try await client.put("/api/admin/users/1/permissions", #"{"isGrafanaAdmin":false}"#)
            #expect(
                lastAdmin.status == .badRequest && lastAdmin.text == #"{"message":"cannot remove last grafana admin"}"#
            )
        }
    }

    @Test func searchLookupGetUpdate() async throws {
        try await withSandbox { client in
            let id = try await client.createUser("judy")
            let page = try await client.get("/api/users/search?query=jud&perpage=10")
            #expect(page["totalCount"] == 1 && page["perPage"] == 10 && page["page"] == 1)
            #expect(page["users"]?.arrayValue?.first?["login"] == "judy")
            #expect(try await client.get("/api/users").json?.arrayValue?.count == 2)
            let lookup = try await client.get("/api/users/lookup?loginOrEmail=judy@example.com")
            #expect(lookup["id"] == .int(id))
            let missing = try await client.get("/api/users/lookup?loginOrEmail=nobody")
            #expect(missing.status == .notFound && missing.text == #"{"message":"user not found"}"#)
            #expect(try await client.get("/api/users/\(id)")["login"] == "judy")
            let update = try await client.put(
                "/api/users/\(id)",
                #"{"name":"Judy","login":"judy2","email":"judy@example.com"}"#
            )
            #expect(update.text == #"{"message":"User updated"}"#)
            #expect(try await client.get("/api/users/\(id)")["login"] == "judy2")
            let org = try await client.createOrg("other")
            #expect(try await client.post("/api/users/\(id)/using/\(org)").status == .unauthorized)
            #expect(
                try await client.post("/api/users/\(id)/using/1").text == #"{"message":"Active organization changed"}"#
            )
        }
    }
}
