import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// A page number whose offset (`size * (page - 1)`) overflows is past every row: the answer
/// is an empty page, as Grafana's SQL gives, not a trap. Found by the sandbox fuzz target.
@Suite struct PagingOverflowTests {
    static let far = "page=9999999999999999&limit=5000&perpage=5000&perPage=5000"

    @Test(arguments: [
        ("/api/search", [String]()),
        ("/api/folders", []),
        ("/api/orgs", []),
        ("/api/users/search", ["users"]),
        ("/api/teams/search", ["teams"]),
        ("/api/serviceaccounts/search", ["serviceAccounts"]),
        ("/api/library-elements", ["result", "elements"]),
    ])
    func aPageFarPastTheEndIsEmpty(path: String, listPath: [String]) async throws {
        try await withSandbox { client in
            let reply = try await client.get("\(path)?\(Self.far)")
            #expect(reply.status == .ok, "\(path): \(reply.text)")
            var list = try #require(reply.json, "\(path): \(reply.text)")
            for key in listPath { list = try #require(list[key], "\(path): \(reply.text)") }
            #expect(list == [], "\(path): \(reply.text)")
        }
    }
}
