import Foundation
import GrafanaAPI
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// `gfs sandbox` as people start it: prints its URL, serves real requests, stops cleanly on
/// SIGINT and SIGTERM, and with `--state` keeps everything across a restart.
@Suite(.serialized) struct SandboxCommandTests {
    /// How long a start or a stop may take before the test gives up: a guard against a hang
    /// on a loaded machine, never a measurement.
    static let hangGuard: Duration = .seconds(120)

    /// A running `gfs sandbox` process and the URL it printed.
    struct Served {
        let process: Process
        let url: String

        /// Sends `signal` and waits for the process to end; returns its exit status.
        func stop(with signal: Int32) async throws -> Int32 {
            kill(process.processIdentifier, signal)
            let deadline = ContinuousClock.now + SandboxCommandTests.hangGuard
            while process.isRunning {
                guard ContinuousClock.now < deadline else {
                    process.terminate()
                    Issue.record("gfs sandbox did not stop within \(SandboxCommandTests.hangGuard) of signal \(signal)")
                    return -1
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return process.terminationStatus
        }
    }

    static func serve(_ arguments: [String], environment: [String: String] = [:]) async throws -> Served {
        let binary =
            ProcessInfo.processInfo.environment["GFS_BINARY"]
            ?? GFSBinaryTests.packageRoot.appendingPathComponent(".build/debug/gfs").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["sandbox", "--port", "0"] + arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()

        // The first line on stdout is the URL, printed once the port is bound.
        var buffer = Data()
        let deadline = ContinuousClock.now + hangGuard
        while !buffer.contains(UInt8(ascii: "\n")) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                process.terminate()
                throw SandboxDidNotStart(output: String(decoding: buffer, as: UTF8.self))
            }
            buffer.append(output.fileHandleForReading.availableData)
        }
        let firstLine = String(decoding: buffer, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .first
        return Served(process: process, url: String(try #require(firstLine)))
    }

    struct SandboxDidNotStart: Error { var output: String }

    @Test func servesUntilInterruptedAndKeepsItsStateAcrossARestart() async throws {
        let stateFile = NSTemporaryDirectory() + "gfs-sandbox-state-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: stateFile) }

        let first = try await Self.serve(["--state", stateFile, "--grafana-version", "9.5.0"])
        #expect(first.url.hasPrefix("http://127.0.0.1:"))
        let client = GFSBinaryTests.admin(first.url)
        #expect(try await client.serverVersion()?.description == "9.5.0")
        let created = try await client.createOrg(name: "apiorg").get()
        #expect(try await first.stop(with: SIGINT) == 0)

        let second = try await Self.serve(["--state", stateFile])
        let orgs = try await GFSBinaryTests.admin(second.url).orgs()
        #expect(orgs.contains { $0.name == "apiorg" && $0.id == created.orgId })
        #expect(try await second.stop(with: SIGTERM) == 0)
    }

    @Test func refusesABadVersionAsAUsageError() async throws {
        let result = try await GFSBinaryTests.gfs(["sandbox", "--grafana-version", "eleven"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--grafana-version expects a version such as 11.4.0"))
    }

    /// Whether `gfs` signs in to `url` as admin with `password`.
    private static func signsIn(_ url: String, password: String) async throws -> Bool {
        let run = try await GFSBinaryTests.gfs(
            ["--url", url, "--user", "admin", "--password-env", "GFS_TEST_PASSWORD", "-c", "org list"],
            environment: ["GFS_TEST_PASSWORD": password]
        )
        return run.status == 0
    }

    @Test func theAdminPasswordComesFromAVariableOrAFile() async throws {
        let fromVariable = try await Self.serve(
            ["--admin-password-env", "SANDBOX_TEST_ADMIN"],
            environment: ["SANDBOX_TEST_ADMIN": "from-the-environment"]
        )
        #expect(try await Self.signsIn(fromVariable.url, password: "from-the-environment"))
        #expect(try await Self.signsIn(fromVariable.url, password: "admin") == false)
        #expect(try await fromVariable.stop(with: SIGTERM) == 0)

        let file = NSTemporaryDirectory() + "gfs-sandbox-password-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "from-a-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try await Self.serve(["--admin-password-file", file])
        #expect(try await Self.signsIn(fromFile.url, password: "from-a-file"))
        #expect(try await fromFile.stop(with: SIGTERM) == 0)
    }

    @Test func anEmptyAdminPasswordIsRefused() async throws {
        let empty = try await GFSBinaryTests.gfs(
            ["sandbox", "--port", "0", "--admin-password-env", "SANDBOX_TEST_ADMIN"],
            environment: ["SANDBOX_TEST_ADMIN": ""]
        )
        #expect(empty.status == 64)
        #expect(empty.standardError.contains("The administrator's password is empty"))
        let twice = try await GFSBinaryTests.gfs(["sandbox", "--admin-password", "a", "--admin-password-env", "B"])
        #expect(twice.status == 64)
        #expect(twice.standardError.contains("Give the administrator's password once"))
    }

    @Test func aMalformedFaultOrBodyLimitIsAUsageError() async throws {
        let fault = try await GFSBinaryTests.gfs(["sandbox", "--fault", "GET /api/org=boom"])
        #expect(fault.status == 64)
        #expect(fault.standardError.contains("--fault expected 'METHOD /path=ACTION'"))
        let size = try await GFSBinaryTests.gfs(["sandbox", "--max-body", "lots"])
        #expect(size.status == 64)
        #expect(size.standardError.contains("--max-body expects a size in bytes"))
    }

    @Test func faultsAndTheBodyLimitApplyToTheServedSandbox() async throws {
        let served = try await Self.serve(["--fault", "GET /api/health=503x1", "--max-body", "1K"])
        let health = URL(string: served.url + "/api/health")!
        let (_, first) = try await URLSession.shared.data(from: health)
        #expect((first as? HTTPURLResponse)?.statusCode == 503)
        let (_, second) = try await URLSession.shared.data(from: health)
        #expect((second as? HTTPURLResponse)?.statusCode == 200)

        var request = URLRequest(url: URL(string: served.url + "/api/dashboards/db")!)
        request.httpMethod = "POST"
        request.httpBody = Data(repeating: UInt8(ascii: " "), count: 2048)
        let (body, refused) = try await URLSession.shared.data(for: request)
        #expect((refused as? HTTPURLResponse)?.statusCode == 413)
        #expect(String(decoding: body, as: UTF8.self).contains(#""limit":1024"#))
        #expect(try await served.stop(with: SIGTERM) == 0)
    }
}
