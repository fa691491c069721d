import Foundation
import Testing

@testable import GrafanaAPI

/// The funnel's retries, backoff and deadline, over a recording transport and recorded time.
@Suite struct RetryTests {
    static let orgs = #"[{"id":1,"name":"Main Org."}]"#
    static let unavailable = #"{"message":"Service unavailable"}"#

    /// Answers the requests in turn with these responses (the last repeats).
    static func answering(_ responses: [TransportResponse]) -> RecordingTransport {
        let counter = Counter()
        return RecordingTransport { _ in responses[min(counter.next(), responses.count - 1)] }
    }

    static func status(_ status: Int, _ body: String = unavailable, headers: [HTTPHeaderField] = [])
        -> TransportResponse
    {
        TransportResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    @Test func aReadIsRetriedAfter503sUntilItSucceeds() async throws {
        let transport = Self.answering([Self.status(503), Self.status(503), Self.status(200, Self.orgs)])
        let time = HookRecorder()
        let orgs = try await makeClient(transport, hooks: time.hooks()).orgs()
        #expect(orgs.map(\.name) == ["Main Org."])
        #expect(transport.requests.count == 3)
        // Half of each exponential step plus the jitter's share (0.5) of the other half.
        #expect(time.sleeps == [.milliseconds(375), .milliseconds(750)])
        #expect(
            time.retries == [
                "GET /api/orgs: 503 Service Unavailable (attempt 1 of 4); retrying in 375ms",
                "GET /api/orgs: 503 Service Unavailable (attempt 2 of 4); retrying in 750ms",
            ]
        )
    }

    @Test(arguments: [429, 502, 503, 504])
    func transientStatusesAreRetried(status: Int) async throws {
        let transport = Self.answering([Self.status(status), Self.status(200, Self.orgs)])
        _ = try await makeClient(transport).orgs()
        #expect(transport.requests.count == 2)
    }

    @Test(arguments: [400, 401, 404, 409, 500])
    func otherStatusesAreNotRetried(status: Int) async throws {
        let transport = Self.answering([Self.status(status), Self.status(200, Self.orgs)])
        let error = await #expect(throws: GrafanaError.self) { _ = try await makeClient(transport).orgs() }
        #expect(error?.status == status)
        #expect(transport.requests.count == 1)
    }

    @Test func aPostIsNeverRetried() async throws {
        let transport = Self.answering([Self.status(503), Self.status(200, #"{"orgId":2,"message":"ok"}"#)])
        let time = HookRecorder()
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await makeClient(transport, hooks: time.hooks()).createOrg(name: "apiorg")
        }
        #expect(error?.status == 503)
        #expect(error?.message == "Service unavailable")
        #expect(transport.requests.count == 1)
        #expect(time.events.isEmpty)
    }

    @Test func aPatchIsNeverRetried() async throws {
        let transport = Self.answering([Self.status(503), Self.status(200, "{}")])
        await #expect(throws: GrafanaError.self) {
            try await makeClient(transport).updateOrgUserRole(orgID: 2, userID: 3, role: .viewer)
        }
        #expect(transport.requests.count == 1)
    }

    @Test func idempotentWritesAreRetried() async throws {
        let put = Self.answering([Self.status(502), Self.status(200, #"{"message":"Organization updated"}"#)])
        try await makeClient(put).renameOrg(id: 2, to: "renamed")
        #expect(put.requests.map(\.method) == [.put, .put])

        let delete = Self.answering([Self.status(504), Self.status(200, #"{"message":"Organization deleted"}"#)])
        try await makeClient(delete).deleteOrg(id: 2)
        #expect(delete.requests.map(\.method) == [.delete, .delete])
    }

    @Test func retriesStopAtTheBoundAndReportGrafanasAnswer() async throws {
        let transport = Self.answering([Self.status(503)])
        let time = HookRecorder()
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await makeClient(transport, hooks: time.hooks()).orgs()
        }
        #expect(transport.requests.count == 4)
        #expect(time.sleeps.count == 3)
        #expect(error?.status == 503)
        #expect(error?.message == "Service unavailable")
    }

    @Test func zeroRetriesSendsOnce() async throws {
        let transport = Self.answering([Self.status(503), Self.status(200, Self.orgs)])
        await #expect(throws: GrafanaError.self) {
            _ = try await makeClient(transport, retry: .init(maxRetries: 0)).orgs()
        }
        #expect(transport.requests.count == 1)
    }

    @Test func retryAfterInSecondsIsHonoured() async throws {
        let transport = Self.answering([
            Self.status(429, headers: [HTTPHeaderField("Retry-After", "2")]), Self.status(200, Self.orgs),
        ])
        let time = HookRecorder()
        _ = try await makeClient(transport, hooks: time.hooks()).orgs()
        #expect(time.sleeps == [.seconds(2)])
        #expect(time.retries == ["GET /api/orgs: 429 Too Many Requests (attempt 1 of 4); retrying in 2s"])
    }

    @Test func retryAfterAsAnHTTPDateIsHonoured() async throws {
        // HookRecorder.now is Mon, 30 Nov 2026 12:00:00 GMT.
        let transport = Self.answering([
            Self.status(503, headers: [HTTPHeaderField("Retry-After", "Mon, 30 Nov 2026 12:00:05 GMT")]),
            Self.status(200, Self.orgs),
        ])
        let time = HookRecorder()
        _ = try await makeClient(transport, hooks: time.hooks()).orgs()
        #expect(time.sleeps == [.seconds(5)])
    }

    @Test func aRetryAfterLongerThanTheCapIsReportedNotAwaited() async throws {
        let transport = Self.answering([
            Self.status(429, #"{"message":"Too many requests"}"#, headers: [HTTPHeaderField("Retry-After", "3600")]),
            Self.status(200, Self.orgs),
        ])
        let time = HookRecorder()
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await makeClient(transport, hooks: time.hooks()).orgs()
        }
        #expect(error?.status == 429)
        #expect(transport.requests.count == 1)
        #expect(time.sleeps.isEmpty)
    }

    @Test func theBackoffGrowsExponentiallyWithJitterUpToItsCap() {
        let policy = GrafanaClient.RetryPolicy(baseDelay: .milliseconds(500), maxDelay: .seconds(4))
        func delays(jitter: Double) -> [Duration?] {
            (1...6).map { policy.delay(beforeRetry: $0, retryAfter: nil, now: HookRecorder.now, jitter: jitter) }
        }
        #expect(
            delays(jitter: 0) == [
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(2), .seconds(2),
            ]
        )
        #expect(
            delays(jitter: 1) == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)]
        )
        // An unreadable Retry-After falls back to the backoff.
        #expect(
            policy.delay(beforeRetry: 1, retryAfter: "soon", now: HookRecorder.now, jitter: 0) == .milliseconds(250)
        )
        // A date in the past means no wait.
        #expect(
            policy.delay(beforeRetry: 1, retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT", now: HookRecorder.now, jitter: 0)
                == .zero
        )
        #expect(
            policy.delay(beforeRetry: 1, retryAfter: "Sunday, 06-Nov-94 08:49:37 GMT", now: HookRecorder.now, jitter: 0)
                == .zero
        )
    }

    @Test func aDroppedConnectionIsRetriedForAReadOnly() async throws {
        let counter = Counter()
        let dropping = RecordingTransport { _ in
            if counter.next() == 0 {
                throw ConnectionFailure(kind: .connectionFailed, cause: "the connection was reset", isDropped: true)
            }
            return TransportResponse(status: 200, body: Data(Self.orgs.utf8))
        }
        let time = HookRecorder()
        _ = try await makeClient(dropping, hooks: time.hooks()).orgs()
        #expect(dropping.requests.count == 2)
        #expect(time.retries == ["GET /api/orgs: the connection was reset (attempt 1 of 4); retrying in 375ms"])
    }

    @Test func aRefusedConnectionIsNotRetried() async throws {
        let refusing = RecordingTransport { _ in
            throw ConnectionFailure(kind: .connectionRefused, cause: "connection refused")
        }
        let error = await #expect(throws: GrafanaError.self) { _ = try await makeClient(refusing).orgs() }
        #expect(error?.message == "Cannot connect to http://localhost:3000")
        #expect(refusing.requests.count == 1)
    }

    @Test func aWriteCutOffAfterSendingSaysItMayHaveBeenApplied() async throws {
        let dropping = RecordingTransport { _ in
            throw ConnectionFailure(kind: .connectionFailed, cause: "the connection was reset", isDropped: true)
        }
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await makeClient(dropping).createOrg(name: "apiorg")
        }
        #expect(dropping.requests.count == 1)
        #expect(error?.mayHaveBeenApplied == true)
        #expect(
            error?.description
                == "Create organization failed: The request was sent; Grafana may have applied it (the connection was reset, POST /api/orgs)"
        )
        #expect(error?.hint == "Check on the server whether the change was made before sending it again.")
    }

    @Test func aReadCutOffAfterSendingSaysTheConnectionWasLost() async throws {
        let dropping = RecordingTransport { _ in
            throw ConnectionFailure(kind: .connectionFailed, cause: "the connection was reset", isDropped: true)
        }
        let error = await #expect(throws: GrafanaError.self) { _ = try await makeClient(dropping).orgs() }
        #expect(dropping.requests.count == 4)
        #expect(error?.message == "Lost the connection to http://localhost:3000")
        #expect(error?.mayHaveBeenApplied == false)
    }
}

/// The deadline covers the whole exchange, through the injected deadline hook.
extension RetryTests {
    /// A transport that never answers until cancelled.
    final class HangingTransport: HTTPTransport {
        func send(_ request: TransportRequest) async throws -> TransportResponse {
            try await waitUntilCancelled()
            return TransportResponse(status: 200)
        }
    }

    func client(retries: Int = 3) -> (GrafanaClient, HookRecorder) {
        let time = HookRecorder()
        let client = GrafanaClient(
            configuration: .init(
                baseURL: URL(string: "http://localhost:3000")!,
                timeouts: .init(total: .seconds(30)),
                retry: .init(maxRetries: retries)
            ),
            transport: HangingTransport(),
            hooks: time.hooks(deadline: { limit in
                #expect(limit == .seconds(30))
            })
        )
        return (client, time)
    }

    @Test func aReadPastItsDeadlineIsATimeoutNamingTheOption() async throws {
        let (client, time) = client()
        let error = await #expect(throws: GrafanaError.self) { _ = try await client.orgs() }
        #expect(error?.kind == .timeout)
        #expect(error?.message == "No complete answer from http://localhost:3000 in time")
        #expect(error?.cause == "no complete answer within 30s")
        #expect(
            error?.hint
                == "The server is slow or stuck; if the server is just slow, raise the limit with --timeout DURATION (or 'timeout:' in the config context)."
        )
        // A timeout is not a transient fault: waiting again would double the wait.
        #expect(time.events.isEmpty)
    }

    @Test func aWritePastItsDeadlineMayHaveBeenApplied() async throws {
        let (client, _) = client()
        let error = await #expect(throws: GrafanaError.self) { _ = try await client.createOrg(name: "apiorg") }
        #expect(error?.kind == .timeout)
        #expect(error?.mayHaveBeenApplied == true)
        #expect(error?.message == "The request was sent; Grafana may have applied it")
        #expect(error?.hint?.contains("--timeout DURATION") == true)
    }
}

/// A thread-safe counter for answering requests in turn.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Returns the current value and increments it.
    func next() -> Int {
        lock.withLock {
            defer { value += 1 }
            return value
        }
    }
}
