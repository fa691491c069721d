import Foundation
import Testing

@testable import GrafanaAPI

/// `createKey` picks service accounts or legacy keys by server version (API-NOTES §2.4).
@Suite struct CreateKeyTests {
    /// A tiny fake Grafana for the key routes, answering like the real one.
    final class FakeKeyServer: @unchecked Sendable {
        let version: String?
        let hasServiceAccounts: Bool
        var accounts: [(id: Int64, name: String, role: String)]
        let lock = NSLock()

        init(version: String?, hasServiceAccounts: Bool = true, accounts: [(Int64, String, String)] = []) {
            self.version = version
            self.hasServiceAccounts = hasServiceAccounts
            self.accounts = accounts.map { (id: $0.0, name: $0.1, role: $0.2) }
        }

        func respond(_ request: TransportRequest) -> TransportResponse {
            lock.withLock {
                func json(_ text: String, _ status: Int = 200) -> TransportResponse {
                    TransportResponse(status: status, body: Data(text.utf8))
                }
                func account(_ a: (id: Int64, name: String, role: String)) -> String {
                    #"{"id":\#(a.id),"name":"\#(a.name)","login":"sa-\#(a.name)","orgId":2,"role":"\#(a.role)","isDisabled":false}"#
                }
                switch (request.method, request.path) {
                case (.get, "/api/health"):
                    return json(version.map { #"{"database":"ok","version":"\#($0)"}"# } ?? #"{"database":"ok"}"#)
                case (.get, "/api/frontend/settings"):
                    return json(#"{"buildInfo":{"version":"\#(version ?? "")"}}"#)
                case (.get, "/api/serviceaccounts/search") where hasServiceAccounts:
                    let query = request.query.first { $0.name == "query" }?.value ?? ""
                    let found = accounts.filter { $0.name.contains(query) }.map(account)
                    return json(
                        #"{"totalCount":\#(found.count),"serviceAccounts":[\#(found.joined(separator: ","))],"page":1,"perPage":1000}"#
                    )
                case (.post, "/api/serviceaccounts") where hasServiceAccounts:
                    let body = (try? JSONSerialization.jsonObject(with: request.body ?? Data())) as? [String: Any]
                    let new = (
                        id: Int64(accounts.count + 10), name: body?["name"] as? String ?? "",
                        role: body?["role"] as? String ?? ""
                    )
                    accounts.append(new)
                    return json(account(new), 201)
                case (.post, let path) where path.hasPrefix("/api/serviceaccounts/") && path.hasSuffix("/tokens"):
                    return json(
                        #"{"id":77,"name":"apikeycurl","key":"glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a"}"#
                    )
                case (.post, "/api/auth/keys"):
                    if let version, let parsed = GrafanaVersion(version), parsed.legacyKeyCreationGone {
                        return json(#"{"message":"this endpoint has been removed"}"#, 410)
                    }
                    // {"k":"V1qLvztgOJ89Rov23uFXc2CjbFTnocbL","n":"apikeycurl","id":3}
                    let key = Data(#"{"k":"V1qLvztgOJ89Rov23uFXc2CjbFTnocbL","n":"apikeycurl","id":3}"#.utf8)
                        .base64EncodedString()
                    return json(#"{"id":5,"name":"apikeycurl","key":"\#(key)"}"#)
                default:
                    return json(#"{"message":"Not found"}"#, 404)
                }
            }
        }
    }

    func client(_ server: FakeKeyServer) -> (GrafanaClient, RecordingTransport) {
        let transport = RecordingTransport { server.respond($0) }
        return (makeClient(transport, orgID: 2), transport)
    }

    @Test(arguments: ["11.4.0", "9.5.0", "12.1.0"])
    func serviceAccountPathCreatesAccountThenToken(version: String) async throws {
        let server = FakeKeyServer(version: version)
        let (client, transport) = client(server)
        let key = try await client.createKey(name: "apikeycurl", role: .admin).get()
        #expect(
            transport.requests.map { "\($0.method.rawValue) \($0.path)" } == [
                "GET /api/health",
                "GET /api/serviceaccounts/search",
                "POST /api/serviceaccounts",
                "POST /api/serviceaccounts/10/tokens",
            ]
        )
        #expect(transport.requests[1].query == [QueryItem("query", "apikeycurl")])
        #expect(transport.requests[2].bodyText == #"{"isDisabled":false,"name":"apikeycurl","role":"Admin"}"#)
        #expect(transport.requests[3].bodyText == #"{"name":"apikeycurl"}"#)
        #expect(transport.requests.allSatisfy { $0.header("X-Grafana-Org-Id") == "2" })
        #expect(key.kind == .serviceAccountToken)
        #expect(key.name == "apikeycurl")
        #expect(key.role == "Admin")
        #expect(key.orgId == 2)
        #expect(key.key.hasPrefix("glsa_"))
        #expect(key.expiration == nil)
        #expect(key.serviceAccountID == 10)
        #expect(key.id == 77)
    }

    @Test func existingAccountWithSameRoleGetsANewToken() async throws {
        let server = FakeKeyServer(
            version: "11.4.0",
            accounts: [(4, "apikeycurl", "Admin"), (5, "apikeycurl-old", "Viewer")]
        )
        let (client, transport) = client(server)
        let key = try await client.createKey(
            name: "apikeycurl",
            role: .admin,
            secondsToLive: 3600,
            serverVersion: GrafanaVersion("11.4.0")
        ).get()
        #expect(transport.requests.map(\.path) == ["/api/serviceaccounts/search", "/api/serviceaccounts/4/tokens"])
        #expect(transport.requests.last?.bodyText == #"{"name":"apikeycurl","secondsToLive":3600}"#)
        #expect(key.serviceAccountID == 4)
        let expiration = try #require(key.expiration)
        #expect(abs(expiration.timeIntervalSinceNow - 3600) < 60)
    }

    @Test func existingAccountWithAnotherRoleIsRefused() async throws {
        let server = FakeKeyServer(version: "11.4.0", accounts: [(4, "apikeycurl", "Viewer")])
        let (client, transport) = client(server)
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await client.createKey(name: "apikeycurl", role: .admin)
        }
        #expect(error?.kind == .serviceAccountRoleMismatch)
        #expect(error?.message == "Service account 'apikeycurl' exists with role Viewer, not Admin")
        #expect(transport.requests.allSatisfy { $0.method == .get })
    }

    @Test func oldServersUseLegacyKeys() async throws {
        let server = FakeKeyServer(version: "8.5.27", hasServiceAccounts: false)
        let (client, transport) = client(server)
        let key = try await client.createKey(name: "apikeycurl", role: .admin, secondsToLive: 60).get()
        #expect(transport.requests.map(\.path) == ["/api/health", "/api/auth/keys"])
        #expect(transport.requests.last?.bodyText == #"{"name":"apikeycurl","role":"Admin","secondsToLive":60}"#)
        #expect(key.kind == .apiKey)
        #expect(key.orgId == 3)  // decoded from the key's "id"
        #expect(key.role == "Admin")
        #expect(key.id == 5)
    }

    @Test func unknownVersionProbesServiceAccountsThenFallsBack() async throws {
        let server = FakeKeyServer(version: nil, hasServiceAccounts: false)
        let (client, transport) = client(server)
        let key = try await client.createKey(name: "apikeycurl", role: .editor).get()
        #expect(
            transport.requests.map(\.path) == [
                "/api/health", "/api/frontend/settings", "/api/serviceaccounts/search", "/api/auth/keys",
            ]
        )
        #expect(key.kind == .apiKey)
    }

    @Test func dryRunPlansBothServiceAccountWrites() async throws {
        let server = FakeKeyServer(version: "11.4.0")
        let recorder = DryRunRecorder()
        let (base, transport) = client(server)
        let client = base.with(writePolicy: .capture(recorder))
        let outcome = try await client.createKey(name: "apikeycurl", role: .admin)
        // The outcome is the first planned write, the service account.
        #expect(outcome.answer == nil)
        #expect(outcome.plannedWrite?.operation == "create service account")
        #expect(transport.requests.map(\.method).allSatisfy { $0 == .get })
        #expect(
            recorder.writes.map(\.curlCommand) == [
                #"curl -X POST 'http://localhost:3000/api/serviceaccounts' -u admin:*** -H 'X-Grafana-Org-Id: 2' -H 'Content-Type: application/json' --data-raw '{"isDisabled":false,"name":"apikeycurl","role":"Admin"}'"#,
                #"curl -X POST 'http://localhost:3000/api/serviceaccounts/SERVICE_ACCOUNT_ID/tokens' -u admin:*** -H 'X-Grafana-Org-Id: 2' -H 'Content-Type: application/json' --data-raw '{"name":"apikeycurl"}'"#,
            ]
        )
    }

    @Test func legacyKeyOrgIDDecoding() {
        // The docs' example key: {"k":"V1qLvztgOJ89Rov23uFXc2CjbFTnocbL","n":"grafana","id":1}
        #expect(
            GrafanaClient.orgID(
                inLegacyKey: "eyJrIjoiVjFxTHZ6dGdPSjg5Um92MjN1RlhjMkNqYkZUbm9jYkwiLCJuIjoiZ3JhZmFuYSIsImlkIjoxfQ=="
            ) == 1
        )
        #expect(GrafanaClient.orgID(inLegacyKey: "glsa_abc_01234567") == nil)
    }
}
