import Foundation
import GFSLanguage
import GrafanaAPI
import Synchronization
import Testing

@testable import GFSCommands

/// How the host reports a flaky server: retries with `-v`, writes that may have been applied,
/// Ctrl-C during a write. The transport is scripted; `Retry-After: 0` keeps the real backoff
/// from waiting.
@Suite struct HostFaultTests {
    /// Answers from a closure and records every request.
    final class ScriptedTransport: HTTPTransport {
        let requests = Mutex<[TransportRequest]>([])
        let answer: @Sendable (TransportRequest, Int) async throws -> TransportResponse

        init(_ answer: @escaping @Sendable (TransportRequest, Int) async throws -> TransportResponse) {
            self.answer = answer
        }

        func send(_ request: TransportRequest) async throws -> TransportResponse {
            let index = requests.withLock { requests in
                requests.append(request)
                return requests.count - 1
            }
            return try await answer(request, index)
        }

        var count: Int { requests.withLock { $0.count } }
    }

    static func json(_ status: Int, _ body: String, headers: [HTTPHeaderField] = []) -> TransportResponse {
        TransportResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    func run(_ text: String, transport: ScriptedTransport, options: GrafanaShellHost.Options) async -> (
        RunOutcome, CapturingSink
    ) {
        let context = GrafanaContext(
            url: URL(string: "http://grafana.test:3000")!,
            authentication: .basic(user: "admin", password: "admin")
        )
        let sink = CapturingSink()
        let host = GrafanaShellHost(context: context, options: options, sink: sink, transport: transport)
        return (await Interpreter(host: host).run(SourceFile(name: "t.gfs", text: text)), sink)
    }

    @Test func verboseShowsEachRetryOnStandardError() async throws {
        let transport = ScriptedTransport { _, index in
            index == 0
                ? Self.json(503, #"{"message":"down"}"#, headers: [HTTPHeaderField("Retry-After", "0")])
                : Self.json(200, #"[{"id":1,"name":"Main Org."}]"#)
        }
        let (outcome, sink) = await run(
            "org list",
            transport: transport,
            options: .init(environment: [:], verbose: true)
        )
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message))")
        #expect(transport.count == 2)
        #expect(
            sink.standardError == "gfs: GET /api/orgs: 503 Service Unavailable (attempt 1 of 4); retrying in 0ms\n"
        )
    }

    @Test func withoutVerboseRetriesAreQuietAndRetriesCanBeTurnedOff() async throws {
        let quiet = ScriptedTransport { _, index in
            index == 0
                ? Self.json(503, #"{"message":"down"}"#, headers: [HTTPHeaderField("Retry-After", "0")])
                : Self.json(200, #"[{"id":1,"name":"Main Org."}]"#)
        }
        let (succeeded, sink) = await run("org list", transport: quiet, options: .init(environment: [:]))
        #expect(succeeded.status == .success)
        #expect(sink.standardError.isEmpty)

        let once = ScriptedTransport { _, _ in Self.json(503, #"{"message":"down"}"#) }
        let (failed, _) = await run("org list", transport: once, options: .init(environment: [:], retries: 0))
        #expect(failed.status != .success)
        #expect(once.count == 1)
        #expect(
            failed.diagnostics.first?.message
                == "List organizations failed: down (503 Service Unavailable, GET /api/orgs)"
        )
    }

    @Test func aWriteThatMayHaveBeenAppliedNamesTheCommandToCheckWith() async throws {
        let transport = ScriptedTransport { _, _ in
            throw ConnectionFailure(kind: .connectionFailed, cause: "the connection was reset", isDropped: true)
        }
        let (outcome, _) = await run("org create apiorg", transport: transport, options: .init(environment: [:]))
        let diagnostic = try #require(outcome.diagnostics.first)
        #expect(
            diagnostic.message
                == "Create organization failed: The request was sent; Grafana may have applied it (the connection was reset, POST /api/orgs)"
        )
        #expect(diagnostic.hint == "Check with 'org list' before running it again.")
        #expect(transport.count == 1)
    }

    @Test func theTimeoutOptionIsTheDeadlineOfEachRequest() async throws {
        let transport = ScriptedTransport { _, _ in Self.json(200, #"[{"id":1,"name":"Main Org."}]"#) }
        let (outcome, _) = await run(
            "org list",
            transport: transport,
            options: .init(environment: [:], timeout: .seconds(7))
        )
        #expect(outcome.status == .success)
        #expect(transport.requests.withLock { $0.map(\.timeouts.total) } == [.seconds(7)])
    }

    @Test func ctrlCDuringAWriteWarnsThatItMayHaveBeenApplied() async throws {
        let transport = ScriptedTransport { _, _ in
            let stream = AsyncStream<Never> { _ in }
            for await _ in stream {}
            throw CancellationError()
        }
        let context = GrafanaContext(
            url: URL(string: "http://grafana.test:3000")!,
            authentication: .basic(user: "admin", password: "admin")
        )
        let sink = CapturingSink()
        let host = GrafanaShellHost(
            context: context,
            options: .init(environment: [:]),
            sink: sink,
            transport: transport
        )
        let interpreter = Interpreter(host: host)
        let task = Task { await interpreter.run(SourceFile(name: "t.gfs", text: "org create apiorg")) }
        while transport.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        let outcome = await task.value
        #expect(outcome.status == .interrupted)
        #expect(
            sink.standardError
                == "gfs: warning: create organization (POST /api/orgs) was interrupted in flight; Grafana may have applied it; check with 'org list' before running 'org create' again\n"
        )
    }
}
