import Foundation
import GrafanaAPI
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `gfs sandbox` as people start it: prints its URL, serves real requests, stops cleanly on
/// SIGINT and SIGTERM, and with `--state` keeps everything across a restart.
@Suite(.serialized) struct SandboxCommandTests {
    /// A running `gfs sandbox` process and the URL it printed.
    struct Served {
        let process: Process
        let url: String

        /// Sends `signal` and waits for the process to end; returns its exit status.
        func stop(with signal: Int32) async throws -> Int32 {
            kill(process.processIdentifier, signal)
            let deadline = ContinuousClock.now + .seconds(20)
            while process.isRunning {
                guard ContinuousClock.now < deadline else {
                    process.terminate()
                    Issue.record("gfs sandbox did not stop within 20 s of signal \(signal)")
                    return -1
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return process.terminationStatus
        }
    }

    static func serve(_ arguments: [String]) async throws -> Served {
        let binary =
            ProcessInfo.processInfo.environment["GFS_BINARY"]
            ?? GFSBinaryTests.packageRoot.appendingPathComponent(".build/debug/gfs").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["sandbox", "--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()

        // The first line on stdout is the URL, printed once the port is bound.
        var buffer = Data()
        let deadline = ContinuousClock.now + .seconds(30)
        while !buffer.contains(UInt8(ascii: "\n")) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                process.terminate()
                throw SandboxDidNotStart(output: String(decoding: buffer, as: UTF8.self))
            }
            buffer.append(output.fileHandleForReading.availableData)
        }
        let url = String(decoding: buffer, as: UTF8.self).split(separator: "\n")[0]
        return Served(process: process, url: String(url))
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

    @Test func refusesABadVersionAsAUsageError() throws {
        let result = try GFSBinaryTests.gfs(["sandbox", "--grafana-version", "eleven"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--grafana-version expects a version such as 11.4.0"))
    }
}
