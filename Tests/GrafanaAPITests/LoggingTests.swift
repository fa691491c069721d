import Foundation
import Logging
import Testing

@testable import GrafanaAPI

/// The client logs one line per request and never a secret, even at trace level.
@Suite struct LoggingTests {
    final class Capture: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    struct CapturingHandler: LogHandler {
        let capture: Capture
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append("\(event.level) \(event.message) \(event.metadata ?? [:])")
        }
    }

    @Test func logLinesNameTheRequestButNoSecret() async throws {
        let capture = Capture()
        var logger = Logger(label: "test") { _ in CapturingHandler(capture: capture) }
        logger.logLevel = .trace
        let token = "glsa_LOGSECRET0123456789abcdefghijk_01234567"
        let transport = RecordingTransport { request in
            request.path == "/api/orgs"
                ? TransportResponse(status: 409, body: try fixture("org-name-taken.409.json"))
                : TransportResponse(status: 200, body: Data(#"{"id":1,"name":"k","key":"\#(token)"}"#.utf8))
        }
        let recorder = DryRunRecorder()
        for credentials in [GrafanaClient.Credentials.basic(user: "admin", password: "LOGPASSWORD"), .bearer(token)] {
            let client = GrafanaClient(
                configuration: .init(credentials: credentials, orgID: 1),
                transport: transport,
                logger: logger
            )
            _ = try? await client.createOrg(name: "apiorg")
            _ = try await client.createServiceAccountToken(serviceAccountID: 1, name: "k")
            _ = try? await client.with(writePolicy: .capture(recorder)).createServiceAccountToken(
                serviceAccountID: 1,
                name: "k"
            )
        }
        let lines = capture.all
        #expect(lines.contains { $0.contains("POST /api/orgs -> 409") })
        #expect(lines.contains { $0.contains("POST /api/serviceaccounts/1/tokens -> 200") })
        #expect(lines.contains { $0.contains("planned POST /api/serviceaccounts/1/tokens (dry run)") })
        for line in lines {
            #expect(!line.contains("LOGPASSWORD") && !line.contains("LOGSECRET"), "leaked in: \(line)")
            #expect(!line.contains(Data("admin:LOGPASSWORD".utf8).base64EncodedString()))
        }
    }
}
