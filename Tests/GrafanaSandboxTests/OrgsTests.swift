import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

@Suite struct OrgsTests {
    @Test func createOrgAnswersFixtureAndMakesCreatorAdmin() async throws {
        try await withSandbox { client in
            let reply = try await client.post("/api/orgs", #"{"name":"apiorg"}"#)
            #expect(reply.status == .ok)
            #expect(reply.text == (try Fixture.text("org-created.200.json")))
            let orgs = try await client.get("/api/user/orgs")
            // Ordered by name, byte-wise as SQLite compares them.
            #expect(
                orgs.json == [
                    ["orgId": 1, "name": "Main Org.", "role": "Admin"],
                    ["orgId": 2, "name": "apiorg", "role": "Admin"],
                ]
            )
            // The creator's current org does not change.
            #expect(try await client.get("/api/user")["orgId"] == 1)
        }
    }

    @Test func duplicateOrgNameIsConflictFixture() async throws {
        try await withSandbox { client in
            _ = try await client.createOrg("apiorg")
            let reply = try await client.post("/api/orgs", #"{"name":"apiorg"}"#)
            #expect(reply.status == .conflict)
            #expect(reply.text == (try Fixture.text("org-name-taken.409.json")))
        }
    }

    @Test func nonAdminsCannotCreateOrgs() async throws {
        try await withSandbox { client in
            let id = try await client.createUser("editor")
            try await client.setMainOrgRole(id, "Admin")
            let reply = try await client.post("/api/orgs", #"{"name":"x"}"#, as: .basic("editor", "secret123"))
            expectAccessDenied(reply, "orgs:create")
            // A token cannot be a server admin either.
            let token = try await client.serviceAccountToken()
            expectAccessDenied(try await client.post("/api/orgs", #"{"name":"x"}"#, as: .bearer(token)), "orgs:create")
        }
    }

    @Test func getSearchAndByName() async throws {
        try await withSandbox { client in
            let id = try await client.createOrg("Second Org")
            let byID = try await client.get("/api/orgs/\(id)")
            #expect(byID.status == .ok)
            #expect(
                byID.text
                    == #"{"id":2,"name":"Second Org","address":{"address1":"","address2":"","city":"","zipCode":"","state":"","country":""}}"#
            )
            #expect(try await client.get("/api/orgs/name/Second%20Org").json == byID.json)
            #expect(
                try await client.get("/api/orgs").json == [
                    ["id": 1, "name": "Main Org."], ["id": 2, "name": "Second Org"],
                ]
            )
            #expect(try await client.get("/api/orgs?query=second").json == [["id": 2, "name": "Second Org"]])
            #expect(try await client.get("/api/orgs?perpage=1&page=2").json == [["id": 2, "name": "Second Org"]])
            let missing = try await client.get("/api/orgs/99")
            #expect(
                missing.status == .notFound && missing.text == #"{"message":"Organization not found","traceID":""}"#
            )
            let missingName = try await client.get("/api/orgs/name/nope")
            #expect(
                missingName.status == .notFound
                    && missingName.text == #"{"message":"Organization not found","traceID":""}"#
            )
            let invalid = try await client.get("/api/orgs/abc")
            #expect(invalid.status == .badRequest && invalid.text == #"{"message":"orgId is invalid","traceID":""}"#)
        }
    }

    @Test func updateOrg() async throws {
        try await withSandbox { client in
            let id = try await client.createOrg("two")
            _ = try await client.createOrg("three")
            let ok = try await client.put("/api/orgs/\(id)", #"{"name":"deux"}"#)
            #expect(ok.status == .ok && ok.text == #"{"message":"Organization updated"}"#)
            let taken = try await client.put("/api/orgs/\(id)", #"{"name":"three"}"#)
            #expect(taken.status == .badRequest && taken.text == #"{"message":"Organization name taken","traceID":""}"#)
            let unknown = try await client.put("/api/orgs/9999", #"{"name":"x"}"#)
            #expect(unknown.status == .internalServerError)
            #expect(unknown.text == #"{"message":"Failed to update organization","traceID":""}"#)
            let current = try await client.put("/api/org", #"{"name":"Main Org 2."}"#)
            #expect(current.status == .ok)
            #expect(try await client.get("/api/org")["name"] == "Main Org 2.")
        }
    }

    @Test(arguments: [
        ("11.4.0", "Can not delete org for current user"), ("12.1.0", "Cannot delete your active organization"),
    ])
    func deleteOrg(version: String, activeMessage: String) async throws {
        try await withSandbox(profile(version)) { client in
            let id = try await client.createOrg("gone")
            let active = try await client.delete("/api/orgs/1")
            #expect(active.status == .badRequest)
            #expect(active.json == ["message": .string(activeMessage)])
            let ok = try await client.delete("/api/orgs/\(id)")
            #expect(ok.status == .ok && ok.text == #"{"message":"Organization deleted"}"#)
            let again = try await client.delete("/api/orgs/\(id)")
            #expect(again.status == .notFound)
            #expect(again.text == #"{"message":"Failed to delete organization. ID not found"}"#)
            #expect(try await client.get("/api/user/orgs").json?.arrayValue?.count == 1)
        }
    }

    @Test func addresses() async throws {
        try await withSandbox { client in
            let reply = try await client.put(
                "/api/org/address",
                #"{"address1":"1 Main St","city":"Oslo","country":"NO"}"#
            )
            #expect(reply.text == #"{"message":"Address updated"}"#)
            let address = try await client.get("/api/org")["address"]
            #expect(
                address == [
                    "address1": "1 Main St", "address2": "", "city": "Oslo", "zipCode": "", "state": "",
                    "country": "NO",
                ]
            )
            let unknown = try await client.put("/api/orgs/42/address", #"{"city":"x"}"#)
            #expect(
                unknown.status == .internalServerError
                    && unknown.text == #"{"message":"Failed to update org address","traceID":""}"#
            )
            #expect(
                try await client.put("/api/org/address", #"{"city":1}"#).text
                    == #"{"message":"bad request data","traceID":""}"#
            )
        }
    }

    @Test func viewersReadCurrentOrgButCannotWriteIt() async throws {
        try await withSandbox { client in
            try await client.createUser("viewer")
            let viewer = Credential.basic("viewer", "secret123")
            #expect(try await client.get("/api/org", as: viewer)["name"] == "Main Org.")
            expectAccessDenied(try await client.put("/api/org", #"{"name":"x"}"#, as: viewer), "orgs:write")
            expectAccessDenied(try await client.get("/api/orgs", as: viewer), "orgs:read")
        }
    }
}

@Suite struct OrgUsersTests {
    @Test func addListUpdateRemove() async throws {
        try await withSandbox { client in
            let org = try await client.createOrg("team")
            let userID = try await client.createUser("alice")
            let added = try await client.post("/api/orgs/\(org)/users", #"{"loginOrEmail":"alice","role":"Editor"}"#)
            #expect(added.status == .ok)
            #expect(added.text == #"{"message":"User added to organization","userId":\#(userID)}"#)
            let again = try await client.post(
                "/api/orgs/\(org)/users",
                #"{"loginOrEmail":"alice@example.com","role":"Editor"}"#
            )
            #expect(again.status == .conflict)
            #expect(again.text == #"{"message":"User is already member of this organization","userId":\#(userID)}"#)

            let list = try #require(try await client.get("/api/orgs/\(org)/users").json?.arrayValue)
            #expect(list.count == 2)
            let alice = try #require(list.first { $0["login"] == "alice" })
            #expect(alice["role"] == "Editor")
            #expect(alice["orgId"] == .int(org))
            #expect(alice["lastSeenAtAge"] == "10y")
            #expect(alice["avatarUrl"]?.stringValue?.hasPrefix("/avatar/") == true)

            let patched = try await client.patch("/api/orgs/\(org)/users/\(userID)", #"{"role":"Viewer"}"#)
            #expect(patched.status == .ok && patched.text == #"{"message":"Organization user updated"}"#)
            let removed = try await client.delete("/api/orgs/\(org)/users/\(userID)")
            #expect(removed.status == .ok && removed.text == #"{"message":"User removed from organization"}"#)
        }
    }

    @Test func addErrors() async throws {
        try await withSandbox { client in
            let badRole = try await client.post("/api/orgs/1/users", #"{"loginOrEmail":"admin","role":"Boss"}"#)
            #expect(badRole.status == .badRequest && badRole.text == #"{"message":"Invalid role specified"}"#)
            let unknown = try await client.post("/api/orgs/1/users", #"{"loginOrEmail":"ghost","role":"Viewer"}"#)
            #expect(unknown.status == .notFound && unknown.text == #"{"message":"User not found"}"#)
            let missing = try await client.post("/api/orgs/1/users", #"{"role":"Viewer"}"#)
            #expect(missing.status == .badRequest && missing.text == #"{"message":"bad request data","traceID":""}"#)
            let invalidOrg = try await client.post("/api/orgs/x/users", #"{"loginOrEmail":"admin","role":"Viewer"}"#)
            #expect(invalidOrg.text == #"{"message":"orgId is invalid","traceID":""}"#)
        }
    }

    @Test func orgAdminCannotGrantAboveOwnRoleAndLastAdminStays() async throws {
        try await withSandbox { client in
            let bob = try await client.createUser("bob")
            try await client.setMainOrgRole(bob, "Editor")
            let carol = try await client.createUser("carol")
            try await client.setMainOrgRole(carol, "Admin")
            // carol (org Admin, not server admin) manages org 1 through /api/org/users.
            let asCarol = Credential.basic("carol", "secret123")
            #expect(try await client.patch("/api/org/users/\(bob)", #"{"role":"Admin"}"#, as: asCarol).status == .ok)
            // Demoting admins until one is left: admin(1), bob, carol are Admins now.
            #expect(try await client.patch("/api/org/users/\(bob)", #"{"role":"Viewer"}"#, as: asCarol).status == .ok)
            #expect(try await client.patch("/api/org/users/\(carol)", #"{"role":"Viewer"}"#).status == .ok)
            let last = try await client.patch("/api/org/users/1", #"{"role":"Viewer"}"#)
            #expect(last.status == .badRequest)
            #expect(last.text == #"{"message":"Cannot change role so that there is no organization admin left"}"#)
            let remove = try await client.delete("/api/org/users/1")
            #expect(
                remove.status == .badRequest && remove.text == #"{"message":"Cannot remove last organization admin"}"#
            )
            // A viewer may not add higher roles, or anything at all: RBAC stops them first.
            expectAccessDenied(
                try await client.post(
                    "/api/org/users",
                    #"{"loginOrEmail":"bob","role":"Admin"}"#,
                    as: .basic("bob", "secret123")
                ),
                "org.users:add"
            )
            let unknown = try await client.patch("/api/orgs/1/users/999", #"{"role":"Viewer"}"#)
            #expect(
                unknown.status == .internalServerError
                    && unknown.text == #"{"message":"Failed update org user","traceID":""}"#
            )
        }
    }

    @Test func editorCannotAssignAdmin() async throws {
        try await withSandbox { client in
            // An org Admin token (not a server admin) whose role is compared with the requested one.
            let token = try await client.serviceAccountToken(role: "Editor")
            let reply = try await client.post(
                "/api/org/users",
                #"{"loginOrEmail":"admin","role":"Admin"}"#,
                as: .bearer(token)
            )
            expectAccessDenied(reply, "org.users:add")
        }
    }

    @Test func removingFromCurrentOrgDeletesOrphanedUser() async throws {
        try await withSandbox { client in
            let dave = try await client.createUser("dave")
            let reply = try await client.delete("/api/org/users/\(dave)")
            #expect(reply.text == #"{"message":"User deleted"}"#)
            #expect(try await client.get("/api/users/\(dave)").status == .notFound)
        }
    }

    @Test func currentOrgListAndLookup() async throws {
        try await withSandbox { client in
            try await client.createUser("erin")
            let list = try #require(try await client.get("/api/org/users").json?.arrayValue)
            #expect(list.compactMap { $0["login"]?.stringValue } == ["admin", "erin"])
            let lookup = try await client.get("/api/org/users/lookup?query=eri&limit=5")
            #expect(lookup.json?.arrayValue?.count == 1)
            #expect(lookup.json?.arrayValue?.first?["login"] == "erin")
        }
    }
}
