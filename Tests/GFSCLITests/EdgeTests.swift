import Foundation
import GFSTestSupport
import Testing

/// The command line's edges, through the built binary and a shell: unreadable input (66),
/// lost output (74), scripts from pipes and FIFOs, bytes that are not UTF-8, long lines,
/// refused `--var` names, failures as JSON, the config file and secret files.
@Suite struct EdgeTests {
    @Test(arguments: [
        ("\"$GFS\" - <&-", "Cannot read standard input: Bad file descriptor"),
        ("\"$GFS\" <&-", "Cannot read standard input: Bad file descriptor"),
        ("\"$GFS\" - < .", "Cannot read standard input: Is a directory"),
        ("\"$GFS\" .", "Cannot read script '.': Is a directory"),
        ("\"$GFS\" no-such-script.gfs", "Cannot read script 'no-such-script.gfs': No such file or directory"),
    ])
    func unreadableInputExits66(command: String, message: String) async throws {
        let result = try await Shell.run(command)
        #expect(result.status == 66, "\(result.standardError)")
        #expect(result.standardOutput == "")
        #expect(result.standardError.hasPrefix("gfs: error: \(message)\nhint: "), "\(result.standardError)")
    }

    @Test func unreadableInputAsJSON() async throws {
        let result = try await Shell.run("\"$GFS\" --output json - <&-")
        #expect(result.status == 66)
        let failure = try Shell.jsonLines(result.standardError).first
        #expect(failure?["code"] as? String == "io.unreadable")
        #expect(failure?["message"] as? String == "Cannot read standard input: Bad file descriptor")
    }

    @Test(arguments: [
        "\"$GFS\" -c 'echo hi' > /dev/full",
        "\"$GFS\" --output json -c '{a: 1}' > /dev/full",
        "\"$GFS\" -c 'echo hi' >&-",
    ])
    func aFailedWriteOnStandardOutputExits74(command: String) async throws {
        let result = try await Shell.run(command)
        #expect(result.status == 74, "\(result.standardError)")
        #expect(result.standardError.contains("Cannot write to standard output: "), "\(result.standardError)")
    }

    @Test func aFailedWriteStopsTheScript() async throws {
        let result = try await Shell.run("\"$GFS\" -c 'echo first\nassert false \"never reached\"' > /dev/full")
        #expect(result.status == 74)
        #expect(
            result.standardError == """
                gfs: error: Cannot write to standard output: No space left on device
                hint: The results were lost; the script stopped after the command that produced them.

                """
        )
    }

    @Test func aFailedWriteAsJSON() async throws {
        let result = try await Shell.run("\"$GFS\" --output json -c 'echo hi' > /dev/full")
        let failure = try Shell.jsonLines(result.standardError)
        #expect(failure.count == 1)
        #expect(failure.first?["code"] as? String == "io.write-failed")
    }

    @Test func scriptsFromPipesAndFIFOsAreReadAsStreams() async throws {
        let substituted = try await Shell.run("\"$GFS\" <(echo 'echo from a pipe')")
        #expect(substituted.status == 0, "\(substituted.standardError)")
        #expect(substituted.standardOutput == "from a pipe\n")

        let devStdin = try await Shell.run("echo 'echo via dev stdin' | \"$GFS\" /dev/stdin")
        #expect(devStdin.status == 0, "\(devStdin.standardError)")
        #expect(devStdin.standardOutput == "via dev stdin\n")

        let fifo = try await Shell.run(
            "d=$(mktemp -d) && mkfifo \"$d/script\" && { echo 'echo from a fifo' > \"$d/script\" & } && \"$GFS\" \"$d/script\"; s=$?; rm -r \"$d\"; exit $s"
        )
        #expect(fifo.status == 0, "\(fifo.standardError)")
        #expect(fifo.standardOutput == "from a fifo\n")
    }

    @Test(arguments: [
        (
            "f=$(mktemp) && printf 'echo ok\\necho \\377\\n' > \"$f\" && \"$GFS\" \"$f\" 2>&1 | sed \"s|$f|FILE|\"; rm \"$f\"",
            "FILE"
        ),
        ("printf 'echo ok\\necho \\377\\n' | \"$GFS\" - 2>&1", "<stdin>"),
        ("printf 'echo ok\\necho \\377\\n' | \"$GFS\" 2>&1", "<stdin>"),
        ("\"$GFS\" -c \"$(printf 'echo ok\\necho \\377')\" 2>&1", "<command line>"),
    ])
    func invalidUTF8IsAnErrorWithItsPositionHoweverTheScriptArrives(command: String, name: String) async throws {
        let result = try await Shell.run(command + "; exit ${PIPESTATUS[0]}")
        #expect(
            result.standardOutput.hasPrefix("\(name):2:6: error: Invalid UTF-8 byte 0xFF\n"),
            "\(result.standardOutput)"
        )
        #expect(!result.standardOutput.contains("\nok\n"), "nothing may run")
    }

    @Test func invalidUTF8Exits65() async throws {
        let result = try await Shell.run("printf 'echo \\377' | \"$GFS\" -")
        #expect(result.status == 65)
        #expect(result.standardOutput == "")
    }

    @Test func aLongLineShowsOnlyAWindowAroundTheError() async throws {
        // Arguments are limited to 128 KiB each, so 120,000 characters on one line.
        let filler = String(repeating: "x", count: 60_000)
        let result = try await Shell.binary(["-c", "echo \"\(filler)\\q\(filler)\""])
        #expect(result.status == 65)
        #expect(result.standardError.count < 1000, "\(result.standardError.count) characters")
        #expect(result.standardError.hasPrefix("<command line>:1:60007: error: Invalid escape sequence '\\q'\n"))
    }

    @Test(arguments: [
        (["--var", "args=x"], "$args holds the arguments after the script"),
        (["--var", "1=x"], "$1 is a positional parameter"),
        (["--var", "a b=c"], "'a b' is not a variable name"),
        (["--var", "error=x"], "$error is set by gfs itself"),
        (["--var", "if=x"], "'if' is a keyword"),
    ])
    func varNamesTheScriptCannotUseAreRefused(flags: [String], message: String) async throws {
        let result = try await Shell.binary(flags + ["-c", "echo"])
        #expect(result.status == 64)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }

    @Test func failuresAreOneJSONObjectEachWithOutputJSON() async throws {
        let assertion = try await Shell.binary(["--output", "json", "-c", "echo 1\nassert 1 == 2 \"numbers differ\""])
        #expect(assertion.status == 1)
        #expect(
            assertion.standardError
                == #"{"code":"assertion-failed","message":"Assertion failed: numbers differ","hint":null,"file":"<command line>","line":2,"column":8}"#
                + "\n"
        )

        let check = try await Shell.binary(["--output", "json", "-c", "dashbord list\norg craete x"])
        #expect(check.status == 65)
        let checkFailures = try Shell.jsonLines(check.standardError)
        #expect(checkFailures.map { $0["code"] as? String } == ["unknown-command", "unknown-command"])
        #expect(checkFailures.map { $0["line"] as? Int } == [1, 2])
        #expect(checkFailures.first?["hint"] as? String == "Did you mean 'dashboard'?")

        let refused = try await Shell.binary(["--output", "json", "-c", "org list"], grafanaURL: "http://127.0.0.1:1")
        #expect(refused.status == 1)
        let failure = try #require(try Shell.jsonLines(refused.standardError).first)
        #expect(failure["code"] as? String == "connection.refused")
        #expect(failure["file"] as? String == "<command line>")
        #expect(failure["column"] as? Int == 1)
    }

    @Test func tryExposesTheCodeOfAFailedCommand() async throws {
        let result = try await Shell.binary(["-c", "try org list\necho $error.code"], grafanaURL: "http://127.0.0.1:1")
        #expect(result.status == 0)
        #expect(result.standardOutput == "connection.refused\n")
    }

    @Test func aMalformedConfigFileNamesItsLineAndBlocksOnlyServerCommands() async throws {
        let setup = """
            d=$(mktemp -d) && mkdir -p "$d/gfs" && printf 'current-context: local\\ncontexts:\\n  local: [url\\n' > "$d/gfs/config.yaml" && export XDG_CONFIG_HOME="$d" && unset GRAFANA_URL
            """
        let echo = try await Shell.run(setup + " && \"$GFS\" -c 'echo no server needed'; s=$?; rm -r \"$d\"; exit $s")
        #expect(echo.status == 0, "\(echo.standardError)")
        #expect(echo.standardOutput == "no server needed\n")

        let list = try await Shell.run(setup + " && \"$GFS\" -c 'org list'; s=$?; rm -r \"$d\"; exit $s")
        #expect(list.status == 2, "\(list.standardError)")
        let firstLine = list.standardError.split(separator: "\n").first ?? ""
        #expect(firstLine.hasPrefix("<command line>:1:1: error: Malformed config file "), "\(list.standardError)")
        #expect(firstLine.contains("gfs/config.yaml:4:1: "), "\(list.standardError)")
    }

    @Test(arguments: [("644", true), ("600", false)])
    func aSecretFileOthersCanReadIsWarnedAbout(mode: String, warns: Bool) async throws {
        let result = try await Shell.run(
            """
            f=$(mktemp) && echo secret-password > "$f" && chmod \(mode) "$f" && \
            "$GFS" --user admin --password-file "$f" -c 'echo ran' 2>&1 | sed "s|$f|FILE|"; rm "$f"
            """
        )
        #expect(result.standardOutput.hasSuffix("ran\n"))
        let warning =
            "gfs: warning: The password file FILE is accessible by other users (mode 0\(mode))\n"
            + "hint: Restrict it to yourself with 'chmod 600 FILE'.\n"
        #expect(result.standardOutput.contains(warning) == warns, "\(result.standardOutput)")
        #expect(!result.standardOutput.contains("secret-password"))
    }

    @Test func helpErrorsListsTheCodesAndExitStatuses() async throws {
        let result = try await Shell.binary(["-c", "help errors"])
        #expect(result.status == 0)
        assertGolden(result.standardOutput, named: "help-errors")
    }
}

/// Runs a bash command line with `$GFS` set to the built binary and the environment
/// `GFSProcess` uses; standard input is empty unless the command redirects it.
enum Shell {
    /// Runs `body` on a Dispatch thread: the tests wait on child processes, and blocking the
    /// few threads of Swift's cooperative pool would starve in-process sandboxes of other tests.
    static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// `GFSProcess.run`, off the cooperative pool.
    static func binary(_ arguments: [String], grafanaURL: String = "http://127.0.0.1:1") async throws
        -> GFSProcess.Result
    {
        try await offThePool { try GFSProcess.run(arguments, grafanaURL: grafanaURL) }
    }

    /// Runs a bash command line, off the cooperative pool.
    static func run(_ command: String) async throws -> GFSProcess.Result {
        try await offThePool { try runBlocking(command) }
    }

    static func runBlocking(_ command: String) throws -> GFSProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        for name in ["GRAFANA_URL", "GRAFANA_USER", "GRAFANA_PASSWORD", "GRAFANA_TOKEN", "GRAFANA_ORG_ID"] {
            environment[name] = nil
        }
        environment["GRAFANA_URL"] = "http://127.0.0.1:1"
        environment["XDG_CONFIG_HOME"] =
            FileManager.default.temporaryDirectory.appendingPathComponent("gfs-cli-tests-no-config").path
        environment["GFS"] = GFSProcess.binary.path
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes before waiting, so a full pipe cannot block the child.
        nonisolated(unsafe) var errorData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorData = stderr.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return GFSProcess.Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self)
        )
    }

    /// Each line of `text` read as a JSON object.
    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not an object: \(line)")
        }
    }
}
