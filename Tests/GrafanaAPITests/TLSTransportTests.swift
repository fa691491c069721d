import Foundation
import HTTPTestSupport
import Testing

@testable import GrafanaAPI

/// The real transport against an HTTPS server whose certificate a throwaway CA signed, both
/// made with openssl at test time: verification is on by default, `--cacert` trusts the CA,
/// `--insecure` skips the check, and a bad CA file is a configuration error.
@Suite(.enabled(if: TestCertificates.isAvailable, "openssl is not installed; run scripts/bootstrap to install it"))
struct TLSTransportTests {
    static let health = #"{"commit":"abc","database":"ok","version":"11.4.0"}"#

    /// Runs `body` against an HTTPS server for fresh certificates, then cleans both up.
    func withTLSServer(_ body: (CannedHTTPServer, TestCertificates) async throws -> Void) async throws {
        let certificates = try await TestCertificates.generate()
        defer { certificates.remove() }
        let server = try await CannedHTTPServer(tls: certificates.server) { _ in (200, Self.health) }
        do {
            try await body(server, certificates)
        } catch {
            try await server.close()
            throw error
        }
        try await server.close()
    }

    func client(port: Int, tls: GrafanaClient.TLS, transport: AsyncHTTPClientTransport) -> GrafanaClient {
        GrafanaClient(
            configuration: .init(
                baseURL: URL(string: "https://127.0.0.1:\(port)")!,
                credentials: .basic(user: "admin", password: "tls-secret-password"),
                // The client's generous defaults: a handshake on a loaded machine is slow.
                timeouts: .init(),
                tls: tls
            ),
            transport: transport
        )
    }

    @Test func anUntrustedCertificateIsATLSFailureNamingURLAndCause() async throws {
        try await withTLSServer { server, _ in
            let transport = AsyncHTTPClientTransport()
            defer { Task { try? await transport.shutdown() } }
            let error = await #expect(throws: GrafanaError.self) {
                _ = try await client(port: server.port, tls: .init(), transport: transport).health()
            }
            let url = "https://127.0.0.1:\(server.port)"
            #expect(error?.kind == .tlsFailure)
            #expect(error?.url == url)
            #expect(error?.message == "Cannot connect to \(url)")
            #expect(error?.cause == "TLS: the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED)")
            #expect(error?.hint == "Trust the server's CA with --cacert FILE, or skip verification with --insecure.")
            #expect(
                error?.description
                    == "Check health failed: Cannot connect to \(url) (TLS: the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED), GET /api/health)"
            )
            let everything = [error?.description, error?.hint, error?.cause].compactMap { $0 }.joined()
            #expect(!everything.contains("tls-secret-password"))
            #expect(!everything.contains(Data("admin:tls-secret-password".utf8).base64EncodedString()))
            // The handshake failed, so no request reached the server.
            #expect(server.requests.isEmpty)
        }
    }

    @Test func theCAFileMakesTheCertificateTrusted() async throws {
        try await withTLSServer { server, certificates in
            let transport = AsyncHTTPClientTransport()
            defer { Task { try? await transport.shutdown() } }
            let tls = GrafanaClient.TLS(caCertificateFile: certificates.caCertificateFile)
            let health = try await client(port: server.port, tls: tls, transport: transport).health()
            #expect(health.version == "11.4.0")
            #expect(server.requests.map(\.uri) == ["/api/health"])
        }
    }

    @Test func insecureSkipsVerification() async throws {
        try await withTLSServer { server, _ in
            let transport = AsyncHTTPClientTransport()
            defer { Task { try? await transport.shutdown() } }
            let health = try await client(port: server.port, tls: .init(insecure: true), transport: transport).health()
            #expect(health.version == "11.4.0")
            #expect(server.requests.count == 1)
        }
    }

    /// A CA file that does not hold the server's CA is no better than none.
    @Test func anotherCAIsNotTrusted() async throws {
        let other = try await TestCertificates.generate()
        defer { other.remove() }
        try await withTLSServer { server, _ in
            let transport = AsyncHTTPClientTransport()
            defer { Task { try? await transport.shutdown() } }
            let tls = GrafanaClient.TLS(caCertificateFile: other.caCertificateFile)
            let error = await #expect(throws: GrafanaError.self) {
                _ = try await client(port: server.port, tls: tls, transport: transport).health()
            }
            #expect(error?.kind == .tlsFailure)
        }
    }

    @Test func aGarbageCAFileIsAConfigurationError() async throws {
        let path = NSTemporaryDirectory() + "gfs-garbage-\(UUID().uuidString).pem"
        try "this is not a certificate\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let transport = AsyncHTTPClientTransport()
        defer { Task { try? await transport.shutdown() } }
        // Nothing listens on port 1: the file is refused before any connection is tried.
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await client(port: 1, tls: .init(caCertificateFile: path), transport: transport).health()
        }
        #expect(error?.kind == .invalidConfiguration)
        #expect(error?.message == "The CA certificate file '\(path)' holds no PEM certificate")
        #expect(error?.hint == "Give a file with one or more '-----BEGIN CERTIFICATE-----' blocks.")
    }

    @Test func aMissingCAFileIsAConfigurationError() async throws {
        let transport = AsyncHTTPClientTransport()
        defer { Task { try? await transport.shutdown() } }
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await client(port: 1, tls: .init(caCertificateFile: "/nonexistent/ca.pem"), transport: transport)
                .health()
        }
        #expect(error?.kind == .invalidConfiguration)
        #expect(error?.message == "Cannot read the CA certificate file '/nonexistent/ca.pem'")
        #expect(error?.hint == "Check that the file exists and is readable.")
    }
}
