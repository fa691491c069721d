/// A fault the sandbox injects into the answers of one route, to rehearse a flaky server
/// (`gfs sandbox --fault 'POST /api/dashboards/db=503x2'`).
///
/// Faults are not Grafana behaviour: they stand for what a proxy, a load balancer or an
/// overloaded Grafana does to a client. A fault applies to requests whose method and path
/// match its route (the literal path, or the route pattern such as `/api/dashboards/uid/:uid`;
/// `*` as the method matches any), to the first ``count`` of them, or to all when `nil`.
///
/// ```swift
/// var configuration = SandboxConfiguration(port: 0)
/// configuration.faults = [
///     try SandboxFault(parsing: "GET /api/search=503x2"),        // two 503s, then normal
///     try SandboxFault(parsing: "POST /api/dashboards/db=429 retry-after=1"),
///     SandboxFault(route: "GET /api/org", action: .reset, count: 1),
/// ]
/// ```
public struct SandboxFault: Sendable, Hashable, CustomStringConvertible {
    /// What happens to a matching request.
    public enum Action: Sendable, Hashable {
        /// Answer this status (such as 503 or 429) without running the handler, with a
        /// `{"message": reason}` body and, when given, `Retry-After: seconds`.
        case status(Int, retryAfter: Int? = nil)
        /// Close the connection with a TCP reset before any response; the handler does not run.
        case reset
        /// Run the handler, send the headers (with the full `Content-Length`) and the first half
        /// of the body, then close the connection.
        case closeMidBody
        /// Run the handler and send its body one byte at a time, pausing this long before each
        /// byte after the first.
        case trickle(Duration)
        /// Wait this long, then answer normally.
        case delay(Duration)
    }

    /// `"METHOD /path"`, such as `"GET /api/search"` or `"DELETE /api/dashboards/uid/:uid"`.
    public var route: String
    public var action: Action
    /// How many matching requests get the fault; `nil` for all of them.
    public var count: Int?

    public init(route: String, action: Action, count: Int? = nil) {
        self.route = route
        self.action = action
        self.count = count
    }

    /// Why a fault's text was not understood; ``description`` says what is expected.
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The trickle pause when none is given.
    public static let defaultTricklePause = Duration.seconds(1)

    /// Parses `METHOD /path=ACTION [retry-after=SECONDS] [xCOUNT]`, where ACTION is a status
    /// (`503`), `reset`, `close-mid-body`, `trickle`, `trickle=DURATION` or `delay=DURATION`,
    /// and a count may also end the action (`503x2`). Durations take `ms`, `s` or `m`.
    public init(parsing text: String) throws(ParseError) {
        let usage = ParseError(
            description: """
                expected 'METHOD /path=ACTION' with ACTION a status such as 503 (optionally \
                'retry-after=SECONDS'), reset, close-mid-body, trickle[=DURATION] or delay=DURATION, \
                optionally counted as xN (such as 'GET /api/search=503x2'), not '\(text)'
                """
        )
        guard let equals = text.firstIndex(of: "=") else { throw usage }
        let route = text[..<equals].split(separator: " ", omittingEmptySubsequences: true)
        guard route.count == 2, route[1].hasPrefix("/") else { throw usage }
        var tokens = text[text.index(after: equals)...].split(separator: " ").map(String.init)
        guard !tokens.isEmpty else { throw usage }

        var count: Int?
        func takeCount(_ token: String) -> String? {
            guard let x = token.lastIndex(of: "x"), let number = Int(token[token.index(after: x)...]), number > 0
            else { return nil }
            count = number
            return String(token[..<x])
        }
        if tokens.count > 1, let last = tokens.last, last.hasPrefix("x"), takeCount(last) == "" { tokens.removeLast() }
        var first = tokens.removeFirst()
        if count == nil, Self.action(first) == nil, let stripped = takeCount(first) { first = stripped }
        guard var action = Self.action(first) else { throw usage }
        for option in tokens {
            guard case .status(let status, _) = action, option.hasPrefix("retry-after="),
                let seconds = Int(option.dropFirst("retry-after=".count)), seconds >= 0
            else { throw usage }
            action = .status(status, retryAfter: seconds)
        }
        self.init(route: "\(route[0].uppercased()) \(route[1])", action: action, count: count)
    }

    private static func action(_ text: String) -> Action? {
        if let status = Int(text) { return (100...599).contains(status) ? .status(status) : nil }
        switch text {
        case "reset": return .reset
        case "close-mid-body": return .closeMidBody
        case "trickle": return .trickle(defaultTricklePause)
        default: break
        }
        if text.hasPrefix("trickle="), let pause = parseDuration(String(text.dropFirst("trickle=".count))) {
            return .trickle(pause)
        }
        if text.hasPrefix("delay="), let delay = parseDuration(String(text.dropFirst("delay=".count))) {
            return .delay(delay)
        }
        return nil
    }

    /// `250ms`, `5s`, `1.5s`, `2m`.
    static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        for (suffix, milliseconds) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0, number.isFinite else { return nil }
            return .milliseconds(Int64(number * milliseconds))
        }
        return nil
    }

    public var description: String {
        let actionText: String
        switch action {
        case .status(let status, let retryAfter):
            actionText = "\(status)" + (retryAfter.map { " retry-after=\($0)" } ?? "")
        case .reset: actionText = "reset"
        case .closeMidBody: actionText = "close-mid-body"
        case .trickle(let pause): actionText = "trickle=\(pause)"
        case .delay(let delay): actionText = "delay=\(delay)"
        }
        return "\(route)=\(actionText)" + (count.map { " x\($0)" } ?? "")
    }
}
