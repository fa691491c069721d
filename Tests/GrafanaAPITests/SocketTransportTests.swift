import Foundation
import Testing

@testable import GrafanaAPI

/// What only ``SocketTransport`` does itself: framing AsyncHTTPClient's parser handled,
/// keeping connections alive and going again on one the server closed, and reading URLs.
/// Behaviour both transports share is tested against both in `LiveTransportTests` and
/// `FaultTransportTests`.
@Suite struct SocketTransportTests {
    func get(_ port: Int, _ transport: SocketTransport, method: TransportRequest.Method = .get) async throws
        -> TransportResponse
    {
        try await transport.send(
            TransportRequest(
                method: method,
                baseURL: URL(string: "http://127.0.0.1:\(port)")!,
                path: "/api/orgs",
                body: method == .post ? Data(#"{"name":"x"}"#.utf8) : nil
            )
        )
    }

    @Test func readsAChunkedBodyAfterAnInterimAnswer() async throws {
        let server = try RawHTTPServer { connection, _, server in
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 100 Continue\r\n\r\n")
            connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kind: chunks\r\n\r\n")
            connection.write("5;ext=1\r\n[{\"id\r\n")
            connection.write("4\r\n\":1}\r\n1\r\n]\r\n0\r\nTrailer: x\r\n\r\n")
            _ = server.readRequest(connection)
            connection.close()
        }
        let response = try await get(server.port, SocketTransport())
        #expect(response.status == 200)
        #expect(response.header("x-kind") == "chunks")
        #expect(String(decoding: response.body, as: UTF8.self) == #"[{"id":1}]"#)
        server.close()
    }

    @Test func readsABodyEndedByTheClose() async throws {
        let server = try RawHTTPServer { connection, _, server in
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n[1,")
            connection.write("2]")
            connection.close()
        }
        let transport = SocketTransport()
        let first = try await get(server.port, transport)
        #expect(String(decoding: first.body, as: UTF8.self) == "[1,2]")
        // Not kept: the next request opens a connection of its own.
        _ = try await get(server.port, transport)
        #expect(server.connectionCount == 2)
        server.close()
    }

    @Test func aChunkedBodyOverTheLimitIsTooLarge() async throws {
        let server = try RawHTTPServer { connection, _, server in
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            connection.write("400\r\n" + String(repeating: " ", count: 1024) + "\r\n")
            connection.write("400\r\n" + String(repeating: " ", count: 1024) + "\r\n0\r\n\r\n")
            _ = server.readRequest(connection)
            connection.close()
        }
        await #expect(throws: ResponseTooLarge(status: 200, limit: 1500)) {
            _ = try await get(server.port, SocketTransport(maxBodySize: 1500))
        }
        server.close()
    }

    @Test func aBodyEndedByTheCloseOverTheLimitIsTooLarge() async throws {
        let server = try RawHTTPServer { connection, _, server in
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + String(repeating: " ", count: 2048))
            connection.close()
        }
        await #expect(throws: ResponseTooLarge(status: 200, limit: 1500)) {
            _ = try await get(server.port, SocketTransport(maxBodySize: 1500))
        }
        server.close()
    }

    /// The server answers the first request, then closes the kept-alive connection as the
    /// second arrives: a GET goes again on a new connection, once, without the caller seeing it.
    @Test func aReadOnAConnectionClosedUnderItGoesAgain() async throws {
        let server = try RawHTTPServer { connection, number, server in
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]")
            if number == 0, server.readRequest(connection) != nil {
                connection.close()
                return
            }
            _ = server.readRequest(connection)
            connection.close()
        }
        let transport = SocketTransport()
        _ = try await get(server.port, transport)
        let second = try await get(server.port, transport)
        #expect(second.status == 200)
        #expect(server.requests.count == 3)
        #expect(server.connectionCount == 2)
        server.close()
    }

    /// The same for a POST: it may have been acted on, so it is not sent again.
    @Test func aWriteOnAConnectionClosedUnderItIsNotSentAgain() async throws {
        let server = try RawHTTPServer { connection, number, server in
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            if number == 0, server.readRequest(connection) != nil {
                connection.close()
                return
            }
            _ = server.readRequest(connection)
            connection.close()
        }
        let transport = SocketTransport()
        _ = try await get(server.port, transport)
        let failure = await #expect(throws: ConnectionFailure.self) {
            _ = try await get(server.port, transport, method: .post)
        }
        #expect(failure?.isDropped == true)
        #expect(failure?.mayHaveBeenSent == true)
        #expect(server.requests.count == 2)
        server.close()
    }

    /// A connection the server closed while it sat idle is noticed before use.
    @Test func anIdleConnectionTheServerClosedIsNotUsed() async throws {
        let (closed, closing) = AsyncStream<Void>.makeStream()
        let server = try RawHTTPServer { connection, _, server in
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            connection.closeOnceTheClientSawTheEnd()
            closing.yield()
        }
        let transport = SocketTransport()
        _ = try await get(server.port, transport, method: .post)
        for await _ in closed { break }
        // A POST is never sent twice: it can only succeed on a connection found open.
        let second = try await get(server.port, transport, method: .post)
        #expect(second.status == 200)
        #expect(server.connectionCount == 2)
        server.close()
    }

    @Test(arguments: [
        ("http://127.0.0.1:3000/sub/api/orgs?x=1", "127.0.0.1", 3000, "127.0.0.1:3000", "/sub/api/orgs?x=1"),
        ("http://[::1]:8080/api", "::1", 8080, "[::1]:8080", "/api"),
        ("HTTP://grafana.example", "grafana.example", 80, "grafana.example", "/"),
        ("http://user@host:81?a=b", "host", 81, "host:81", "/?a=b"),
    ])
    func readsTheServerFromTheURL(url: String, host: String, port: UInt16, authority: String, target: String) throws {
        let server = try #require(HTTPOrigin(url: url))
        #expect(server.host == host)
        #expect(server.port == port)
        #expect(server.authority == authority)
        var bytes: [UInt8] = []
        server.appendTarget(path: "", query: [], to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == target)
    }

    @Test(arguments: ["https://127.0.0.1/", "http://", "http://host:99999/", "http://[::1/"])
    func refusesWhatIsNotAnHTTPURL(url: String) {
        #expect(HTTPOrigin(url: url) == nil)
    }
}
