import Foundation

@testable import GrafanaAPI

/// A transport that records every request and answers from a closure, so request building
/// is tested without a server.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    typealias Responder = @Sendable (TransportRequest) throws -> TransportResponse

    private let lock = NSLock()
    private var recorded: [TransportRequest] = []
    private let responder: Responder

    init(_ responder: @escaping Responder = { _ in TransportResponse(status: 200, body: Data("{}".utf8)) }) {
        self.responder = responder
    }

    /// Answers every request with `status` and `body`.
    convenience init(status: Int, body: String) {
        self.init { _ in TransportResponse(status: status, body: Data(body.utf8)) }
    }

    var requests: [TransportRequest] {
        lock.withLock { recorded }
    }

    var last: TransportRequest? { requests.last }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        lock.withLock { recorded.append(request) }
        return try responder(request)
    }
}

/// A fixture copied from /work/shared/grafana/fixtures (see Fixtures/README.md).
func fixture(_ name: String) throws -> Data {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw FixtureMissing(name: name)
    }
    return try Data(contentsOf: url)
}

struct FixtureMissing: Error {
    var name: String
}

extension TransportRequest {
    /// The body as a string, for readable assertions.
    var bodyText: String? { body.map { String(decoding: $0, as: UTF8.self) } }
}

/// A client over a recording transport, with basic auth as `admin`/`s3cret-pw`. Backoff waits
/// are recorded, not slept, and no deadline passes unless `hooks` says so.
func makeClient(
    _ transport: RecordingTransport,
    credentials: GrafanaClient.Credentials = .basic(user: "admin", password: "s3cret-pw"),
    orgID: Int64? = nil,
    baseURL: String = "http://localhost:3000",
    retry: GrafanaClient.RetryPolicy = .init(),
    hooks: GrafanaClient.Hooks = HookRecorder().hooks()
) -> GrafanaClient {
    GrafanaClient(
        configuration: .init(baseURL: URL(string: baseURL)!, credentials: credentials, orgID: orgID, retry: retry),
        transport: transport,
        hooks: hooks
    )
}

/// Stands in for the clock and the observer: records each backoff wait and event and returns
/// at once; the deadline passes only when `deadline` returns.
final class HookRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recordedSleeps: [Duration] = []
    private var recordedEvents: [GrafanaClient.Event] = []

    /// 2026-11-30 12:00:00 UTC, the "now" `Retry-After` dates are measured from.
    static let now = Date(timeIntervalSince1970: 1_796_040_000)

    var sleeps: [Duration] { lock.withLock { recordedSleeps } }
    var events: [GrafanaClient.Event] { lock.withLock { recordedEvents } }
    var retries: [String] {
        events.compactMap { event in
            if case .retrying(let retry) = event { return retry.description }
            return nil
        }
    }

    func hooks(
        jitter: Double = 0.5,
        deadline: @escaping @Sendable (Duration) async throws -> Void = { _ in try await waitUntilCancelled() }
    ) -> GrafanaClient.Hooks {
        GrafanaClient.Hooks(
            sleep: { [self] wait in lock.withLock { recordedSleeps.append(wait) } },
            deadline: deadline,
            jitter: { jitter },
            now: { Self.now },
            observe: { [self] event in lock.withLock { recordedEvents.append(event) } }
        )
    }
}

/// Suspends until the task is cancelled, then throws `CancellationError`.
func waitUntilCancelled() async throws {
    let stream = AsyncStream<Never> { _ in }
    for await _ in stream {}
    throw CancellationError()
}
