import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// Malformed, wrong-typed, incomplete and oversized input: Grafana's bind errors, and a store
/// left exactly as it was.
@Suite struct BadInputTests {
    /// Bodies that `web.Bind` rejects, for routes whose handlers answer "bad request data".
    static let malformedBodies = [
        "{", "{\"name\":}", "[1,2]", "\"text\"", "42", "{\"name\":\"x\",}", "{'name':'x'}", "nul",
        "{\"name\":\"\\u12\"}",
    ]

    @Test(arguments: malformedBodies)
    func malformedJSONIsBadRequestData(body: String) async throws {
        try await withSandbox { client in
            for path in [
                "/api/orgs", "/api/dashboards/db", "/api/folders", "/api/datasources", "/api/teams", "/api/admin/users",
            ] {
                let reply = try await client.post(path, body)
                #expect(reply.status == .badRequest, "\(path) \(body): \(reply.text)")
                #expect(reply.text == #"{"message":"bad request data","traceID":""}"#, "\(path)")
            }
            let account = try await client.post("/api/serviceaccounts", body)
            #expect(account.text == #"{"message":"Bad request data","traceID":""}"#)
        }
    }

    @Test(arguments: [
        ("/api/orgs", #"{"name":42}"#),
        ("/api/orgs", #"{"name":["a"]}"#),
        ("/api/orgs", #"{"name":null}"#),
        ("/api/orgs", #"{}"#),
        ("/api/orgs", ""),
        ("/api/dashboards/db", #"{"dashboard":"text"}"#),
        ("/api/dashboards/db", #"{"dashboard":{"title":"x"},"overwrite":"yes"}"#),
        ("/api/dashboards/db", #"{"dashboard":{"title":"x"},"folderUid":5}"#),
        ("/api/dashboards/db", #"{"dashboard":null}"#),
        ("/api/datasources", #"{"name":"x","type":"loki","access":"proxy","isDefault":"true"}"#),
        ("/api/datasources", #"{"name":"x","type":"loki","access":"proxy","jsonData":[1]}"#),
        ("/api/teams", #"{"name":"t","email":false}"#),
        ("/api/admin/users", #"{"login":"x","password":"secret","orgId":"1"}"#),
        ("/api/admin/users", #"{"login":"x","password":"secret","orgId":1.5}"#),
        ("/api/orgs/1/users", #"{"loginOrEmail":"admin","role":7}"#),
    ])
    func wrongTypesAndMissingFieldsAreBadRequestData(path: String, body: String) async throws {
        try await withSandbox { client in
            let reply = try await client.post(path, body)
            #expect(reply.status == .badRequest, "\(reply.text)")
            #expect(reply.text == #"{"message":"bad request data","traceID":""}"#)
        }
    }

    @Test func keysMatchCaseInsensitivelyAndUnknownFieldsAreIgnored() async throws {
        try await withSandbox { client in
            // Go's encoding/json matches `Name` to the `name` field and ignores `extra`.
            let reply = try await client.post("/api/orgs", #"{"Name":"cased","extra":{"deep":[1,2,3]}}"#)
            #expect(reply.status == .ok)
            #expect(try await client.get("/api/orgs/name/cased").status == .ok)
        }
    }

    @Test func unknownIDsAnswerGrafanasNotFounds() async throws {
        try await withSandbox { client in
            let org = try await client.get("/api/orgs/404")
            #expect(org.status == .notFound)
            #expect(try await client.get("/api/orgs/404").text == #"{"message":"Organization not found","traceID":""}"#)
            #expect(try await client.get("/api/users/404").text == #"{"message":"user not found"}"#)
            #expect(try await client.get("/api/teams/404").text == #"{"message":"Team not found","traceID":""}"#)
            #expect(try await client.get("/api/datasources/404").text == #"{"message":"Data source not found"}"#)
            #expect(
                try await client.get("/api/folders/404").text == #"{"message":"folder not found","status":"not-found"}"#
            )
            #expect(
                try await client.get("/api/dashboards/uid/404").text
                    == #"{"message":"Dashboard not found","traceID":""}"#
            )
            #expect(try await client.get("/api/serviceaccounts/404")["messageId"] == "serviceaccounts.ErrNotFound")
            // Ids that are not numbers, and numbers beyond int64.
            #expect(try await client.get("/api/orgs/1.5").text == #"{"message":"orgId is invalid","traceID":""}"#)
            #expect(
                try await client.get("/api/orgs/99999999999999999999").text
                    == #"{"message":"orgId is invalid","traceID":""}"#
            )
            #expect(try await client.get("/api/users/-").text == #"{"message":"id is invalid","traceID":""}"#)
        }
    }

    @Test func hugeBodiesAreRefusedAndChangeNothing() async throws {
        var configuration = SandboxConfiguration()
        configuration.maximumBodySize = 64 * 1024
        try await withSandboxStore(configuration) { store, client in
            let before = try await client.get("/api/search").text
            let title = String(repeating: "x", count: 200 * 1024)
            let reply = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"\#(title)"}}"#)
            let size = 200 * 1024 + #"{"dashboard":{"title":""}}"#.utf8.count
            #expect(reply.status == .contentTooLarge)
            #expect(
                reply.text
                    == #"{"limit":65536,"message":"Request body too large: \#(size) bytes, the limit is 65536 bytes","size":\#(size)}"#
            )
            #expect(try await client.get("/api/search").text == before)
            #expect(await store.read { $0.dashboards.isEmpty })
        }
    }

    @Test func largeValidBodiesWithinTheLimitAreAccepted() async throws {
        try await withSandbox { client in
            let panels = (0..<2000).map {
                #"{"id":\#($0),"type":"graph","title":"panel \#($0)","targets":[{"expr":"up"}]}"#
            }
            let body = #"{"dashboard":{"title":"Big","panels":[\#(panels.joined(separator: ","))]}}"#
            #expect(body.utf8.count > 100_000)
            let reply = try await client.post("/api/dashboards/db", body)
            #expect(reply.status == .ok)
            let uid = try #require(reply["uid"]?.stringValue)
            #expect(
                try await client.get("/api/dashboards/uid/\(uid)")["dashboard"]?["panels"]?.arrayValue?.count == 2000
            )
        }
    }

    @Test func deeplyNestedBodiesAreRefused() async throws {
        try await withSandbox { client in
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            let reply = try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"x","nested":\#(deep)}}"#)
            #expect(reply.status == .badRequest)
        }
    }

    /// A request that fails half-way leaves no trace: the store commits whole changes only.
    @Test func failedRequestsDoNotCorruptTheStore() async throws {
        try await withSandboxStore { store, client in
            _ = try await client.post("/api/dashboards/db", #"{"dashboard":{"uid":"keep","title":"Keep"}}"#)
            let snapshot = try await client.get("/api/dashboards/uid/keep").text
            let counts = await store.read { ($0.dashboards.count, $0.nextDashboardID, $0.orgs.count, $0.nextOrgID) }
            let failures: [(String, String)] = [
                ("/api/dashboards/db", #"{"dashboard":{"uid":"keep","title":"Keep","version":0}}"#),
                ("/api/dashboards/db", #"{"dashboard":{"title":"New"},"folderUid":"missing"}"#),
                ("/api/dashboards/db", #"{"dashboard":{"uid":"bad uid","title":"New"}}"#),
                ("/api/orgs", #"{"name":"Main Org."}"#),
                ("/api/orgs/1/users", #"{"loginOrEmail":"ghost","role":"Viewer"}"#),
            ]
            for (path, body) in failures {
                let reply = try await client.post(path, body)
                #expect(reply.status.code >= 400, "\(path) \(body)")
            }
            #expect(try await client.get("/api/dashboards/uid/keep").text == snapshot)
            #expect(
                await store.read { ($0.dashboards.count, $0.nextDashboardID, $0.orgs.count, $0.nextOrgID) } == counts
            )
        }
    }

    @Test func unicodeAndEscapesRoundTripAsGoWritesThem() async throws {
        try await withSandbox { client in
            let reply = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"u","title":"Ünïcode <b>&amp; \ud83d\ude00","n":1.50,"e":1e21}}"#
            )
            #expect(reply.status == .ok)
            let text = try await client.get("/api/dashboards/uid/u").text
            // Go escapes <, > and & in strings, writes 1.50 as 1.5 and 1e21 as 1e+21.
            #expect(text.contains(#""title":"Ünïcode \u003cb\u003e\u0026amp; 😀""#))
            #expect(text.contains(#""n":1.5"#))
            #expect(text.contains(#""e":1e+21"#))
        }
    }
}
