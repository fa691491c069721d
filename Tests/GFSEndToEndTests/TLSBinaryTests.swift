import Foundation
import HTTPTestSupport
import Testing

/// The built `gfs` binary against an HTTPS server whose certificate a throwaway CA signed:
/// `--cacert` trusts it, no flag refuses it (exit 1, a TLS message), `--insecure` warns and
/// goes ahead.
@Suite(
    .serialized,
    .enabled(if: TestCertificates.isAvailable, "openssl is not installed; run scripts/bootstrap to install it")
)
struct TLSBinaryTests {
    /// Just enough of Grafana for `org list` with basic auth.
    static func answer(_ request: CannedHTTPServer.Recorded) -> (status: Int, body: String)? {
        switch request.uri {
        case "/api/health": (200, #"{"commit":"abc","database":"ok","version":"11.4.0"}"#)
        case "/api/frontend/settings":
            (200, #"{"buildInfo":{"version":"11.4.0","commit":"abc","edition":"Open Source"}}"#)
        case "/api/user":
            (200, #"{"id":1,"login":"admin","email":"admin@localhost","name":"","orgId":1,"isGrafanaAdmin":true}"#)
        case "/api/orgs": (200, #"[{"id":1,"name":"Main Org."},{"id":2,"name":"tls-org"}]"#)
        default: (404, #"{"message":"Not found"}"#)
        }
    }

    func withTLSServer(_ body: (_ url: String, _ caFile: String) async throws -> Void) async throws {
        let certificates = try await TestCertificates.generate()
        defer { certificates.remove() }
        let server = try await CannedHTTPServer(tls: certificates.server, respond: Self.answer)
        defer { Task { try? await server.close() } }
        try await body("https://127.0.0.1:\(server.port)", certificates.caCertificateFile)
    }

    static func gfs(_ url: String, _ flags: [String]) async throws -> GFSBinaryTests.Result {
        try await GFSBinaryTests.gfs(
            GFSBinaryTests.connect(url) + flags + ["-c", "org list"],
            environment: GFSBinaryTests.password
        )
    }

    @Test func theCAFileIsTrusted() async throws {
        try await withTLSServer { url, caFile in
            let run = try await Self.gfs(url, ["--cacert", caFile])
            #expect(run.status == 0, "\(run.standardError)")
            #expect(run.standardOutput.contains("tls-org"))
            #expect(run.standardError.isEmpty)
        }
    }

    @Test func withoutTheCAFileTheCertificateIsRefused() async throws {
        try await withTLSServer { url, _ in
            let run = try await Self.gfs(url, [])
            #expect(run.status == 1)
            #expect(run.standardOutput.isEmpty)
            #expect(run.standardError.contains("Cannot connect to \(url)"), "\(run.standardError)")
            #expect(run.standardError.contains("the server's certificate is not trusted"), "\(run.standardError)")
            #expect(run.standardError.contains("--cacert FILE"), "\(run.standardError)")
            #expect(!run.standardError.contains("admin:admin"))
            #expect(!run.standardError.contains("YWRtaW46YWRtaW4="))
        }
    }

    @Test func insecureWarnsAndConnects() async throws {
        try await withTLSServer { url, _ in
            let run = try await Self.gfs(url, ["--insecure"])
            #expect(run.status == 0, "\(run.standardError)")
            #expect(run.standardOutput.contains("tls-org"))
            #expect(run.standardError == "gfs: warning: TLS certificate verification is off (--insecure)\n")
        }
    }

    @Test func aGarbageCAFileIsReported() async throws {
        try await withTLSServer { url, _ in
            let path = NSTemporaryDirectory() + "gfs-garbage-\(UUID().uuidString).pem"
            try "not a certificate\n".write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let run = try await Self.gfs(url, ["--cacert", path])
            // A connection setting that cannot work: status 2, as for other bad settings.
            #expect(run.status == 2)
            #expect(
                run.standardError.contains("The CA certificate file '\(path)' holds no PEM certificate"),
                "\(run.standardError)"
            )
        }
    }
}
