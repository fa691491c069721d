import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// Grafana's HTTP API tutorial ("Create API tokens and dashboards for an organization"), step by
/// step over plain HTTP against a live sandbox on a free port: the same requests the tutorial
/// makes with curl, sent by HummingbirdTesting's raw HTTP/1.1 client.
@Suite struct TutorialTests {
    static func dashboardBody() throws -> String {
        String(decoding: try Fixture.resource("tutorial/production-overview.json"), as: UTF8.self)
    }

    /// Steps 1–3: create the org with basic auth, add admin to it, switch to it.
    static func createOrgAndSwitch(_ client: SandboxClient) async throws -> Int64 {
        let created = try await client.post("/api/orgs", #"{"name":"apiorg"}"#)
        #expect(created.status == .ok)
        #expect(created.text == #"{"message":"Organization created","orgId":2}"#)
        let orgID = try #require(created["orgId"]?.integerValue)

        // The tutorial adds admin to the org; Grafana already made the creator its Admin
        // (`CreateWithMember`), so this answers the 409 with the user id.
        let added = try await client.post("/api/orgs/\(orgID)/users", #"{"loginOrEmail":"admin","role":"Admin"}"#)
        #expect(added.status == .conflict)
        #expect(added.text == #"{"message":"User is already member of this organization","userId":1}"#)

        let switched = try await client.post("/api/user/using/\(orgID)")
        #expect(switched.status == .ok)
        #expect(switched.text == #"{"message":"Active organization changed"}"#)
        return orgID
    }

    /// Step 5 and the read-back: push the tutorial's dashboard with the bearer token.
    static func pushAndReadBack(_ client: SandboxClient, token: String, orgID: Int64) async throws {
        let pushed = try await client.post("/api/dashboards/db", try dashboardBody(), as: .bearer(token))
        #expect(pushed.status == .ok, "push: \(pushed.text)")
        #expect(pushed["status"] == "success" && pushed["slug"] == "production-overview" && pushed["version"] == 1)
        let uid = try #require(pushed["uid"]?.stringValue)

        let read = try await client.get("/api/dashboards/uid/\(uid)", as: .bearer(token))
        #expect(read.status == .ok)
        #expect(read["dashboard"]?["title"] == "Production Overview")
        #expect(read["dashboard"]?["refresh"] == "25s")
        #expect(read["dashboard"]?["tags"] == ["templated"])
        #expect(read["meta"]?["slug"] == "production-overview")
        // The dashboard lives in apiorg: the admin sees it there and not in Main Org.
        #expect(try await client.get("/api/dashboards/uid/\(uid)", orgID: "\(orgID)").status == .ok)
        #expect(try await client.get("/api/dashboards/uid/\(uid)", orgID: "1").status == .notFound)
        let hits = try #require(
            try await client.get("/api/search?query=Production", as: .bearer(token)).json?.arrayValue
        )
        #expect(hits.count == 1 && hits[0]["uid"] == .string(uid))
    }

    /// Grafana 11.4: `/api/auth/keys` creation is gone (410), so step 4 goes through a service
    /// account with role Admin and a token for it.
    @Test func tutorialOnGrafana11_4ThroughServiceAccounts() async throws {
        try await withLiveSandbox { _, client in
            let orgID = try await Self.createOrgAndSwitch(client)
            let gone = try await client.post("/api/auth/keys", #"{"name":"apikeycurl","role":"Admin"}"#)
            #expect(gone.status == .gone)

            let account = try await client.post("/api/serviceaccounts", #"{"name":"apikeycurl","role":"Admin"}"#)
            #expect(account.status == .created)
            #expect(account["orgId"] == .int(orgID), "the account belongs to the org switched to")
            let accountID = try #require(account["id"]?.integerValue)
            let token = try await client.post("/api/serviceaccounts/\(accountID)/tokens", #"{"name":"apikeycurl"}"#)
            #expect(token.status == .ok)
            let key = try #require(token["key"]?.stringValue)
            #expect(key.hasPrefix("glsa_"))

            try await Self.pushAndReadBack(client, token: key, orgID: orgID)
        }
    }

    /// Grafana 9.5.0: step 4 is `POST /api/auth/keys` exactly as the tutorial shows.
    @Test func tutorialOnGrafana9_5ThroughAuthKeys() async throws {
        var configuration = SandboxConfiguration(port: 0)
        configuration.grafanaVersion = GrafanaVersion("9.5.0")!
        try await withLiveSandbox(configuration) { _, client in
            let orgID = try await Self.createOrgAndSwitch(client)
            let created = try await client.post("/api/auth/keys", #"{"name":"apikeycurl", "role": "Admin"}"#)
            #expect(created.status == .ok)
            #expect(created.json?.objectValue?.keys == ["id", "name", "key"])
            #expect(created["name"] == "apikeycurl")
            let key = try #require(created["key"]?.stringValue)
            let decoded = try #require(KeyGenerator.decodeLegacyKey(key))
            #expect(decoded.orgID == orgID && decoded.name == "apikeycurl")

            try await Self.pushAndReadBack(client, token: key, orgID: orgID)
            // The key is bound to apiorg: asking for Main Org is the org-mismatch 401.
            let mismatch = try await client.get("/api/org", as: .bearer(key), orgID: "1")
            #expect(mismatch.text == (try Fixture.text("token-org-mismatch.401.json")))
        }
    }
}
