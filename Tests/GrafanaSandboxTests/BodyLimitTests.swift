import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// Bodies over ``SandboxConfiguration/maximumBodySize`` (`--max-body`): 413 with a JSON body
/// naming the size and the limit, after the whole body was read.
@Suite struct BodyLimitTests {
    private static let limit = 1024

    private var configuration: SandboxConfiguration {
        var configuration = SandboxConfiguration(port: 0)
        configuration.maximumBodySize = Self.limit
        return configuration
    }

    private func dashboard(bytes: Int) -> String {
        let prefix = #"{"dashboard":{"title":"big","description":""#
        let suffix = #""}}"#
        return prefix + String(repeating: "x", count: bytes - prefix.utf8.count - suffix.utf8.count) + suffix
    }

    @Test func aDeclaredLengthOverTheLimitIsRefusedWith413() async throws {
        try await withSandbox(configuration) { client in
            let body = dashboard(bytes: 4000)
            let refused = try await client.post("/api/dashboards/db", body)
            #expect(refused.status == .contentTooLarge)
            #expect(refused["message"] == "Request body too large: 4000 bytes, the limit is 1024 bytes")
            #expect(refused["size"] == 4000)
            #expect(refused["limit"] == 1024)
            // At the limit is fine.
            #expect(try await client.post("/api/dashboards/db", dashboard(bytes: Self.limit)).status == .ok)
        }
    }

    @Test func aClientThatWritesItsWholeBodyFirstGetsThe413() async throws {
        try await withLiveSandbox(configuration) { server, _ in
            let port = try #require(server.port)
            // Two megabytes, far more than the socket buffers hold: the server must read them.
            let body = dashboard(bytes: 2 << 20)
            let seen = try await rawExchange(port: port, rawRequest("POST", "/api/dashboards/db", body: body))
            #expect(seen.statusLine.hasPrefix("HTTP/1.1 413 "))
            #expect(String(decoding: seen.body, as: UTF8.self).contains(#""size":2097152"#))
        }
    }

    @Test func aChunkedBodyOverTheLimitIsRefusedWithItsSize() async throws {
        try await withLiveSandbox(configuration) { server, _ in
            let port = try #require(server.port)
            let body = Array(dashboard(bytes: 3000).utf8)
            var request = rawRequest("POST", "/api/dashboards/db", extraHeaders: ["Transfer-Encoding: chunked"])
            for start in stride(from: 0, to: body.count, by: 500) {
                let chunk = body[start..<min(start + 500, body.count)]
                request += Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Array("\r\n".utf8)
            }
            request += Array("0\r\n\r\n".utf8)
            let seen = try await rawExchange(port: port, request)
            #expect(seen.statusLine.hasPrefix("HTTP/1.1 413 "))
            let answer = try Value(jsonUTF8: seen.body)
            #expect(answer["size"] == 3000)
            #expect(answer["limit"] == 1024)
        }
    }
}

/// Over-long URLs and headers (``SandboxConfiguration/maximumHeaderSize``) and headers that
/// never finish arriving (``SandboxConfiguration/headerTimeout``).
@Suite struct RequestHeadLimitTests {
    private var configuration: SandboxConfiguration {
        var configuration = SandboxConfiguration(port: 0)
        configuration.maximumHeaderSize = 4096
        return configuration
    }

    @Test func anOverLongURLIsRefusedWith414() async throws {
        try await withLiveSandbox(configuration) { server, _ in
            let port = try #require(server.port)
            let path = "/api/search?query=" + String(repeating: "q", count: 5000)
            let seen = try await rawExchange(port: port, rawRequest("GET", path))
            #expect(seen.statusLine == "HTTP/1.1 414 URI Too Long")
            let answer = try Value(jsonUTF8: seen.body)
            #expect(answer["message"] == .string("URL too long: \(path.utf8.count) bytes, the limit is 4096 bytes"))
        }
    }

    @Test func overLongHeadersAreRefusedWith431() async throws {
        try await withLiveSandbox(configuration) { server, _ in
            let port = try #require(server.port)
            let filler = "X-Filler: " + String(repeating: "f", count: 5000)
            let seen = try await rawExchange(port: port, rawRequest("GET", "/api/org", extraHeaders: [filler]))
            #expect(seen.statusLine == "HTTP/1.1 431 Request Header Fields Too Large")
            let answer = try Value(jsonUTF8: seen.body)
            #expect(answer["limit"] == 4096)
            #expect((answer["size"]?.integerValue ?? 0) > 5000)
            // Within the limit, the same request is answered.
            let fine = try await rawExchange(port: port, rawRequest("GET", "/api/org", extraHeaders: ["X-Filler: f"]))
            #expect(fine.statusLine == "HTTP/1.1 200 OK")
        }
    }

    @Test func headersThatNeverFinishArrivingLoseTheConnection() async throws {
        var configuration = configuration
        configuration.headerTimeout = .milliseconds(200)
        try await withLiveSandbox(configuration) { server, _ in
            let port = try #require(server.port)
            // The blank line that ends the head never comes; the server must hang up by itself.
            let seen = try await rawExchange(port: port, Array("GET /api/org HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8))
            #expect(seen.bytes.isEmpty)
        }
    }
}

/// Heads past the HTTP parser's own limit, which the router never sees.
@Suite struct HeaderOverflowTests {
    @Test func headersOverTwiceTheLimitAreStillRefusedWith431AndJSON() async throws {
        var configuration = SandboxConfiguration(port: 0)
        configuration.maximumHeaderSize = 4096
        try await withLiveSandbox(configuration) { server, _ in
            let port = try #require(server.port)
            // Past the parser's limit (twice the sandbox's plus 64 KiB), in several fields.
            let fillers = (1...40).map { "X-Filler-\($0): " + String(repeating: "f", count: 4000) }
            let seen = try await rawExchange(port: port, rawRequest("GET", "/api/org", extraHeaders: fillers))
            #expect(seen.statusLine == "HTTP/1.1 431 Request Header Fields Too Large")
            let answer = try Value(jsonUTF8: seen.body)
            #expect(
                answer
                    == .map([
                        ("message", "Request header fields too large: over 73728 bytes, the limit is 4096 bytes"),
                        ("limit", 4096),
                    ])
            )
            // The server is still serving.
            let fine = try await rawExchange(port: port, rawRequest("GET", "/api/org"))
            #expect(fine.statusLine == "HTTP/1.1 200 OK")
        }
    }
}
