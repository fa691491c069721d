import Foundation
import HTTPTestSupport
import Testing

@testable import GrafanaAPI

/// The socket transport's event loop: tasks that prefer it run on its thread, and the requests
/// they send are written and read there. The live and fault suites also run against it
/// (`PlainTransport.socketsOnLoop`); these are what only the loop does.
@Suite struct EventLoopTransportTests {
    let loop = SocketEventLoop.shared

    func request(_ port: Int, _ path: String, method: TransportRequest.Method = .get) -> TransportRequest {
        TransportRequest(
            method: method,
            baseURL: URL(string: "http://127.0.0.1:\(port)")!,
            path: path,
            body: method == .post ? Data(#"{"name":"x"}"#.utf8) : nil
        )
    }

    @Test func aTaskPreferringTheLoopRunsOnItsThreadAndSoDoItsChildren() async {
        let loop = loop
        #expect(!loop.isCurrent)
        let (here, children) = await withTaskExecutorPreference(loop) {
            let here = loop.isCurrent
            let children = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { loop.isCurrent } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            return (here, children)
        }
        #expect(here)
        #expect(children == Array(repeating: true, count: 8))
    }

    @Test func theClientOffersTheLoopForHTTPOnly() async {
        let loop = loop
        let plain = GrafanaClient(configuration: .init(baseURL: URL(string: "http://127.0.0.1:9")!))
        #expect(await plain.withTransportExecutor { loop.isCurrent })
        let secure = GrafanaClient(configuration: .init(baseURL: URL(string: "https://127.0.0.1:9")!))
        #expect(await secure.withTransportExecutor { loop.isCurrent } == false)
        let recorded = GrafanaClient(
            configuration: .init(baseURL: URL(string: "http://127.0.0.1:9")!),
            transport: RecordingTransport(status: 200, body: "{}")
        )
        #expect(await recorded.withTransportExecutor { loop.isCurrent } == false)
    }

    /// 300 requests, 16 at a time, each answered with its own path: every answer reaches the
    /// task that asked, over no more connections than requests in flight.
    @Test func manyConcurrentRequestsGoOutFromTheLoop() async throws {
        let server = try await CannedHTTPServer { request in (200, #"{"uri":"\#(request.uri)"}"#) }
        let transport = SocketTransport()
        let before = loop.exchangesStarted
        let answers = try await withTaskExecutorPreference(transport.taskExecutor) {
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var next = 0
                func startNext() {
                    guard next < 300 else { return }
                    let index = next
                    next += 1
                    let request = request(server.port, "/api/n/\(index)")
                    group.addTask {
                        let response = try await transport.send(request)
                        return (index, String(decoding: response.body, as: UTF8.self))
                    }
                }
                for _ in 0..<16 { startNext() }
                var answers = [String](repeating: "", count: 300)
                while let (index, body) = try await group.next() {
                    answers[index] = body
                    startNext()
                }
                return answers
            }
        }
        #expect(answers == (0..<300).map { #"{"uri":"/api/n/\#($0)"}"# })
        #expect(server.connectionCount <= 16)
        #expect(loop.exchangesStarted - before >= 300)
        try await transport.shutdown()
        try await server.close()
    }

    /// The loop reads answers framed by `Content-Length`; a chunked one on the same kept-alive
    /// connection goes to a thread with what has arrived, and the connection is kept after it.
    @Test func aChunkedAnswerOnTheLoopIsFinishedByAThread() async throws {
        let server = try RawHTTPServer { connection, _, server in
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n[1]")
            _ = server.readRequest(connection)
            connection.write(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n[2,3\r\n"
            )
            connection.write("1\r\n]\r\n0\r\n\r\n")
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 204 No Content\r\n\r\n")
            _ = server.readRequest(connection)
            connection.close()
        }
        let transport = SocketTransport()
        let bodies = try await withTaskExecutorPreference(transport.taskExecutor) {
            var bodies: [String] = []
            for path in ["/a", "/b", "/c"] {
                let response = try await transport.send(request(server.port, path))
                bodies.append("\(response.status) " + String(decoding: response.body, as: UTF8.self))
            }
            return bodies
        }
        #expect(bodies == ["200 [1]", "200 [2,3]", "204 "])
        #expect(server.connectionCount == 1)
        server.close()
    }

    /// A body larger than the loop reads itself, on a kept-alive connection: a thread reads it
    /// into one buffer, and the limit still holds.
    @Test func aLargeBodyOnTheLoopIsFinishedByAThread() async throws {
        let large = String(repeating: "x", count: LoopExchange.largestBody + 10)
        let server = try RawHTTPServer { connection, _, server in
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]")
            _ = server.readRequest(connection)
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(large.utf8.count)\r\n\r\n" + large)
            _ = server.readRequest(connection)
            connection.close()
        }
        let transport = SocketTransport(maxBodySize: 2 * LoopExchange.largestBody)
        let small = SocketTransport(maxBodySize: LoopExchange.largestBody)
        let (first, second) = try await withTaskExecutorPreference(transport.taskExecutor) {
            _ = try await transport.send(request(server.port, "/a"))
            let first = try await transport.send(request(server.port, "/b"))
            // Idle connections are each transport's own: this one opens a second connection.
            _ = try await small.send(request(server.port, "/a"))
            let second = await Result(awaiting: { try await small.send(request(server.port, "/b")) })
            return (first, second)
        }
        #expect(first.body.count == large.utf8.count)
        #expect(throws: ResponseTooLarge(status: 200, limit: LoopExchange.largestBody)) { try second.get() }
        server.close()
    }

    /// A request body larger than the socket takes at once is written from the loop in parts,
    /// after the head, until the server has all of it: on a new connection and on a kept one.
    @Test func aLargeRequestBodyGoesOutWholeFromTheLoop() async throws {
        let body = (0..<(4 << 20)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        let server = try RawHTTPServer { connection, _, server in
            while server.readRequest(connection) != nil {
                connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            }
            connection.close()
        }
        let transport = SocketTransport()
        var post = request(server.port, "/api/dashboards/db", method: .post)
        post.body = Data(body)
        let before = loop.exchangesStarted
        let statuses = try await withTaskExecutorPreference(transport.taskExecutor) {
            [try await transport.send(post).status, try await transport.send(post).status]
        }
        #expect(statuses == [200, 200])
        #expect(loop.exchangesStarted - before >= 2)
        #expect(server.connectionCount == 1)
        let received = server.requests
        #expect(received.count == 2)
        for request in received {
            #expect(request.hasPrefix("POST /api/dashboards/db HTTP/1.1\r\n"))
            #expect(request.contains("\r\nContent-Length: \(body.count)\r\n"))
            #expect(request.utf8.suffix(body.count).elementsEqual(body))
        }
        server.close()
    }

    /// As on the threads: a GET whose kept-alive connection the server closes as it arrives
    /// goes again on a new connection; a POST does not.
    @Test(arguments: [TransportRequest.Method.get, .post])
    func aRequestOnAConnectionClosedUnderIt(method: TransportRequest.Method) async throws {
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
        let second = await withTaskExecutorPreference(transport.taskExecutor) {
            _ = try? await transport.send(request(server.port, "/first"))
            return await Result(awaiting: { try await transport.send(request(server.port, "/second", method: method)) })
        }
        switch (method, second) {
        case (.get, .success(let response)):
            #expect(response.status == 200)
            #expect(server.requests.count == 3)
            #expect(server.connectionCount == 2)
        case (.post, .failure(let failure as ConnectionFailure)):
            #expect(failure.isDropped)
            #expect(failure.mayHaveBeenSent)
            #expect(server.requests.count == 2)
        default:
            Issue.record("unexpected \(second) for \(method)")
        }
        server.close()
    }

    /// A request in flight on the loop, cancelled by a job running on the loop (so the loop is
    /// not waiting in `poll()` when the cancellation comes): it still ends at once.
    @Test func cancellingFromAJobOnTheLoopEndsTheRequest() async throws {
        let (arrivals, arrived) = AsyncStream<Void>.makeStream()
        let server = try await CannedHTTPServer { _ in
            arrived.yield()
            return nil
        }
        let transport = SocketTransport()
        let request = request(server.port, "/api/health")
        let loop = loop
        let outcome = await withTaskExecutorPreference(loop) {
            let task = Task(executorPreference: loop) { try await transport.send(request) }
            for await _ in arrivals { break }
            #expect(loop.isCurrent)
            task.cancel()
            return await task.result
        }
        #expect(throws: CancellationError.self) { try outcome.get() }
        try await server.close()
    }

    /// A task cancelled while its job still waits in the loop's queue sends nothing.
    @Test func aTaskCancelledWhileQueuedSendsNothing() async throws {
        let server = try await CannedHTTPServer { _ in (200, "{}") }
        let transport = SocketTransport()
        let request = request(server.port, "/api/health")
        let loop = loop
        let outcome = await withTaskExecutorPreference(loop) {
            // Created and cancelled by one job of the loop: the new task cannot start before
            // that job ends.
            let task = Task(executorPreference: loop) { try await transport.send(request) }
            task.cancel()
            return await task.result
        }
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(server.requests.isEmpty)
        try await server.close()
    }
}

extension Result where Failure == any Error {
    init(awaiting body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
