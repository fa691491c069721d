import Foundation
import GFSLanguage
import GFSTestSupport
import Testing

/// Runs the built `gfs` binary and checks its exit status, standard output and standard
/// error (after swift-argument-parser's `AssertExecuteCommand`).
@Suite struct BatchModeTests {
    @Test func runsCommandsGivenWithDashC() throws {
        let result = try GFSProcess.run(["-c", "echo hello; echo \"${1 + 2}\""])
        #expect(result.status == 0)
        #expect(result.standardOutput == "hello\n3\n")
        #expect(result.standardError == "")
    }

    @Test func checkErrorExits65AndRunsNothing() throws {
        let result = try GFSProcess.run(["-c", "echo first\norg craete apiorg"])
        #expect(result.status == 65)
        #expect(result.standardOutput == "")
        #expect(
            result.standardError == """
                <command line>:2:5: error: Unknown subcommand 'craete' for 'org'
                  2 | org craete apiorg
                    |     ^~~~~~
                hint: Did you mean 'create'?

                """
        )
    }

    @Test func syntaxErrorExits65() throws {
        let result = try GFSProcess.run(["-c", "echo \"open"])
        #expect(result.status == 65)
        #expect(result.standardError.hasPrefix("<command line>:1:6: error: Unterminated string"))
    }

    @Test func failedAssertionExits1AfterEarlierOutput() throws {
        let result = try GFSProcess.run(["-c", "echo before; assert 1 == 2 \"numbers differ\""])
        #expect(result.status == 1)
        #expect(result.standardOutput == "before\n")
        #expect(result.standardError.hasPrefix("<command line>:1:21: error: Assertion failed: numbers differ\n"))
    }

    @Test func aFailingCommandExits1AndSaysWhichWithItsLocation() throws {
        // Nothing listens on port 1: the command fails to connect.
        let result = try GFSProcess.run(
            ["-c", "echo first\norg create apiorg\necho never"],
            grafanaURL: "http://127.0.0.1:1"
        )
        #expect(result.status == 1)
        #expect(result.standardOutput == "first\n")
        #expect(result.standardError.hasPrefix("<command line>:2:1: error: "))
        #expect(result.standardError.contains("127.0.0.1:1"))
        #expect(result.standardError.contains("  2 | org create apiorg\n"))
    }

    @Test func tryToleratesTheFailure() throws {
        let result = try GFSProcess.run(
            ["-c", "try org create apiorg; echo $error.command"],
            grafanaURL: "http://127.0.0.1:1"
        )
        #expect(result.status == 0)
        #expect(result.standardOutput == "org create\n")
    }

    @Test func exitCodeOfTheScript() throws {
        let result = try GFSProcess.run(["-c", "exit 7"])
        #expect(result.status == 7)
    }

    @Test func checkOnlyChecksAndRunsNothing() throws {
        // Nothing listens on port 1: a command that ran would fail.
        let good = try GFSProcess.run(
            ["--check", "-c", "echo hi; org create apiorg"],
            grafanaURL: "http://127.0.0.1:1"
        )
        #expect(good.status == 0)
        #expect(good.standardOutput == "")
        #expect(good.standardError == "")

        let bad = try GFSProcess.run(["--check", "-c", "echo hi; echo $missing"])
        #expect(bad.status == 65)
        #expect(bad.standardOutput == "")
        #expect(bad.standardError.hasPrefix("<command line>:1:15: error: Undefined variable '$missing'\n"))
    }

    @Test func anErrorInASourcedFileStopsTheScriptBeforeAnythingRuns() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gfs-source-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("main.gfs").path
        try "echo first\nsource lib.gfs\n".write(toFile: script, atomically: true, encoding: .utf8)
        try "echo ok\ndashbord list\n".write(
            toFile: directory.appendingPathComponent("lib.gfs").path,
            atomically: true,
            encoding: .utf8
        )
        let result = try GFSProcess.run([script])
        #expect(result.status == 65)
        #expect(result.standardOutput == "")
        #expect(
            result.standardError == """
                \(directory.path)/lib.gfs:2:1: error: Unknown command 'dashbord'
                  2 | dashbord list
                    | ^~~~~~~~
                hint: Did you mean 'dashboard'?

                """
        )
    }

    @Test func readsTheScriptFromStandardInput() throws {
        let dash = try GFSProcess.run(["-"], input: "echo from stdin\n")
        #expect(dash.status == 0)
        #expect(dash.standardOutput == "from stdin\n")

        let piped = try GFSProcess.run([], input: "let n = 2\necho ($n + 2)\n")
        #expect(piped.status == 0)
        #expect(piped.standardOutput == "4\n")
    }

    @Test func passesVariablesAndArgumentsToTheScript() throws {
        let result = try GFSProcess.run(["-c", "echo $env $args $1", "--var", "env=prod", "a", "b"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "prod [\"a\",\"b\"] a\n")
    }

    @Test func showsResultsAsJSONOnRequest() throws {
        let text = try GFSProcess.run(["-c", "{id: 2, name: \"apiorg\"}\n[{id: 1, name: main}, {id: 2, name: apiorg}]"])
        // A blank line between results in text, so blocks and tables do not run together.
        #expect(text.standardOutput == "id    2\nname  apiorg\n\nID  NAME\n1   main\n2   apiorg\n")
        // JSON stays one document per line, with nothing between them.
        let json = try GFSProcess.run(["--output", "json", "-c", "{id: 2, name: \"apiorg\"}\n[1, 2]"])
        #expect(json.standardOutput == "{\"id\":2,\"name\":\"apiorg\"}\n[1,2]\n")
    }

    @Test(arguments: [
        ["--var", "novalue", "-c", "echo"],
        ["no-such-script.gfs"],
        ["--output", "xml", "-c", "echo"],
        ["--no-such-flag"],
    ])
    func usageErrorsExit64(arguments: [String]) throws {
        let result = try GFSProcess.run(arguments)
        #expect(result.status == 64)
        #expect(result.standardOutput == "")
        #expect(!result.standardError.isEmpty)
    }

    @Test func controlCInterruptsWithStatus130() throws {
        let list = "[" + (1...100).map(String.init).joined(separator: ", ") + "]"
        let script =
            "echo started\nlet l = \(list)\nfor a in $l { for b in $l { for c in $l { for d in $l { let x = $d } } } }"
        let result = try GFSProcess.run(["-c", script], interruptAfter: .milliseconds(500))
        #expect(result.status == 130)
        #expect(result.standardOutput == "started\n")
        #expect(result.standardError == "gfs: interrupted\n")
    }

    @Test func helpListsTheRealCommands() throws {
        let list = try GFSProcess.run(["-c", "help"])
        #expect(list.status == 0)
        assertGolden(list.standardOutput, named: "help")
        let push = try GFSProcess.run(["-c", "dashboard push --help"])
        assertGolden(push.standardOutput, named: "help-dashboard-push")
        let connect = try GFSProcess.run(["-c", "help connect"])
        assertGolden(connect.standardOutput, named: "help-connect")
        // A command that starts a longer one does not hide it.
        let useOrg = try GFSProcess.run(["-c", "help use org"])
        #expect(useOrg.status == 0)
        #expect(useOrg.standardOutput.hasPrefix("Usage: use org NAME [--switch]\n"))
    }

    @Test func noColourWhenNotOnATerminal() throws {
        let result = try GFSProcess.run(["-c", "dashbord list"])
        #expect(!result.standardError.contains("\u{1B}["))
    }
}

/// The language's test scripts that call no command, run through the binary: same standard
/// output, same exit status, and each expected diagnostic on standard error.
@Suite struct ScriptsThroughTheBinaryTests {
    static let scriptsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("GFSLanguageTests/Scripts")

    static let scriptNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: scriptsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".gfs") }.sorted()
    }()

    @Test func thereAreScriptsToRun() async throws {
        #expect(Self.scriptNames.count >= 40)
        var eligible = 0
        for name in Self.scriptNames where try await Self.runsWithoutServer(name) { eligible += 1 }
        #expect(eligible >= 30, "only \(eligible) scripts run through the binary")
    }

    /// Scripts that call commands need a server; scripts that show strings print them
    /// differently in the recording host (raw) and in `--output json` (quoted).
    static func runsWithoutServer(_ name: String) async throws -> Bool {
        let recorded = try await ScriptRun.run(scriptAt: scriptsDirectory.appendingPathComponent(name).path)
        let showsStrings = recorded.host.displayed.contains { if case .string = $0 { true } else { false } }
        return recorded.host.calls.isEmpty && !showsStrings && recorded.mismatches.isEmpty
    }

    @Test(arguments: scriptNames)
    func scriptBehavesTheSameThroughTheBinary(name: String) async throws {
        let path = Self.scriptsDirectory.appendingPathComponent(name).path
        guard try await Self.runsWithoutServer(name) else { return }
        let recorded = try await ScriptRun.run(scriptAt: path)

        let expectations = recorded.expectations
        var arguments = ["--output", "json"]
        for variable in expectations.variables { arguments += ["--var", "\(variable.name)=\(variable.value)"] }
        arguments.append(name)
        arguments += expectations.arguments
        let result = try GFSProcess.run(arguments, directory: Self.scriptsDirectory)

        #expect(result.status == recorded.outcome.exitStatus, "\(name): \(result.standardError)")
        #expect(result.standardOutput == recorded.host.standardOutput, "\(name)")
        for error in expectations.errors {
            // `3:5: message` in the script itself, `lib/x.gfs:2:1: message` in another file.
            let located = error.first?.isNumber == true ? "\(name):\(error)" : error
            let colon = located.range(of: ": ")!
            let expected = located[..<colon.lowerBound] + ": error: " + located[colon.upperBound...]
            #expect(result.standardError.contains(expected), "\(name): \(result.standardError)")
        }
    }
}

/// The built `gfs` binary, run as a child process.
enum GFSProcess {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// `GFS_BINARY` if set, else `.build/debug/gfs` in the package.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["GFS_BINARY"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/gfs")
    }()

    /// Runs the binary to completion; `interruptAfter` sends it SIGINT after that long (and
    /// SIGTERM ten seconds later, so a binary that ignores SIGINT fails instead of hanging).
    static func run(
        _ arguments: [String],
        input: String = "",
        directory: URL? = nil,
        grafanaURL: String = "http://127.0.0.1:1",
        interruptAfter delay: Duration? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        // No developer's Grafana settings or config file leak into the tests.
        for name in ["GRAFANA_URL", "GRAFANA_USER", "GRAFANA_PASSWORD", "GRAFANA_TOKEN", "GRAFANA_ORG_ID"] {
            environment[name] = nil
        }
        environment["GRAFANA_URL"] = grafanaURL
        environment["XDG_CONFIG_HOME"] =
            FileManager.default.temporaryDirectory.appendingPathComponent("gfs-cli-tests-no-config").path
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        if let delay {
            // Signal through the Process object, which only signals its own child while it
            // runs, never a process that reused the id.
            nonisolated(unsafe) let child = process
            let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { if child.isRunning { child.interrupt() } }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds + 10) {
                if child.isRunning { child.terminate() }
            }
        }
        // Read both pipes before waiting, so a full pipe cannot block the child.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let error = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: error, as: UTF8.self)
        )
    }
}
