public import Foundation
public import GFSLanguage
public import GrafanaAPI

/// The audit trail of `gfs --log FILE`: one NDJSON record per top-level statement, appended
/// when the statement has run.
///
/// A record holds the time, the script and `line:col`, the statement with its secrets
/// redacted, the server, org and identity it ran as, each HTTP request it sent (method,
/// path, status, duration in milliseconds, retries), the outcome and the error code:
///
/// ```
/// {"time":"2026-11-30T22:00:00.000Z","pid":4242,"script":"deploy.gfs","line":3,"column":1,
///  "command":"org create apiorg","server":"http://localhost:3000","org":{"id":1,"name":null},
///  "identity":{"auth":"basic","name":"admin"},"requests":[{"method":"POST","path":"/api/orgs",
///  "status":200,"durationMs":4,"retries":0}],"outcome":"success","code":null}
/// ```
///
/// The file is opened with `O_APPEND` and each record is written by one `write(2)` of the
/// whole line, so records from two gfs processes sharing a log never interleave inside a line.
/// Requests are seen through ``AuditTransport``, which wraps the host's transport.
public final class AuditLog: StatementObserver, @unchecked Sendable {
    /// What a statement's text becomes in the log: `text` with secrets replaced, whether any
    /// were, or `nil` when it cannot be shown safely at all.
    public typealias Redaction = @Sendable (_ text: String, _ secrets: Set<String>) -> (text: String?, redacted: Bool)

    /// Why the log cannot be opened or written.
    public struct Failure: Error, Sendable {
        public var message: String
        public var hint: String
    }

    private let descriptor: Int32
    private let now: @Sendable () -> Date
    private let redact: Redaction
    private let processID: Int32
    private let lock = NSLock()
    // Guarded by `lock`.
    private var host: GrafanaShellHost?
    private var requests: [Value] = []
    private var lastRequestRetryable = false
    private var recording = false
    private var started: (context: GrafanaContext, dryRun: Bool)?
    private var writeFailure: String?

    /// Opens (creating it, mode 0600) the log at `path` for appending.
    ///
    /// - Parameters:
    ///   - now: the clock that stamps records; tests inject a fixed one.
    ///   - redact: hides secrets in a statement's text (the history's policy).
    public init(
        path: String,
        now: @escaping @Sendable () -> Date = { Date() },
        processID: Int32 = ProcessInfo.processInfo.processIdentifier,
        redact: @escaping Redaction
    ) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Failure(
                message: "Cannot open the log \(path): \(String(cString: strerror(errno)))",
                hint: "Give --log a file in a directory you can write to."
            )
        }
        self.descriptor = descriptor
        self.now = now
        self.redact = redact
        self.processID = processID
    }

    deinit { close(descriptor) }

    /// The host whose connection (server, org, identity) and known secrets each record names.
    public func attach(_ host: GrafanaShellHost) {
        lock.withLock { self.host = host }
    }

    /// The first failed write, if any: the run carries on, and the caller warns once.
    public var failure: String? { lock.withLock { writeFailure } }

    /// The transport to give the host: `inner`, with each request noted in the log.
    public func transport(wrapping inner: any HTTPTransport = StandardTransport.shared) -> AuditTransport {
        AuditTransport(inner: inner, log: self)
    }

    // MARK: StatementObserver

    public func statementWillRun(_ statement: RunStatement) async {
        lock.withLock {
            requests = []
            lastRequestRetryable = false
            recording = true
            started = host.map { ($0.context, $0.options.dryRun) }
        }
    }

    public func statementDidRun(_ statement: RunStatement, outcome: RunOutcome) async {
        let (record, secrets) = lock.withLock { () -> (Record, Set<String>) in
            recording = false
            var record = Record()
            record["time"] = .string(Self.timestamp(now()))
            record["pid"] = .int(Int(processID))
            record["script"] = .string(statement.sourceName)
            record["line"] = .int(statement.line)
            record["column"] = .int(statement.column)
            if let (context, dryRun) = started {
                record["server"] = .string(context.url.absoluteString)
                record["org"] =
                    context.org.map { .record(["id": .int(Int($0.id)), "name": $0.name.map(Value.string) ?? .null]) }
                    ?? .null
                record["identity"] = .record([
                    "auth": .string(context.authentication.kind), "name": context.principal.map(Value.string) ?? .null,
                ])
                if dryRun { record["dryRun"] = .bool(true) }
            }
            record["requests"] = .list(requests)
            return (record, host?.knownSecrets ?? [])
        }
        var line = record
        let shown = redact(statement.text, secrets)
        line["command"] = shown.text.map(Value.string) ?? .null
        if shown.redacted { line["redacted"] = .bool(true) }
        switch outcome.status {
        case .success: line["outcome"] = "success"
        case .invalid: line["outcome"] = "invalid"
        case .failed: line["outcome"] = "failed"
        case .interrupted: line["outcome"] = "interrupted"
        case .exited(let code):
            line["outcome"] = "exited"
            line["exitStatus"] = .int(Int(code))
        }
        line["code"] = outcome.diagnostics.first.map { .string($0.code.name) } ?? .null
        append(Value.record(line).compactJSON + "\n")
    }

    // MARK: Requests

    /// Notes one attempt. An attempt at the same method and path right after a transient
    /// failure is the funnel's retry of it, counted on the first attempt's entry.
    func noteRequest(
        method: String,
        path: String,
        status: Int?,
        error: String?,
        duration: Duration,
        retryable: Bool
    ) {
        let milliseconds = Int(
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        )
        lock.withLock {
            guard recording else { return }
            if lastRequestRetryable, case .record(var last)? = requests.last, last["method"] == .string(method),
                last["path"] == .string(path), case .int(let retries)? = last["retries"],
                case .int(let spent)? = last["durationMs"]
            {
                last["retries"] = .int(retries + 1)
                last["durationMs"] = .int(spent + milliseconds)
                last["status"] = status.map(Value.int) ?? .null
                last["error"] = error.map(Value.string) ?? .null
                requests[requests.count - 1] = .record(last)
            } else {
                requests.append(
                    .record([
                        "method": .string(method), "path": .string(path), "status": status.map(Value.int) ?? .null,
                        "error": error.map(Value.string) ?? .null, "durationMs": .int(milliseconds), "retries": 0,
                    ])
                )
            }
            lastRequestRetryable = retryable
        }
    }

    /// Writes one whole line with one `write(2)`: with `O_APPEND` the kernel places it at the
    /// end in one piece, whoever else appends to the file.
    private func append(_ line: String) {
        var bytes = Array(line.utf8)
        let written = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written != bytes.count {
            let reason = written < 0 ? String(cString: strerror(errno)) : "short write"
            let isFirst = lock.withLock {
                defer { if writeFailure == nil { writeFailure = reason } }
                return writeFailure == nil
            }
            if isFirst {
                Console.standard.write("gfs: warning: cannot write the audit log: \(reason)\n", to: .standardError)
            }
        }
        bytes.removeAll()
    }

    /// RFC 3339 in UTC with milliseconds: `2026-11-30T22:00:00.000Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

extension GrafanaShellHost {
    /// The audit log this host's requests are noted in (`--log`), if any.
    public var auditLog: AuditLog? { (transport as? AuditTransport)?.log }
}

/// A transport that tells an ``AuditLog`` about each request it sends.
public struct AuditTransport: HTTPTransport {
    let inner: any HTTPTransport
    let log: AuditLog

    /// The statuses after which the client's funnel sends an idempotent request again.
    static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    /// The inner transport's event loop: noting a request only appends to the log's list
    /// under its lock, so a logged push still sends from the loop instead of a thread each.
    public var taskExecutor: (any TaskExecutor)? { inner.taskExecutor }

    /// The inner transport's answer: the log adds no wait of its own to an exchange.
    public func boundsWholeExchange(_ request: TransportRequest) -> Bool { inner.boundsWholeExchange(request) }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let response = try await inner.send(request)
            log.noteRequest(
                method: request.method.rawValue,
                path: request.path,
                status: response.status,
                error: nil,
                duration: clock.now - started,
                retryable: request.method.isIdempotent && Self.retryableStatuses.contains(response.status)
            )
            return response
        } catch {
            let dropped = (error as? ConnectionFailure)?.isDropped ?? false
            log.noteRequest(
                method: request.method.rawValue,
                path: request.path,
                status: nil,
                error: (error as? ConnectionFailure)?.cause ?? (error is CancellationError ? "cancelled" : "\(error)"),
                duration: clock.now - started,
                retryable: request.method.isIdempotent && dropped
            )
            throw error
        }
    }
}
