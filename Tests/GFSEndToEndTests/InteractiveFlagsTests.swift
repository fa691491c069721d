import Foundation
import Testing

/// The shell's flags through the built binary with standard input not a terminal: `-i`, `-X`,
/// the rc file and the hidden `--sandbox-delay`. (The prompt itself is tested in a real
/// terminal by GFSShellTests.)
@Suite(.serialized) struct InteractiveFlagsTests {
    static func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "gfs-interactive-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/gfs", withIntermediateDirectories: true)
        return directory
    }

    @Test func dashIRunsTheRCFileThenTheScriptThenReadsStandardInput() async throws {
        let directory = try Self.scratch()
        try "let greeting = \"from rc\"\n".write(toFile: directory + "/gfs/rc", atomically: true, encoding: .utf8)
        try "echo \"$greeting, then the script\"\n".write(
            toFile: directory + "/setup.gfs",
            atomically: true,
            encoding: .utf8
        )
        let result = try await GFSBinaryTests.gfs(
            ["--sandbox", "-i", directory + "/setup.gfs"],
            environment: ["XDG_CONFIG_HOME": directory, "GFS_HISTFILE": "/dev/null"]
        )
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "from rc, then the script\n")

        let skipped = try await GFSBinaryTests.gfs(
            ["--sandbox", "-X", "-i", directory + "/setup.gfs"],
            environment: ["XDG_CONFIG_HOME": directory, "GFS_HISTFILE": "/dev/null"]
        )
        #expect(skipped.standardOutput.isEmpty)
        #expect(skipped.standardError.contains("Undefined variable '$greeting'"))
    }

    @Test func theRCFileDoesNotRunInBatchMode() async throws {
        let directory = try Self.scratch()
        try "org create fromrc\n".write(toFile: directory + "/gfs/rc", atomically: true, encoding: .utf8)
        let result = try await GFSBinaryTests.gfs(
            ["--sandbox", "-c", "org list"],
            environment: ["XDG_CONFIG_HOME": directory]
        )
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Main Org."))
        #expect(!result.standardOutput.contains("fromrc"))
    }

    @Test func badShellFlagsAreUsageErrors() async throws {
        let both = try await GFSBinaryTests.gfs(["-i", "a.gfs", "b.gfs"])
        #expect(both.status == 64)
        #expect(both.standardError.contains("Give either -i FILE or a script, not both."))
        let delay = try await GFSBinaryTests.gfs(["--sandbox", "--sandbox-delay", "GET /api/search", "-c", "org list"])
        #expect(delay.status == 64)
        #expect(delay.standardError.contains("--sandbox-delay expects 'METHOD /path=DURATION'"))
    }

    /// The delay is seen as an event (with `-v` the sandbox notes each wait once it is over),
    /// not timed, so a loaded machine cannot make it pass or fail.
    @Test func aSandboxDelaySlowsItsRoute() async throws {
        let result = try await GFSBinaryTests.gfs([
            "--sandbox", "--sandbox-delay", "GET /api/orgs=200ms", "-v", "-c", "org list",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Main Org."))
        let waits = result.standardError.split(separator: "\n").filter { $0.hasPrefix("gfs: sandbox: waited") }
        #expect(waits == ["gfs: sandbox: waited 0.2 seconds before answering"])

        // Without -v the wait happens but says nothing.
        let quiet = try await GFSBinaryTests.gfs([
            "--sandbox", "--sandbox-delay", "GET /api/orgs=200ms", "-c", "org list",
        ])
        #expect(quiet.status == 0, "\(quiet.standardError)")
        #expect(!quiet.standardError.contains("waited"))
    }
}
