import Foundation
import Testing

@testable import GrafanaAPI

/// The bytes the socket transport writes and reads: percent-encoding, the request target and
/// the response head, each over bytes rather than through Foundation's strings.
@Suite struct WireFormatTransportTests {
    static let tricky = [
        "", "plain", "My Org", "a/b", "100%", "a+b", "what?", "#hash", "a&b=c", "é", "Ünïcödé", "日本",
        "🚀 launch", "👩‍👩‍👧", "tab\there", "line\nbreak", "~-._", "semi;colon", "[brackets]", "quote\"'",
        "back\\slash", "nul\u{0}", "caf\u{65}\u{301}", "@:!$'()*,",
    ]

    /// The encoder gives what Foundation's `addingPercentEncoding` gave with RFC 3986's
    /// unreserved set, which is what the client sent before.
    @Test(arguments: tricky) func percentEncodingMatchesFoundation(text: String) {
        let unreserved = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
        )
        let expected = text.addingPercentEncoding(withAllowedCharacters: unreserved)
        #expect(PercentEncoding.encode(text) == expected)
        #expect(TransportRequest.encodePathSegment(text) == expected)
    }

    @Test func pathSegmentsAreEncodedOneByOne() {
        let request = APIRequest("find", .get, ["api", "orgs", "name", "My Org/EU 🚀"])
        #expect(request.path == "/api/orgs/name/My%20Org%2FEU%20%F0%9F%9A%80")
        #expect(APIRequest("root", .get, []).path == "/")
    }

    @Test func theTargetKeepsThePrefixAndEncodesTheQuery() throws {
        let origin = try #require(HTTPOrigin(baseURL: URL(string: "http://admin@127.0.0.1:3000/grafana/")!))
        #expect(origin.authority == "127.0.0.1:3000")
        #expect(origin.key == "127.0.0.1:3000")
        var bytes: [UInt8] = []
        origin.appendTarget(
            path: "/api/search",
            query: [QueryItem("query", "a b&c"), QueryItem("tag", "x/y"), QueryItem("tag", "ü")],
            to: &bytes
        )
        #expect(String(decoding: bytes, as: UTF8.self) == "/grafana/api/search?query=a%20b%26c&tag=x%2Fy&tag=%C3%BC")
        // The same target as the request's URL has.
        let request = TransportRequest(
            method: .get,
            baseURL: URL(string: "http://admin@127.0.0.1:3000/grafana/")!,
            path: "/api/search",
            query: [QueryItem("query", "a b&c"), QueryItem("tag", "x/y"), QueryItem("tag", "ü")]
        )
        #expect(request.url.hasSuffix(String(decoding: bytes, as: UTF8.self)))
        #expect(request.origin == origin)
    }

    @Test func onlyHTTPBaseURLsHaveAnOrigin() {
        #expect(HTTPOrigin(baseURL: URL(string: "https://grafana.example")!) == nil)
        var request = TransportRequest(method: .get, baseURL: URL(string: "https://grafana.example")!, path: "/api")
        #expect(request.origin == nil)
        request.baseURL = URL(string: "http://grafana.example:8080")!
        #expect(request.origin?.port == 8080)
    }

    // MARK: The response head

    func head(_ text: String) throws -> SocketConnection.Head {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try SocketConnection.parseHead($0) }
    }

    @Test func readsTheStatusAndHeaders() throws {
        let parsed = try head(
            "HTTP/1.1 200 OK\r\nContent-Type:  application/json \r\ncontent-LENGTH: 42\r\nX-Empty:\r\nDate: Tue, 01 Dec 2026 06:00:00 GMT"
        )
        #expect(parsed.status == 200)
        #expect(parsed.length == 42)
        #expect(parsed.keepAlive)
        #expect(!parsed.chunked)
        #expect(
            parsed.headers == [
                HTTPHeaderField("Content-Type", "application/json"), HTTPHeaderField("content-LENGTH", "42"),
                HTTPHeaderField("X-Empty", ""), HTTPHeaderField("Date", "Tue, 01 Dec 2026 06:00:00 GMT"),
            ]
        )
        let response = TransportResponse(status: parsed.status, headers: parsed.headers)
        #expect(response.header("content-type") == "application/json")
        #expect(response.header("CONTENT-LENGTH") == "42")
        #expect(response.header("Retry-After") == nil)
    }

    @Test func readsTheFramingCaseInsensitively() throws {
        let chunked = try head("HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, CHUNKED\r\nConnection: Keep-Alive")
        #expect(chunked.status == 201)
        #expect(chunked.chunked)
        #expect(chunked.keepAlive)
        let closing = try head("HTTP/1.1 404 Not Found\r\nconnection: CLOSE\r\nContent-Length: 0")
        #expect(!closing.keepAlive)
        #expect(closing.length == 0)
        let old = try head("HTTP/1.0 200 OK")
        #expect(!old.keepAlive)
        let noReason = try head("HTTP/1.1 204")
        #expect(noReason.status == 204)
        #expect(noReason.headers.isEmpty)
    }

    @Test(arguments: [
        "", "HTTP/2 200 OK", "HTTP/1.1", "HTTP/1.1 abc OK", "HTTP/1.1 99 Low", "HTTP/1.1 1000 High",
        "HTTP/1.1 200 OK\r\nNo colon here", "HTTP/1.1 200 OK\r\nContent-Length: -1",
        "HTTP/1.1 200 OK\r\nContent-Length: 12x", "HTTP/1.1 200 OK\r\nContent-Length: ",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999",
    ])
    func refusesWhatIsNotAnHTTPHead(text: String) {
        #expect(throws: ConnectionFailure.self) { try head(text) }
    }
}
