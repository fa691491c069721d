import Foundation
import HTTPTestSupport
import Testing

@testable import GrafanaAPI

/// Both real `http://` transports and the funnel against a server that misbehaves:
/// transient statuses, resets, cut-off and trickled bodies, oversized bodies. Backoff waits
/// and deadlines go through recorded hooks, so nothing here waits on the real clock.
@Suite struct FaultTransportTests {
    static let orgs = #"[{"id":1,"name":"Main Org."}]"#

    func client(
        _ server: CannedHTTPServer,
        time: HookRecorder,
        deadline: (@Sendable (Duration) async throws -> Void)? = nil,
        _ kind: PlainTransport,
        transport: (any HTTPTransport)? = nil
    ) -> GrafanaClient {
        GrafanaClient(
            configuration: .init(
                baseURL: URL(string: "http://127.0.0.1:\(server.port)")!,
                credentials: .basic(user: "admin", password: "admin"),
                timeouts: .init(connect: .seconds(30), read: .seconds(60), total: .seconds(60))
            ),
            transport: transport ?? kind.shared,
            hooks: deadline.map { time.hooks(deadline: $0) } ?? time.hooks()
        )
    }

    @Test(arguments: PlainTransport.allCases) func twoServiceUnavailablesThenSuccess(_ kind: PlainTransport)
        async throws
    {
        let server = try await CannedHTTPServer { _, index in
            index < 2 ? .respond(status: 503, body: #"{"message":"down"}"#) : .respond(status: 200, body: Self.orgs)
        }
        let time = HookRecorder()
        let orgs = try await client(server, time: time, kind).orgs()
        #expect(orgs.map(\.id) == [1])
        #expect(server.requests.count == 3)
        #expect(time.sleeps == [.milliseconds(375), .milliseconds(750)])
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func tooManyRequestsWithRetryAfter(_ kind: PlainTransport) async throws {
        let server = try await CannedHTTPServer { _, index in
            index == 0
                ? .respond(status: 429, headers: [("Retry-After", "1")], body: #"{"message":"slow down"}"#)
                : .respond(status: 200, body: Self.orgs)
        }
        let time = HookRecorder()
        _ = try await client(server, time: time, kind).orgs()
        #expect(time.sleeps == [.seconds(1)])
        #expect(time.retries == ["GET /api/orgs: 429 Too Many Requests (attempt 1 of 4); retrying in 1s"])
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func aResetBeforeTheAnswerIsRetriedForARead(_ kind: PlainTransport)
        async throws
    {
        let server = try await CannedHTTPServer { _, index in
            index == 0 ? .reset : .respond(status: 200, body: Self.orgs)
        }
        let time = HookRecorder()
        _ = try await client(server, time: time, kind).orgs()
        #expect(server.requests.count == 2)
        #expect(time.retries.count == 1)
        #expect(time.retries.first?.hasPrefix("GET /api/orgs: the ") == true, "\(time.retries)")
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func aResetAfterAPostIsReportedAsMaybeApplied(_ kind: PlainTransport)
        async throws
    {
        let server = try await CannedHTTPServer { _, index in
            index == 0 ? .reset : .respond(status: 200, body: #"{"orgId":2,"message":"Organization created"}"#)
        }
        let time = HookRecorder()
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await client(server, time: time, kind).createOrg(name: "apiorg")
        }
        #expect(server.requests.count == 1)
        #expect(time.events.isEmpty)
        #expect(error?.mayHaveBeenApplied == true)
        #expect(error?.message == "The request was sent; Grafana may have applied it")
        #expect(error?.description.contains("Cannot connect") == false)
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func aBodyCutOffIsRetriedForARead(_ kind: PlainTransport) async throws {
        let server = try await CannedHTTPServer { _, index in
            index == 0 ? .closeMidBody(status: 200, body: Self.orgs, bytes: 5) : .respond(status: 200, body: Self.orgs)
        }
        let time = HookRecorder()
        let orgs = try await client(server, time: time, kind).orgs()
        #expect(orgs.map(\.name) == ["Main Org."])
        #expect(server.requests.count == 2)
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func aBodyCutOffAfterAPostSaysTheStatusThatArrived(_ kind: PlainTransport)
        async throws
    {
        let server = try await CannedHTTPServer { _, _ in
            .closeMidBody(status: 200, body: #"{"orgId":2,"message":"Organization created"}"#, bytes: 5)
        }
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await client(server, time: HookRecorder(), kind).createOrg(name: "apiorg")
        }
        #expect(server.requests.count == 1)
        #expect(error?.mayHaveBeenApplied == true)
        #expect(
            error?.cause?.hasSuffix("after 200 OK, before the whole answer arrived") == true,
            "\(String(describing: error))"
        )
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func theDeadlineCoversATrickledBody(_ kind: PlainTransport) async throws {
        // 4 KB at one byte every 20 ms would take well over a minute.
        let body = "[" + String(repeating: " ", count: 4000) + #"{"id":1,"name":"Main Org."}]"#
        let server = try await CannedHTTPServer { _, _ in
            .trickle(status: 200, body: body, interval: .milliseconds(20))
        }
        let error = await #expect(throws: GrafanaError.self) {
            // The deadline passes once the body has begun: the head alone did not satisfy it.
            _ = try await client(
                server,
                time: HookRecorder(),
                deadline: { _ in try await server.waitForPartialBody(bytes: 3) },
                kind
            )
            .orgs()
        }
        #expect(error?.kind == .timeout)
        #expect(error?.hint?.contains("--timeout DURATION") == true)
        #expect(server.partialBodyBytesSent < body.utf8.count)
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func anOversizedBodyIsReportedInWords(_ kind: PlainTransport) async throws
    {
        let server = try await CannedHTTPServer { _, _ in
            .respond(status: 200, body: "[" + String(repeating: " ", count: 2048) + "]")
        }
        let (transport, shutdown) = kind.make(maxBodySize: 1024)
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await client(server, time: HookRecorder(), kind, transport: transport).orgs()
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.message == "The response (200 OK) is larger than the 1 KiB limit")
        #expect(error?.description.contains("NIOTooManyBytesError") == false)
        try await shutdown()
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func cancellingAWriteInFlightIsReported(_ kind: PlainTransport)
        async throws
    {
        let server = try await CannedHTTPServer { _, _ in .silence }
        let time = HookRecorder()
        let client = client(server, time: time, kind)
        let task = Task { try await client.createOrg(name: "apiorg") }
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(
            time.events == [
                .interruptedWrite(
                    GrafanaError.Call(operation: "create organization", method: "POST", path: "/api/orgs")
                )
            ]
        )
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func cancellingAReadInFlightIsNotAWriteWarning(_ kind: PlainTransport)
        async throws
    {
        let server = try await CannedHTTPServer { _, _ in .silence }
        let time = HookRecorder()
        let client = client(server, time: time, kind)
        let task = Task { try await client.orgs() }
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(time.events.isEmpty)
        try await server.close()
    }
}
