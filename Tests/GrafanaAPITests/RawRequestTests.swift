import Foundation
import GrafanaSandbox
import Testing

@testable import GrafanaAPI

/// `GrafanaClient.send(_:)`, the raw call behind `api METHOD PATH`: how the request is built,
/// and what the sandbox answers it.
@Suite struct RawRequestTests {
    // MARK: Building

    @Test func pathQueryAndHeadersAreBuiltThroughTheFunnel() async throws {
        let transport = RecordingTransport(status: 200, body: "[]")
        let client = makeClient(transport, orgID: 2)
        _ = try await client.send(
            RawRequest(
                method: .get,
                path: "/api/orgs/name/My%20Org%2FEU?perpage=5&query=a%20b",
                query: [QueryItem("page", "2")],
                headers: [HTTPHeaderField("Accept", "text/plain"), HTTPHeaderField("X-Trace", "1")]
            )
        ).get()
        let sent = try #require(transport.last)
        // An escaped `/` stays inside its segment; the query in the path comes first.
        #expect(sent.path == "/api/orgs/name/My%20Org%2FEU")
        #expect(sent.query == [QueryItem("perpage", "5"), QueryItem("query", "a b"), QueryItem("page", "2")])
        #expect(sent.header("Accept") == "text/plain")
        #expect(sent.headers.filter { $0.name == "Accept" }.count == 1)
        #expect(sent.header("X-Trace") == "1")
        #expect(sent.header("X-Grafana-Org-Id") == "2")
        #expect(sent.header("Authorization")?.hasPrefix("Basic ") == true)
    }

    @Test func aPathWithoutLeadingSlashOrWithATrailingOneIsKept() async throws {
        let transport = RecordingTransport(status: 200, body: "{}")
        let client = makeClient(transport)
        _ = try await client.send(RawRequest(method: .get, path: "api/health")).get()
        #expect(transport.last?.path == "/api/health")
        _ = try await client.send(RawRequest(method: .get, path: "/api/teams/")).get()
        #expect(transport.last?.path == "/api/teams/")
    }

    @Test func aContentTypeHeaderReplacesTheJSONDefault() async throws {
        let transport = RecordingTransport(status: 200, body: "")
        let client = makeClient(transport)
        _ = try await client.send(
            RawRequest(
                method: .post,
                path: "/api/x",
                headers: [HTTPHeaderField("content-type", "text/plain")],
                body: Data("hello".utf8)
            )
        ).get()
        let sent = try #require(transport.last)
        #expect(sent.headers.filter { $0.name.lowercased() == "content-type" }.map(\.value) == ["text/plain"])
        #expect(sent.bodyText == "hello")
    }

    @Test func anAuthorizationHeaderOrAURLIsRefusedBeforeSending() async throws {
        let transport = RecordingTransport(status: 200, body: "{}")
        let client = makeClient(transport)
        let header = await #expect(throws: GrafanaError.self) {
            _ = try await client.send(
                RawRequest(
                    method: .get,
                    path: "/api/org",
                    headers: [HTTPHeaderField("authorization", "Bearer glsa_x")]
                )
            ).get()
        }
        #expect(header?.kind == .invalidRequest)
        #expect(header?.message == "Cannot set the Authorization header")
        #expect(header?.description.contains("glsa_x") == false)
        let url = await #expect(throws: GrafanaError.self) {
            _ = try await client.send(RawRequest(method: .get, path: "http://user:pw@example.com/api/org")).get()
        }
        #expect(url?.kind == .invalidRequest)
        #expect(url?.message.contains("pw") == false)
        #expect(transport.requests.isEmpty)
    }

    @Test func aDryRunCapturesWritesAndSendsReads() async throws {
        let transport = RecordingTransport(status: 200, body: #"{"ok":true}"#)
        let recorder = DryRunRecorder()
        let client = makeClient(transport).with(writePolicy: .capture(recorder))
        _ = try await client.send(RawRequest(method: .head, path: "/api/health")).get()
        _ = try await client.send(RawRequest(method: .get, path: "/api/health")).get()
        let outcome = try await client.send(
            RawRequest(method: .patch, path: "/api/org/preferences", body: Data(#"{"theme":"dark"}"#.utf8))
        )
        #expect(outcome.plannedWrite?.operation == "request")
        #expect(transport.requests.map(\.method) == [.head, .get])
        #expect(
            recorder.writes.map(\.curlCommand) == [
                #"curl -X PATCH 'http://localhost:3000/api/org/preferences' -u admin:*** -H 'Content-Type: application/json' --data-raw '{"theme":"dark"}'"#
            ]
        )
    }

    // MARK: Against the sandbox

    func withSandbox(_ body: (GrafanaClient) async throws -> Void) async throws {
        let server = SandboxServer(configuration: SandboxConfiguration(port: 0))
        try await server.start()
        let url = try #require(server.url.flatMap(URL.init(string:)))
        let admin = GrafanaClient(
            configuration: .init(baseURL: url, credentials: .basic(user: "admin", password: "admin"))
        )
        do {
            try await body(admin)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func json(_ response: TransportResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    @Test func everyMethodReachesTheSandbox() async throws {
        try await withSandbox { admin in
            let health = try await admin.send(RawRequest(method: .get, path: "/api/health")).get()
            #expect(try json(health)["database"] as? String == "ok")
            let head = try await admin.send(RawRequest(method: .head, path: "/api/health")).get()
            #expect(head.status == 200)

            let created = try await admin.send(
                RawRequest(method: .post, path: "/api/teams", body: Data(#"{"name":"ops"}"#.utf8))
            ).get()
            let teamID = try #require(try json(created)["teamId"] as? Int)
            let found = try await admin.send(
                RawRequest(method: .get, path: "/api/teams/search", query: [QueryItem("name", "ops")])
            ).get()
            #expect(try json(found)["totalCount"] as? Int == 1)

            _ = try await admin.send(
                RawRequest(method: .put, path: "/api/org/preferences", body: Data(#"{"theme":"dark"}"#.utf8))
            ).get()
            _ = try await admin.send(
                RawRequest(method: .patch, path: "/api/org/preferences", body: Data(#"{"weekStart":"monday"}"#.utf8))
            ).get()
            let preferences = try json(
                try await admin.send(RawRequest(method: .get, path: "/api/org/preferences")).get()
            )
            #expect(preferences["theme"] as? String == "dark")
            #expect(preferences["weekStart"] as? String == "monday")

            _ = try await admin.send(RawRequest(method: .delete, path: "/api/teams/\(teamID)")).get()
            let gone = await #expect(throws: GrafanaError.self) {
                _ = try await admin.send(RawRequest(method: .get, path: "/api/teams/\(teamID)")).get()
            }
            #expect(gone?.status == 404)
            #expect(gone?.message == "Team not found")
        }
    }

    @Test func errorStatusesCarryGrafanasMessage() async throws {
        try await withSandbox { admin in
            let missing = await #expect(throws: GrafanaError.self) {
                _ = try await admin.send(RawRequest(method: .get, path: "/api/dashboards/uid/nope")).get()
            }
            #expect(missing?.kind == .httpStatus)
            #expect(missing?.status == 404)
            #expect(missing?.message == "Dashboard not found")
            #expect(
                missing?.description
                    == "Request failed: Dashboard not found (404 Not Found, GET /api/dashboards/uid/nope)"
            )

            let save = Data(#"{"dashboard":{"uid":"svc","title":"Service","version":0}}"#.utf8)
            _ = try await admin.send(RawRequest(method: .post, path: "/api/dashboards/db", body: save)).get()
            // The stored dashboard is now at version 1; saving version 0 again is stale.
            let stale = await #expect(throws: GrafanaError.self) {
                _ = try await admin.send(RawRequest(method: .post, path: "/api/dashboards/db", body: save)).get()
            }
            #expect(stale?.status == 412)
            #expect(stale?.grafanaStatus == "version-mismatch")
            #expect(stale?.message == "The dashboard has been changed by someone else")
        }
    }
}
