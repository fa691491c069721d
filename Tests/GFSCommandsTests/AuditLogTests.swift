import Foundation
import GFSLanguage
import GrafanaAPI
import GrafanaSandbox
import Testing

@testable import GFSCommands

/// `--log`: one NDJSON record per top-level statement, with its requests, outcome and code,
/// the time from an injected clock; and `gfs replay` turning such a log back into a script.
@Suite struct AuditLogTests {
    static let fixedTime = Date(timeIntervalSince1970: 1_800_000_000)

    /// A harness whose host sends through an audit log at a fresh path; returns the log's path.
    static func loggedHarness() async throws -> (SandboxHarness, AuditLog, String) {
        let path = NSTemporaryDirectory() + "gfs-audit-\(UUID().uuidString).ndjson"
        let log = try AuditLog(path: path, now: { fixedTime }, processID: 42) { text, secrets in
            var shown = text
            for secret in secrets { shown = shown.replacingOccurrences(of: secret, with: "***") }
            return (shown, shown != text)
        }
        let base = try await SandboxHarness.start()
        let host = GrafanaShellHost(
            context: base.host.context,
            options: GrafanaShellHost.Options(environment: [:]),
            sink: base.sink,
            transport: log.transport()
        )
        log.attach(host)
        let interpreter = Interpreter(host: host)
        await interpreter.observeStatements(log)
        let harness = SandboxHarness(
            server: base.server,
            url: base.url,
            sink: base.sink,
            host: host,
            interpreter: interpreter
        )
        return (harness, log, path)
    }

    static func records(at path: String) throws -> [Record] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            guard case .record(let record) = try Array(line.utf8).withUnsafeBufferPointer({ try JSONReader.read($0) })
            else { throw CancellationError() }
            return record
        }
    }

    /// Logging keeps what the inner transport offers the push: its event loop, and its bound
    /// on the whole exchange (so the funnel races no deadline of its own).
    @Test func theLogKeepsTheInnerTransportsEventLoopAndDeadline() throws {
        let path = NSTemporaryDirectory() + "gfs-audit-\(UUID().uuidString).ndjson"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try AuditLog(path: path, now: { Self.fixedTime }, processID: 42) { text, _ in (text, false) }
        let inner = SocketTransport()
        let logged = log.transport(wrapping: inner)
        let executor = try #require(logged.taskExecutor)
        #expect(executor === inner.taskExecutor)
        let request = TransportRequest(method: .get, baseURL: URL(string: "http://127.0.0.1:9")!, path: "/api/orgs")
        #expect(logged.boundsWholeExchange(request))
        let unbounded = log.transport(wrapping: RefusingTransport())
        #expect(unbounded.taskExecutor == nil)
        #expect(!unbounded.boundsWholeExchange(request))
    }

    @Test func eachTopLevelStatementIsOneRecordWithItsRequests() async throws {
        let (harness, _, path) = try await Self.loggedHarness()
        defer { Task { await harness.server.stop() } }
        let outcome = await harness.run(
            """
            org create auditorg
            let names = []
            for name in [a, b] {
              try folder create $name
            }
            org create auditorg
            echo never
            """,
            name: "audit.gfs"
        )
        #expect(outcome.status == .failed)
        let records = try Self.records(at: path)
        try #require(records.count == 4, "\(records)")
        #expect(records.map { $0["line"] } == [1, 2, 3, 6])
        #expect(records.map { $0["outcome"] } == ["success", "success", "success", "failed"])
        #expect(records[3]["code"] == "grafana.conflict")
        #expect(records[0]["time"] == "2027-01-15T08:00:00.000Z")
        #expect(records[0]["pid"] == 42)
        #expect(records[0]["script"] == "audit.gfs")
        #expect(records[0]["column"] == 1)
        #expect(records[0]["command"] == "org create auditorg")
        #expect(records[2]["command"] == "for name in [a, b] {\n  try folder create $name\n}")
        #expect(records[0]["identity"] == ["auth": "basic", "name": "admin"])
        #expect(records[0]["server"] == .string(harness.url))

        guard case .list(let created)? = records[0]["requests"], case .record(let request)? = created.first else {
            Issue.record("no request in \(records[0])")
            return
        }
        #expect(created.count == 1)
        #expect(request["method"] == "POST")
        #expect(request["path"] == "/api/orgs")
        #expect(request["status"] == 200)
        #expect(request["retries"] == 0)
        // Two folder creations inside the loop belong to the loop's record.
        guard case .list(let folders)? = records[2]["requests"] else {
            Issue.record("no requests in \(records[2])")
            return
        }
        let paths: [Value?] = folders.map { request -> Value? in
            guard case .record(let fields) = request else { return nil }
            return fields["path"]
        }
        #expect(paths == [.string("/api/folders"), .string("/api/folders")])
        #expect(records[1]["requests"] == .list([]))
        guard case .list(let failed)? = records[3]["requests"], case .record(let refused)? = failed.first else {
            Issue.record("no request in \(records[3])")
            return
        }
        #expect(refused["status"] == 409)
    }

    @Test func aSecretTheSessionLearntIsRedacted() async throws {
        let (harness, _, path) = try await Self.loggedHarness()
        defer { Task { await harness.server.stop() } }
        expectSuccess(await harness.run("key create auditkey admin"), harness)
        guard case .record(let key)? = await harness.interpreter.variable("key"), case .string(let token)? = key["key"]
        else {
            Issue.record("no token bound")
            return
        }
        expectSuccess(await harness.run("let copy = \"\(token)\""), harness)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(token))
        let records = try Self.records(at: path)
        #expect(records.last?["command"] == "let copy = \"***\"")
        #expect(records.last?["redacted"] == true)
    }

    @Test func twoLogsAppendWholeLinesToOneFile() async throws {
        let path = NSTemporaryDirectory() + "gfs-audit-\(UUID().uuidString).ndjson"
        let redact: AuditLog.Redaction = { text, _ in (text, false) }
        let first = try AuditLog(path: path, processID: 1, redact: redact)
        let second = try AuditLog(path: path, processID: 2, redact: redact)
        let statement = RunStatement(sourceName: "x.gfs", line: 1, column: 1, text: String(repeating: "a", count: 5000))
        await withTaskGroup(of: Void.self) { group in
            for log in [first, second] {
                group.addTask {
                    for _ in 0..<50 {
                        await log.statementWillRun(statement)
                        await log.statementDidRun(statement, outcome: RunOutcome(status: .success))
                    }
                }
            }
        }
        let records = try Self.records(at: path)
        #expect(records.count == 100)
        #expect(records.filter { $0["pid"] == 1 }.count == 50)
    }

    @Test func replayKeepsWhatRanAndCommentsWhatFailed() throws {
        let log = [
            #"{"script":"<line 1>","pid":7,"line":1,"column":1,"command":"org create a","outcome":"success","code":null}"#,
            #"{"script":"<line 2>","pid":7,"line":1,"column":1,"command":"org create a","outcome":"failed","code":"grafana.conflict"}"#,
            #"{"script":"<line 3>","pid":7,"line":1,"column":1,"command":"let t = \"***\"","redacted":true,"outcome":"success","code":null}"#,
            #"{"script":"run.gfs","pid":8,"line":4,"column":1,"command":"if true {\n  echo hi\n}","outcome":"success","code":null}"#,
            #"{"script":"run.gfs","pid":8,"line":7,"column":1,"command":"exit 3","outcome":"exited","exitStatus":3,"code":null}"#,
        ].joined(separator: "\n")
        let script = try AuditReplay.script(fromLog: log, name: "audit.log")
        #expect(
            script.text == """
                # Replayed from audit.log by gfs replay: 3 statements to run, 2 left as comments (failed, interrupted or holding a secret).

                # at the prompt
                org create a
                # failed (grafana.conflict):
                #   org create a
                # holds a redacted secret; fill it in to run it:
                #   let t = "***"

                # from run.gfs (process 8)
                if true {
                  echo hi
                }
                exit 3

                """
        )
        #expect(script.kept == 3)
        #expect(script.commented == 2)
    }

    @Test func replayRefusesALineThatIsNotARecord() {
        #expect(throws: AuditReplay.Failure.self) { try AuditReplay.script(fromLog: "{}\nnot json", name: "x") }
    }
}

/// A transport without an event loop or a bound of its own, whose requests all fail.
private struct RefusingTransport: HTTPTransport {
    func send(_ request: TransportRequest) async throws -> TransportResponse { throw CancellationError() }
}
