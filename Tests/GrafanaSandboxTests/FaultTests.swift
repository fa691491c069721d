import Foundation
import GFSValue
import HTTPTypes
import Synchronization
import Testing

@testable import GrafanaSandbox

/// Injected faults (`gfs sandbox --fault`), each driven with a real client on a real port and
/// checked by what the client sees.
@Suite struct FaultTests {
    private func configuration(
        _ faults: [String],
        pause: @escaping @Sendable (Duration) async throws -> Void = { _ in }
    ) throws -> SandboxConfiguration {
        var configuration = SandboxConfiguration(port: 0)
        configuration.faults = try faults.map { try SandboxFault(parsing: $0) }
        configuration.pause = pause
        return configuration
    }

    @Test(arguments: [
        ("GET /api/search=503x2", SandboxFault(route: "GET /api/search", action: .status(503), count: 2)),
        (
            "POST /api/dashboards/db=429 retry-after=1",
            SandboxFault(route: "POST /api/dashboards/db", action: .status(429, retryAfter: 1))
        ),
        ("get /api/org=reset x3", SandboxFault(route: "GET /api/org", action: .reset, count: 3)),
        ("GET /api/org=close-mid-body", SandboxFault(route: "GET /api/org", action: .closeMidBody)),
        ("GET /api/org=trickle", SandboxFault(route: "GET /api/org", action: .trickle(.seconds(1)))),
        ("GET /api/org=trickle=250ms", SandboxFault(route: "GET /api/org", action: .trickle(.milliseconds(250)))),
        ("* /api/org=delay=5sx1", SandboxFault(route: "* /api/org", action: .delay(.seconds(5)), count: 1)),
    ])
    func parsesTheCommandLineForm(text: String, expected: SandboxFault) throws {
        #expect(try SandboxFault(parsing: text) == expected)
    }

    @Test(arguments: [
        "GET /api/org", "GET=503", "/api/org=503", "GET /api/org=600", "GET /api/org=boom",
        "GET /api/org=reset retry-after=1", "GET /api/org=delay=soon", "GET /api/org=503x0",
    ])
    func refusesMalformedFaults(text: String) {
        #expect(throws: SandboxFault.ParseError.self) { try SandboxFault(parsing: text) }
    }

    @Test func aCountedStatusAppliesToTheFirstRequestsOnly() async throws {
        try await withLiveSandbox(try configuration(["GET /api/org=503x2"])) { _, client in
            let first = try await client.get("/api/org")
            #expect(first.status == .serviceUnavailable)
            #expect(first.text == #"{"message":"Service Unavailable"}"#)
            #expect(try await client.get("/api/org").status == .serviceUnavailable)
            let third = try await client.get("/api/org")
            #expect(third.status == .ok)
            #expect(third["name"] == "Main Org.")
            // Other routes are untouched.
            #expect(try await client.get("/api/user").status == .ok)
        }
    }

    @Test func tooManyRequestsCarriesRetryAfterAndAppliesNothing() async throws {
        try await withLiveSandbox(try configuration(["POST /api/orgs=429x1 retry-after=1"])) { _, client in
            let refused = try await client.post("/api/orgs", #"{"name":"throttled"}"#)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "1")
            #expect(try await client.get("/api/orgs/name/throttled").status == .notFound)
            #expect(try await client.post("/api/orgs", #"{"name":"throttled"}"#).status == .ok)
        }
    }

    @Test func theRoutePatternMatchesToo() async throws {
        try await withLiveSandbox(try configuration(["GET /api/orgs/:orgId=502x1"])) { _, client in
            let first = try await client.get("/api/orgs/1")
            #expect(first.status == .badGateway)
            let second = try await client.get("/api/orgs/1")
            #expect(second.status == .ok)
        }
    }

    @Test func resetClosesTheConnectionBeforeAnyResponse() async throws {
        try await withLiveSandbox(try configuration(["POST /api/orgs=reset x1"])) { server, client in
            let port = try #require(server.port)
            let seen = try await rawExchange(port: port, rawRequest("POST", "/api/orgs", body: #"{"name":"reset"}"#))
            #expect(seen.bytes.isEmpty)
            #expect(seen.endedWithReset)
            // The handler did not run, and the next request is answered.
            #expect(try await client.get("/api/orgs/name/reset").status == .notFound)
            let again = try await rawExchange(port: port, rawRequest("GET", "/api/org"))
            #expect(again.statusLine == "HTTP/1.1 200 OK")
        }
    }

    @Test func closeMidBodySendsTheHeadersAndHalfTheBody() async throws {
        try await withLiveSandbox(try configuration(["GET /api/org=close-mid-body x1"])) { server, _ in
            let port = try #require(server.port)
            let whole = try await rawExchange(port: port, rawRequest("GET", "/api/user"))
            #expect(whole.statusLine == "HTTP/1.1 200 OK")

            let cut = try await rawExchange(port: port, rawRequest("GET", "/api/org"))
            #expect(cut.statusLine == "HTTP/1.1 200 OK")
            let length = try #require(cut.header("Content-Length").flatMap { Int($0) })
            #expect(length > 0)
            #expect(cut.body.count == length / 2)

            let after = try await rawExchange(port: port, rawRequest("GET", "/api/org"))
            #expect(after.body.count == length)
        }
    }

    @Test func trickleSendsTheBodyAByteAtATimeWithPauses() async throws {
        let pauses = Mutex<[Duration]>([])
        let configuration = try configuration(["GET /api/org=trickle=2s x1"]) { duration in
            pauses.withLock { $0.append(duration) }
        }
        try await withLiveSandbox(configuration) { server, _ in
            let port = try #require(server.port)
            let trickled = try await rawExchange(port: port, rawRequest("GET", "/api/org"))
            let normal = try await rawExchange(port: port, rawRequest("GET", "/api/org"))
            #expect(trickled.statusLine == "HTTP/1.1 200 OK")
            #expect(trickled.body == normal.body)
            // One pause before each byte but the first, each as long as asked.
            #expect(pauses.withLock { $0 } == Array(repeating: .seconds(2), count: normal.body.count - 1))
        }
    }

    @Test func delayWaitsThroughThePauseHookThenAnswers() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: Duration.self)
        let release = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let configuration = try configuration(["GET /api/org=delay=5s"]) { duration in
            await withCheckedContinuation { waiting in
                release.withLock { $0 = waiting }
                continuation.yield(duration)
            }
        }
        try await withLiveSandbox(configuration) { server, client in
            let answer = Task { try await client.get("/api/org") }
            var iterator = events.makeAsyncIterator()
            // The request is held in the pause: nothing answers until the test lets it go.
            #expect(await iterator.next() == .seconds(5))
            release.withLock { $0?.resume() }
            let reply = try await answer.value
            #expect(reply.status == .ok)
            #expect(reply["name"] == "Main Org.")
        }
    }
}
