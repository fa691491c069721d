import Foundation
import HTTPTestSupport
import Testing

/// The built `gfs` binary against a misbehaving server: `--timeout` bounds a trickled body,
/// `-v` shows retries, and bad values of the new options are usage errors.
@Suite struct FaultBinaryTests {
    static let orgs = #"[{"id":1,"name":"Main Org."},{"id":2,"name":"flaky-org"}]"#

    static func orgList(_ port: Int, _ flags: [String]) async throws -> GFSBinaryTests.Result {
        try await GFSBinaryTests.gfs(
            GFSBinaryTests.connect("http://127.0.0.1:\(port)") + flags + ["-c", "org list"],
            environment: GFSBinaryTests.password
        )
    }

    @Test func theTimeoutBoundsABodyThatTrickles() async throws {
        // 4 KB at one byte every 100 ms would take over six minutes.
        let body = "[" + String(repeating: " ", count: 4000) + #"{"id":1,"name":"Main Org."}]"#
        let server = try await CannedHTTPServer { _, _ in
            .trickle(status: 200, body: body, interval: .milliseconds(100))
        }
        defer { Task { try? await server.close() } }
        let run = try await Self.orgList(server.port, ["--timeout", "1s"])
        #expect(run.status == 1)
        #expect(
            run.standardError.contains("No complete answer from http://127.0.0.1:\(server.port) in time"),
            "\(run.standardError)"
        )
        #expect(run.standardError.contains("--timeout DURATION"), "\(run.standardError)")
        #expect(server.partialBodyBytesSent < body.utf8.count)
    }

    @Test func verboseShowsTheRetry() async throws {
        let server = try await CannedHTTPServer { _, index in
            index == 0
                ? .respond(status: 503, headers: [("Retry-After", "0")], body: #"{"message":"down"}"#)
                : .respond(status: 200, body: Self.orgs)
        }
        defer { Task { try? await server.close() } }
        let run = try await Self.orgList(server.port, ["-v"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("flaky-org"))
        #expect(run.standardError == "gfs: GET /api/orgs: 503 Service Unavailable (attempt 1 of 4); retrying in 0ms\n")
    }

    @Test(arguments: [
        (["--timeout", "soon"], "--timeout expects a number with ms, s, m or h, such as 30s or 2m, not 'soon'."),
        (["--retries", "500"], "--retries expects a number from 0 (no retries) to 100, not 500."),
    ])
    func badValuesAreUsageErrors(flags: [String], message: String) async throws {
        let run = try await GFSBinaryTests.gfs(flags + ["-c", "org list"])
        #expect(run.status == 64)
        #expect(run.standardError.contains(message), "\(run.standardError)")
    }
}
