public import Foundation

extension GrafanaClient {
    /// Which failed exchanges the funnel sends again, how often and how long apart.
    ///
    /// Only requests that may be repeated (``TransportRequest/Method/isIdempotent``: GET, PUT,
    /// DELETE) are retried, and only after a transient fault: a `429`, `502`, `503` or `504`
    /// answer, or a connection the server or network dropped. A POST or PATCH is never sent
    /// twice, since the first copy may already have been applied. Waits grow exponentially
    /// with jitter, or follow the server's `Retry-After`.
    public struct RetryPolicy: Sendable, Hashable {
        /// How many times a request may be sent again (`--retries`); 0 turns retrying off.
        public var maxRetries: Int
        /// The first wait; each later one doubles, up to ``maxDelay``.
        public var baseDelay: Duration
        /// The longest wait the backoff grows to.
        public var maxDelay: Duration
        /// The longest `Retry-After` honoured. A server that asks for a longer pause gets no
        /// retry: its answer is reported, so a script does not hang for an hour.
        public var maxRetryAfter: Duration

        /// The retries when nothing else is configured.
        public static let defaultMaxRetries = 3

        /// The statuses that say "try again later": Too Many Requests, Bad Gateway, Service
        /// Unavailable, Gateway Timeout (RFC 9110 section 15.6; RFC 6585 section 4 for 429).
        public static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

        /// Creates a policy; the defaults retry three times, after about 0.5 s, 1 s and 2 s.
        public init(
            maxRetries: Int = defaultMaxRetries,
            baseDelay: Duration = .milliseconds(500),
            maxDelay: Duration = .seconds(8),
            maxRetryAfter: Duration = .seconds(60)
        ) {
            self.maxRetries = maxRetries
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.maxRetryAfter = maxRetryAfter
        }

        /// The wait before retry number `retry` (1 for the first), or nil when the server asked
        /// for a pause longer than ``maxRetryAfter``.
        ///
        /// A `Retry-After` of delay-seconds or an HTTP date (RFC 9110 section 10.2.3) is used as
        /// given; otherwise the wait is half the exponential step plus a random share
        /// (`jitter`, in 0..<1) of the other half, so many clients failing at once do not come
        /// back at once.
        public func delay(beforeRetry retry: Int, retryAfter: String?, now: Date, jitter: Double) -> Duration? {
            if let retryAfter, let asked = Self.parseRetryAfter(retryAfter, now: now) {
                return asked <= maxRetryAfter ? asked : nil
            }
            var step = baseDelay
            for _ in 1..<max(retry, 1) where step < maxDelay { step *= 2 }
            step = min(step, maxDelay)
            return step / 2 + step / 2 * min(max(jitter, 0), 1)
        }

        /// `120` or `Fri, 31 Dec 1999 23:59:59 GMT` (or the two obsolete date forms RFC 9110
        /// section 5.6.7 tells recipients to accept) as a wait from `now`; a past date is no wait.
        static func parseRetryAfter(_ text: String, now: Date) -> Duration? {
            let text = text.trimmingCharacters(in: .whitespaces)
            if let seconds = Int64(text) {
                return seconds >= 0 ? .seconds(seconds) : nil
            }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
                formatter.dateFormat = format
                if let date = formatter.date(from: text) {
                    let seconds = max(0, date.timeIntervalSince(now))
                    return .milliseconds(Int64((seconds * 1000).rounded()))
                }
            }
            return nil
        }
    }

    /// Something the funnel tells its observer about.
    public enum Event: Sendable, Hashable {
        /// A request failed transiently and is about to be sent again.
        case retrying(Retry)
        /// The task was cancelled (Ctrl-C) while this write was in flight: it may have been applied.
        case interruptedWrite(GrafanaError.Call)
    }

    /// One retry: which attempt failed, why, and how long the funnel waits before the next.
    public struct Retry: Sendable, Hashable, CustomStringConvertible {
        /// The request being retried.
        public var call: GrafanaError.Call
        /// The attempt that failed, from 1.
        public var attempt: Int
        /// How many attempts the policy allows in all.
        public var attempts: Int
        /// The status ("503 Service Unavailable") or the cause ("the connection was reset").
        public var reason: String
        /// The wait before the next attempt.
        public var wait: Duration

        /// `GET /api/search: 503 Service Unavailable (attempt 1 of 4); retrying in 750ms`
        public var description: String {
            "\(call.method) \(call.path): \(reason) (attempt \(attempt) of \(attempts)); retrying in \(Self.spoken(wait))"
        }

        /// A wait in words: `750ms`, `2s`, `1.5s`.
        static func spoken(_ duration: Duration) -> String {
            let milliseconds =
                Int64((Double(duration.components.attoseconds) / 1e15).rounded())
                + duration.components.seconds * 1000
            if milliseconds < 1000 { return "\(milliseconds)ms" }
            if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
            return String(format: "%.1fs", Double(milliseconds) / 1000)
        }
    }

    /// What the funnel needs from the world besides the transport: waiting, randomness, the
    /// date and someone to tell. Tests replace them, so no test waits for a backoff or a
    /// deadline on the real clock.
    public struct Hooks: Sendable {
        /// Waits between attempts; throws `CancellationError` when the task is cancelled.
        public var sleep: @Sendable (Duration) async throws -> Void
        /// Returns once an exchange's deadline (its argument, from now) has passed.
        public var deadline: @Sendable (Duration) async throws -> Void {
            didSet { deadlineIsTheClock = false }
        }
        /// Whether `deadline` is the real clock, which a transport that bounds the whole
        /// exchange itself already keeps (then no timer is raced against each request).
        private(set) var deadlineIsTheClock: Bool
        /// A number in 0..<1 for the backoff's jitter.
        public var jitter: @Sendable () -> Double
        /// The current date, for `Retry-After` dates.
        public var now: @Sendable () -> Date
        /// Receives retries and interrupted writes (for `-v` and warnings).
        public var observe: @Sendable (Event) -> Void

        /// Creates hooks; every argument defaults to the real thing.
        public init(
            sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
            deadline: (@Sendable (Duration) async throws -> Void)? = nil,
            jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
            now: @escaping @Sendable () -> Date = { Date() },
            observe: @escaping @Sendable (Event) -> Void = { _ in }
        ) {
            self.sleep = sleep
            self.deadline = deadline ?? { try await Task.sleep(for: $0) }
            self.deadlineIsTheClock = deadline == nil
            self.jitter = jitter
            self.now = now
            self.observe = observe
        }

        /// The real clock, real randomness and no observer.
        public static let standard = Hooks()
    }
}

// MARK: - Sending with retries and a deadline

extension GrafanaClient {
    /// Sends `request`, again after each transient failure the policy allows, each attempt
    /// under the whole-exchange deadline. Returns the last response, whatever its status;
    /// throws the last failure.
    func sendRetrying(_ request: TransportRequest, call: GrafanaError.Call) async throws -> TransportResponse {
        let policy = configuration.retry
        let retries = request.method.isIdempotent ? max(0, policy.maxRetries) : 0
        var attempt = 1
        while true {
            let reason: String
            let wait: Duration
            do {
                let response = try await sendOnce(request)
                guard attempt <= retries, RetryPolicy.retryableStatuses.contains(response.status),
                    let delay = policy.delay(
                        beforeRetry: attempt,
                        retryAfter: response.header("Retry-After"),
                        now: hooks.now(),
                        jitter: hooks.jitter()
                    )
                else {
                    // Out of retries, not a transient status, or the server asked for a longer
                    // pause than gfs waits: the answer is reported as it is.
                    return response
                }
                reason = HTTPStatusText.line(response.status)
                wait = delay
            } catch let failure as ConnectionFailure where attempt <= retries && failure.isDropped {
                reason = failure.cause
                wait =
                    policy.delay(beforeRetry: attempt, retryAfter: nil, now: hooks.now(), jitter: hooks.jitter())
                    ?? policy.maxDelay
            }
            hooks.observe(
                .retrying(Retry(call: call, attempt: attempt, attempts: retries + 1, reason: reason, wait: wait))
            )
            try await hooks.sleep(wait)
            attempt += 1
        }
    }

    /// One exchange, raced against its deadline: the transport's own timeouts stop at the
    /// response head, so a body that trickles in would otherwise have no bound.
    func sendOnce(_ request: TransportRequest) async throws -> TransportResponse {
        let transport = self.transport
        // A transport that keeps the total timeout itself, up to the last byte, needs no race:
        // the race costs two child tasks and a timer per request.
        if hooks.deadlineIsTheClock, transport.boundsWholeExchange(request) {
            return try await transport.send(request)
        }
        let deadline = hooks.deadline
        let limit = request.timeouts.total
        return try await withThrowingTaskGroup(of: TransportResponse?.self) { group in
            group.addTask { try await transport.send(request) }
            group.addTask {
                try await deadline(limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                try Task.checkCancellation()
                throw ConnectionFailure(
                    kind: .timeout,
                    cause: "no complete answer within \(Retry.spoken(limit))",
                    stage: .awaitingResponse
                )
            }
            return response
        }
    }
}
