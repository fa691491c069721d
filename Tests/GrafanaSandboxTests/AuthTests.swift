import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// Authentication and org selection, against the fixtures' exact bytes.
@Suite struct AuthTests {
    @Test func noCredentialsIsUnauthorizedByteForByte() async throws {
        try await withSandbox { client in
            let reply = try await client.get("/api/user", as: .none)
            #expect(reply.status == .unauthorized)
            #expect(reply.text == (try Fixture.text("unauthenticated.401.json")))
            #expect(reply.contentType == "application/json; charset=UTF-8")
        }
    }

    @Test func wrongPasswordMatchesFixture() async throws {
        try await withSandbox { client in
            let reply = try await client.get("/api/user", as: .basic("admin", "wrong"))
            #expect(reply.status == .unauthorized)
            #expect(reply.text == (try Fixture.text("bad-basic-auth.401.json")))
            let unknown = try await client.get("/api/user", as: .basic("nobody", "x"))
            #expect(unknown.text == (try Fixture.text("bad-basic-auth.401.json")))
        }
    }

    @Test(arguments: [
        "Bearer glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a",
        "Bearer glsa_notatoken",
        "Bearer eyJrIjoiVjFxTHZ6dGdPSjg5Um92MjN1RlhjMkNqYkZUbm9jYkwiLCJuIjoiZ3JhZmFuYSIsImlkIjoxfQ==",
        "Bearer garbage",
        "Basic " + Data("api_key:garbage".utf8).base64EncodedString(),
    ])
    func invalidTokensMatchFixture(header: String) async throws {
        try await withSandbox { client in
            let reply = try await client.get("/api/user", as: .raw(header))
            #expect(reply.status == .unauthorized)
            #expect(reply.text == (try Fixture.text("invalid-token.401.json")))
        }
    }

    @Test func tokenWithAnotherOrgsHeaderIsOrgMismatch() async throws {
        try await withSandbox { client in
            let token = try await client.serviceAccountToken(role: "Admin")
            _ = try await client.createOrg("second")
            let reply = try await client.get("/api/org", as: .bearer(token), orgID: "2")
            #expect(reply.status == .unauthorized)
            #expect(reply.text == (try Fixture.text("token-org-mismatch.401.json")))
            // Its own org in the header, or none, is fine.
            #expect(try await client.get("/api/org", as: .bearer(token), orgID: "1").status == .ok)
            #expect(try await client.get("/api/org", as: .bearer(token)).status == .ok)
            // The `api_key:<token>` basic form authenticates the same token.
            let basic = try await client.get("/api/org", as: .basic("api_key", token))
            #expect(basic.status == .ok)
            #expect(basic["name"] == "Main Org.")
        }
    }

    @Test func unknownRoutesAnswerNotFoundWhenSignedInAndUnauthorizedOtherwise() async throws {
        try await withSandbox { client in
            let reply = try await client.get("/api/no-such-route")
            #expect(reply.status == .notFound)
            #expect(reply.text == "{\"message\":\"Not found\"}\n")
            let anonymous = try await client.get("/api/no-such-route", as: .none)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.text == (try Fixture.text("unauthenticated.401.json")))
            // A known path with a method Grafana does not serve falls to the same handler.
            #expect(try await client.send(.patch, "/api/health").status == .notFound)
        }
    }

    @Test func userOrgComesFromHeaderElseCurrentOrg() async throws {
        try await withSandbox { client in
            let second = try await client.createOrg("second")
            #expect(try await client.get("/api/org")["id"] == .int(1))
            #expect(try await client.get("/api/org", orgID: "\(second)")["id"] == .int(second))
            // A non-numeric header is ignored, as `orgIDFromRequest` ignores it.
            #expect(try await client.get("/api/org", orgID: "abc")["id"] == .int(1))
            let switched = try await client.post("/api/user/using/\(second)")
            #expect(switched.status == .ok)
            #expect(switched.text == #"{"message":"Active organization changed"}"#)
            #expect(try await client.get("/api/org")["id"] == .int(second))
            #expect(try await client.get("/api/user")["orgId"] == .int(second))
        }
    }

    /// `OrgRedirect`: `?orgId=N` switches a user's current org for good and answers 302.
    @Test func orgIdQuerySwitchesAndRedirects() async throws {
        try await withSandbox { client in
            let second = try await client.createOrg("second")
            let reply = try await client.get("/api/search?orgId=\(second)&query=a%20b")
            #expect(reply.status == .found)
            let location = try #require(reply.headers[.location])
            #expect(location.hasSuffix("/api/search?orgId=\(second)&query=a+b"))
            #expect(try await client.get("/api/org")["id"] == .int(second))
            // The same org again is no switch, so no redirect.
            #expect(try await client.get("/api/org?orgId=\(second)").status == .ok)
            let notMember = try await client.get("/api/org?orgId=77")
            #expect(notMember.status == .notFound && notMember.text == "{\"message\":\"Not found\"}\n")
        }
    }

    @Test func nonMemberHeaderGivesNoRole() async throws {
        try await withSandbox { client in
            try await client.createUser("viewer")
            let second = try await client.createOrg("second")
            let reply = try await client.get("/api/org", as: .basic("viewer", "secret123"), orgID: "\(second)")
            expectAccessDenied(reply, "orgs:read")
        }
    }

    @Test func disabledUsersCannotSignIn() async throws {
        try await withSandbox { client in
            let id = try await client.createUser("leaver")
            #expect(try await client.post("/api/admin/users/\(id)/disable").status == .ok)
            let reply = try await client.get("/api/user", as: .basic("leaver", "secret123"))
            #expect(reply.text == (try Fixture.text("bad-basic-auth.401.json")))
            #expect(try await client.post("/api/admin/users/\(id)/enable").status == .ok)
            #expect(try await client.get("/api/user", as: .basic("leaver", "secret123")).status == .ok)
        }
    }

    @Test func emailSignsInLikeLogin() async throws {
        try await withSandbox { client in
            try await client.createUser("mail", email: "mail@example.org")
            #expect(try await client.get("/api/user", as: .basic("mail@example.org", "secret123")).status == .ok)
        }
    }

    @Test func malformedBasicHeaderIsInvalidHeader() async throws {
        try await withSandbox { client in
            let reply = try await client.get("/api/user", as: .raw("Basic %%%"))
            #expect(reply.status == .badRequest)
            #expect(reply["messageId"] == "basic-auth.invalid-header")
            #expect(reply["message"] == "Invalid Basic Auth Header")
        }
    }

    /// Grafana registers routes such as `/orgs/:orgId/` and its router takes them with or
    /// without the trailing slash.
    @Test func trailingSlashesAndEncodedQueriesAreAccepted() async throws {
        try await withSandbox { client in
            let org = try await client.get("/api/org/")
            #expect(org["id"] == 1)
            #expect(try await client.post("/api/orgs/", #"{"name":"with space"}"#).status == .ok)
            #expect(try await client.get("/api/orgs?query=with%20space").json?.arrayValue?.count == 1)
            #expect(try await client.get("/api/health/", as: .none).status == .ok)
        }
    }

    @Test func nonAPIPathsRedirectToLoginWhenSignedOut() async throws {
        try await withSandbox { client in
            let reply = try await client.get("/dashboards", as: .none)
            #expect(reply.status == .found)
            #expect(reply.headers[.location] == "/login")
        }
    }
}
