import Foundation
import GFSValue
import HTTPTypes
import Synchronization
import Testing

@testable import GrafanaSandbox

@Suite struct ServiceAccountsTests {
    @Test func createAnswers201WithDTO() async throws {
        try await withSandbox { client in
            let reply = try await client.post("/api/serviceaccounts", #"{"name":"grafana","role":"Viewer"}"#)
            #expect(reply.status == .created)
            let body = try #require(reply.json?.objectValue)
            #expect(
                body.keys == [
                    "id", "name", "login", "orgId", "isDisabled", "role", "tokens", "avatarUrl", "isExternal",
                ]
            )
            #expect(body["login"] == "sa-1-grafana")
            #expect(body["role"] == "Viewer")
            #expect(body["tokens"] == 0)
            // Accounts share the user id sequence: admin is 1.
            #expect(body["id"] == 2)
        }
    }

    @Test func createErrorsMatchFixtures() async throws {
        try await withSandbox { client in
            _ = try await client.post("/api/serviceaccounts", #"{"name":"grafana"}"#)
            let dup = try await client.post("/api/serviceaccounts", #"{"name":"grafana"}"#)
            #expect(dup.status == .badRequest)
            #expect(dup.text == (try Fixture.text("sa-already-exists.400.json")))
            let role = try await client.post("/api/serviceaccounts", #"{"name":"x","role":"Owner"}"#)
            #expect(
                role.text
                    == #"{"message":"invalid role specified","messageId":"serviceaccounts.ErrInvalidRoleSpecified","statusCode":400,"traceID":""}"#
            )
            let bad = try await client.post("/api/serviceaccounts", #"{"name":5}"#)
            #expect(bad.status == .badRequest && bad.text == #"{"message":"Bad request data","traceID":""}"#)
            let editorToken = try await client.serviceAccountToken(role: "Editor", name: "ed")
            expectAccessDenied(
                try await client.post("/api/serviceaccounts", #"{"name":"y"}"#, as: .bearer(editorToken)),
                "serviceaccounts:create"
            )
        }
    }

    @Test func higherRoleThanCallerIsForbidden() async throws {
        try await withSandbox { client in
            // Org Admins may create Admin accounts; the check bites for roles above the caller's.
            let id = try await client.createUser("orgadmin")
            try await client.setMainOrgRole(id, "Admin")
            let ok = try await client.post(
                "/api/serviceaccounts",
                #"{"name":"a","role":"Admin"}"#,
                as: .basic("orgadmin", "secret123")
            )
            #expect(ok.status == .created)
        }
    }

    @Test func tokensCreateListDelete() async throws {
        try await withSandbox { client in
            let account = try #require(
                try await client.post("/api/serviceaccounts", #"{"name":"ci","role":"Admin"}"#)["id"]?.integerValue
            )
            let created = try await client.post(
                "/api/serviceaccounts/\(account)/tokens",
                #"{"name":"ci-token","secondsToLive":604800}"#
            )
            #expect(created.status == .ok)
            #expect(created.json?.objectValue?.keys == ["id", "name", "key"])
            let key = try #require(created["key"]?.stringValue)
            #expect(try #/glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}/#.wholeMatch(in: key) != nil)
            let dup = try await client.post("/api/serviceaccounts/\(account)/tokens", #"{"name":"ci-token"}"#)
            #expect(dup.text == (try Fixture.text("sa-token-duplicate.400.json")))

            let list = try #require(try await client.get("/api/serviceaccounts/\(account)/tokens").json?.arrayValue)
            #expect(list.count == 1)
            #expect(
                list[0].objectValue?.keys == [
                    "id", "name", "created", "lastUsedAt", "expiration", "secondsUntilExpiration", "hasExpired",
                    "isRevoked",
                ]
            )
            #expect(list[0]["hasExpired"] == false)
            #expect(
                (list[0]["secondsUntilExpiration"].flatMap { if case .double(let s) = $0 { s } else { nil } } ?? 0) > 0
            )
            #expect(try await client.get("/api/serviceaccounts/999/tokens").json == [])

            // The token works as a bearer, and its account shows one token.
            #expect(try await client.get("/api/org", as: .bearer(key)).status == .ok)
            #expect(try await client.get("/api/serviceaccounts/\(account)")["tokens"] == 1)

            let tokenID = try #require(created["id"]?.integerValue)
            let deleted = try await client.delete("/api/serviceaccounts/\(account)/tokens/\(tokenID)")
            #expect(deleted.text == #"{"message":"Service account token deleted"}"#)
            let again = try await client.delete("/api/serviceaccounts/\(account)/tokens/\(tokenID)")
            #expect(again.status == .notFound && again["messageId"] == "serviceaccounts.ErrTokenNotFound")
            // A deleted token no longer authenticates.
            #expect(
                try await client.get("/api/org", as: .bearer(key)).text == (try Fixture.text("invalid-token.401.json"))
            )
        }
    }

    @Test func tokenErrors() async throws {
        try await withSandbox { client in
            let unknown = try await client.post("/api/serviceaccounts/77/tokens", #"{"name":"t"}"#)
            #expect(unknown.status == .notFound)
            #expect(
                unknown.text
                    == #"{"message":"service account not found","messageId":"serviceaccounts.ErrNotFound","statusCode":404,"traceID":""}"#
            )
            let invalid = try await client.post("/api/serviceaccounts/x/tokens", #"{"name":"t"}"#)
            #expect(invalid.text == #"{"message":"Service Account ID is invalid","traceID":""}"#)
            let account = try #require(
                try await client.post("/api/serviceaccounts", #"{"name":"ci"}"#)["id"]?.integerValue
            )
            let badToken = try await client.delete("/api/serviceaccounts/\(account)/tokens/x")
            #expect(badToken.text == #"{"message":"Token ID is invalid","traceID":""}"#)
            let noName = try await client.post("/api/serviceaccounts/\(account)/tokens", "{}")
            #expect(noName.text == #"{"message":"Bad request data","traceID":""}"#)
        }
    }

    @Test func expiredTokensAreRejected() async throws {
        let clock = TestWallClock()
        var configuration = SandboxConfiguration()
        configuration.now = { clock.now }
        try await withSandbox(configuration) { client in
            let account = try #require(
                try await client.post("/api/serviceaccounts", #"{"name":"ci"}"#)["id"]?.integerValue
            )
            let created = try await client.post(
                "/api/serviceaccounts/\(account)/tokens",
                #"{"name":"short","secondsToLive":1}"#
            )
            let key = try #require(created["key"]?.stringValue)
            // Still valid within its second; expired once the sandbox's clock has passed it.
            #expect(try await client.get("/api/org", as: .bearer(key)).status == .ok)
            clock.advance(by: 1)
            let reply = try await client.get("/api/org", as: .bearer(key))
            #expect(reply.status == .unauthorized)
            #expect(
                reply.text
                    == #"{"extra":null,"message":"Expired API key","messageId":"api-key.expired","statusCode":401,"traceID":""}"#
                    + "\n"
            )
        }
    }

    /// `?accesscontrol=true` adds the caller's actions on each account; without it the field is absent.
    @Test(arguments: [("11.4.0", 5), ("9.5.0", 3)]) func accessControlMetadata(version: String, actions: Int)
        async throws
    {
        try await withSandbox(profile(version)) { client in
            let id = try #require(try await client.post("/api/serviceaccounts", #"{"name":"ci"}"#)["id"]?.integerValue)
            let plain = try await client.get("/api/serviceaccounts/search")
            #expect(plain["serviceAccounts"]?.arrayValue?.first?["accessControl"] == nil)
            let search = try await client.get("/api/serviceaccounts/search?accesscontrol=true")
            let metadata = try #require(search["serviceAccounts"]?.arrayValue?.first?["accessControl"]?.objectValue)
            #expect(metadata.count == actions)
            #expect(metadata["serviceaccounts:write"] == true && metadata["serviceaccounts:create"] == nil)
            let single = try await client.get("/api/serviceaccounts/\(id)?accesscontrol=true")
            #expect(single["accessControl"]?.objectValue?.count == actions)
            #expect(single["avatarUrl"]?.stringValue?.hasPrefix("/avatar/") == true)
        }
    }

    @Test func searchGetUpdateDelete() async throws {
        try await withSandbox { client in
            for name in ["alpha", "beta", "gamma"] {
                _ = try await client.post("/api/serviceaccounts", #"{"name":"\#(name)"}"#)
            }
            let search = try await client.get("/api/serviceaccounts/search?query=a&perpage=2&page=0")
            #expect(search["totalCount"] == 3 && search["page"] == 1 && search["perPage"] == 2)
            #expect(search["serviceAccounts"]?.arrayValue?.count == 2)
            #expect(try await client.get("/api/serviceaccounts/search?page=9999")["serviceAccounts"] == [])

            let id = try #require(search["serviceAccounts"]?.arrayValue?.first?["id"]?.integerValue)
            let profile = try await client.get("/api/serviceaccounts/\(id)")
            #expect(profile["name"] == "alpha")
            #expect(profile["teams"] == [])
            let missing = try await client.get("/api/serviceaccounts/999")
            #expect(missing.status == .notFound && missing["messageId"] == "serviceaccounts.ErrNotFound")

            let updated = try await client.patch("/api/serviceaccounts/\(id)", #"{"name":"alpha2","role":"Editor"}"#)
            #expect(updated.status == .ok)
            #expect(updated.json?.objectValue?.keys == ["id", "message", "name", "serviceaccount"])
            #expect(updated["serviceaccount"]?["role"] == "Editor")
            let badRole = try await client.patch("/api/serviceaccounts/\(id)", #"{"role":"God"}"#)
            #expect(badRole.text == #"{"message":"Invalid role specified"}"#)

            let deleted = try await client.delete("/api/serviceaccounts/\(id)")
            #expect(deleted.text == #"{"message":"Service account deleted"}"#)
            #expect(try await client.get("/api/serviceaccounts/\(id)").status == .notFound)
            #expect(
                try await client.delete("/api/serviceaccounts/x").text
                    == #"{"message":"Service account ID is invalid","traceID":""}"#
            )
        }
    }

    @Test func accountsBelongToTheRequestOrg() async throws {
        try await withSandbox { client in
            let org = try await client.createOrg("apiorg")
            let token = try await client.serviceAccountToken(role: "Admin", orgID: "\(org)")
            // The token acts in apiorg without a header.
            #expect(try await client.get("/api/org", as: .bearer(token))["name"] == "apiorg")
            #expect(try await client.get("/api/serviceaccounts/search")["totalCount"] == 0)
            #expect(try await client.get("/api/serviceaccounts/search", orgID: "\(org)")["totalCount"] == 1)
        }
    }
}

@Suite struct LegacyAPIKeysTests {
    @Test func worksBefore11_3() async throws {
        try await withSandbox(profile("9.5.0")) { client in
            let created = try await client.post("/api/auth/keys", #"{"name":"apikeycurl","role":"Admin"}"#)
            #expect(created.status == .ok)
            #expect(created.json?.objectValue?.keys == ["id", "name", "key"])
            let key = try #require(created["key"]?.stringValue)
            let decoded = try #require(KeyGenerator.decodeLegacyKey(key))
            #expect(decoded.name == "apikeycurl" && decoded.orgID == 1 && decoded.secret.count == 32)
            #expect(try await client.get("/api/org", as: .bearer(key)).status == .ok)

            let dup = try await client.post("/api/auth/keys", #"{"name":"apikeycurl","role":"Admin"}"#)
            #expect(
                dup.status == .conflict
                    && dup.text == #"{"message":"API key, organization ID and name must be unique"}"#
            )
            let role = try await client.post("/api/auth/keys", #"{"name":"k2","role":"Root"}"#)
            #expect(role.text == #"{"message":"Invalid role specified"}"#)

            let list = try #require(try await client.get("/api/auth/keys").json?.arrayValue)
            #expect(list.count == 1)
            #expect(list[0].objectValue?.keys == ["id", "name", "role", "expiration", "lastUsedAt"])
            let id = try #require(list[0]["id"]?.integerValue)
            #expect(try await client.delete("/api/auth/keys/\(id)").text == #"{"message":"API key deleted"}"#)
            let again = try await client.delete("/api/auth/keys/\(id)")
            #expect(again.status == .notFound && again.text == #"{"message":"Failed to delete API key","traceID":""}"#)
            #expect(try await client.get("/api/org", as: .bearer(key)).status == .unauthorized)
            // A 9.5 service account's login has no org part.
            #expect(try await client.post("/api/serviceaccounts", #"{"name":"ci"}"#)["login"] == "sa-ci")
        }
    }

    @Test(arguments: ["11.3.0", "11.4.0", "12.0.0"])
    func creationIsGoneFrom11_3(version: String) async throws {
        try await withSandbox(profile(version)) { client in
            let reply = try await client.post("/api/auth/keys", #"{"name":"k","role":"Admin"}"#)
            #expect(reply.status == .gone)
            #expect(reply.text == (try Fixture.text("auth-keys-post.410.json")))
            #expect(try await client.get("/api/auth/keys").json == [])
        }
    }

    @Test func routesAreGoneFrom12_1() async throws {
        try await withSandbox(profile("12.1.0")) { client in
            let reply = try await client.post("/api/auth/keys", #"{"name":"k","role":"Admin"}"#)
            #expect(reply.status == .notFound && reply.text == "{\"message\":\"Not found\"}\n")
            #expect(try await client.get("/api/auth/keys", as: .none).status == .unauthorized)
        }
    }

    /// Keys made before an upgrade keep working until 12.1, where keys without a service
    /// account stop authenticating (PR grafana/grafana#105998).
    @Test(arguments: [("11.4.0", true), ("12.0.0", true), ("12.1.0", false)])
    func existingPlainKeysAuthenticateUntil12_1(version: String, works: Bool) async throws {
        try await withSandboxStore(profile(version)) { store, client in
            let (key, secret) = KeyGenerator.legacyKey(name: "old", orgID: 1)
            try await store.write { state in
                let now = Date()
                state.apiKeys.append(
                    StoredAPIKey(
                        id: state.allocateAPIKeyID(),
                        orgID: 1,
                        name: "old",
                        role: .admin,
                        secretHash: KeyGenerator.hash(secret, salt: "old"),
                        created: now,
                        updated: now
                    )
                )
            }
            let reply = try await client.get("/api/org", as: .bearer(key))
            if works {
                #expect(reply.status == .ok)
            } else {
                #expect(reply.text == (try Fixture.text("invalid-token.401.json")))
            }
        }
    }

    @Test func viewersCannotManageKeys() async throws {
        try await withSandbox(profile("9.5.0")) { client in
            try await client.createUser("v")
            expectAccessDenied(try await client.get("/api/auth/keys", as: .basic("v", "secret123")), "apikeys:read")
        }
    }
}

/// A wall clock for the sandbox that moves only when the test moves it.
final class TestWallClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_767_225_600))

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
