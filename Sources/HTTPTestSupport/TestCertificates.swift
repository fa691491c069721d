import Foundation

/// A server certificate and its private key, as PEM files.
public struct TLSIdentity: Sendable {
    /// The server certificate (PEM).
    public var certificateFile: String
    /// The server's private key (PEM, unencrypted).
    public var privateKeyFile: String

    public init(certificateFile: String, privateKeyFile: String) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
    }
}

/// A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and
/// localhost, generated with the `openssl` command into a fresh temporary directory.
///
/// Generated at test time rather than checked in, so no private key lives in the repository
/// and nothing expires. Tests that need one are skipped where `openssl` is missing
/// (``isAvailable``); `scripts/bootstrap` installs it.
public struct TestCertificates: Sendable {
    /// The directory holding every generated file.
    public let directory: String
    /// The CA certificate, the file to pass to `--cacert`.
    public var caCertificateFile: String { directory + "/ca.pem" }
    /// The server's certificate and key, signed by the CA.
    public var server: TLSIdentity {
        TLSIdentity(certificateFile: directory + "/server.pem", privateKeyFile: directory + "/server.key")
    }

    /// Where `openssl` is, if anywhere on the usual paths.
    public static let opensslPath: String? = [
        "/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl",
    ]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether certificates can be generated here.
    public static var isAvailable: Bool { opensslPath != nil }

    /// Why generation failed: the `openssl` step and what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Generates a CA (P-256, valid for two days) and a server certificate for 127.0.0.1 and
    /// localhost signed by it.
    public static func generate() async throws -> TestCertificates {
        guard let openssl = opensslPath else {
            throw Failure(description: "openssl is not installed; run scripts/bootstrap")
        }
        let directory = NSTemporaryDirectory() + "gfs-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        try """
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth
        subjectAltName = IP:127.0.0.1, DNS:localhost
        """.write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await run(
            openssl,
            ["req", "-x509"] + ec + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=gfs test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            in: directory
        )
        try await run(
            openssl,
            ["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            in: directory
        )
        try await run(
            openssl,
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
            ],
            in: directory
        )
        return certificates
    }

    /// Deletes the generated files.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs one openssl step without blocking a thread of the concurrency pool: tests run in
    /// parallel on few threads, and a blocked one stalls timing-sensitive tests elsewhere.
    private static func run(_ tool: String, _ arguments: [String], in directory: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        // stderr to a file, read once the process is gone, so no pipe read blocks either.
        let log = directory + "/openssl.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            let message = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure(description: "openssl \(arguments.first ?? "") failed (\(status)): \(message)")
        }
    }
}
