import GFSTestSupport
import Testing

@testable import GFSLanguage

/// The interpreter's public entry points over the real parser: whole scripts, prompt lines
/// that share a session, and `source`.
@Suite struct InterpreterTests {
    @Test func missionRunsVerbatimFromSource() async {
        let host = RecordingHost()
        let interpreter = Interpreter(host: host)
        let outcome = await interpreter.run(
            SourceFile(
                name: "mission.gfs",
                text: """
                    org create apiorg
                    use $org
                    key create apikeycurl admin
                    use $key
                    dashboard push examples/production-overview.json
                    """
            )
        )
        #expect(outcome.status == .success)
        #expect(
            host.calls.map(\.path) == [
                ["org", "create"], ["use"], ["key", "create"], ["use"], ["dashboard", "push"],
            ]
        )
        #expect(host.calls[1].arguments == [["id": 1, "name": "apiorg"]])
        #expect(host.calls[3].arguments == [["id": 3, "name": "apikeycurl"]])
        #expect(await interpreter.variable("dashboard") == ["id": 5, "name": "examples/production-overview.json"])
    }

    @Test func aSyntaxErrorAnywhereMeansNothingRuns() async {
        let host = RecordingHost()
        let outcome = await Interpreter(host: host).run(SourceFile(name: "s.gfs", text: "org create a\nif true {\n"))
        #expect(outcome.status == .invalid)
        #expect(outcome.exitStatus == 65)
        #expect(host.calls.isEmpty)
        #expect(outcome.sources.map(\.name) == ["s.gfs"])
    }

    @Test func promptLinesShareOneSession() async {
        let host = RecordingHost()
        host.willReturn(.null, for: "use")
        let interpreter = Interpreter(host: host)
        #expect(await interpreter.runLine("org create apiorg", number: 1).status == .success)
        // The checker knows `$org` from the session, so the next line passes.
        #expect(await interpreter.runLine("use $org", number: 2).status == .success)
        let bad = await interpreter.runLine("echo $nope", number: 3)
        #expect(bad.diagnostics.map(\.sourceName) == ["<line 3>"])
        #expect(await interpreter.runLine("echo $org.name", number: 4).status == .success)
        #expect(host.standardOutput == "{\"id\":1,\"name\":\"apiorg\"}\napiorg\n")
    }

    @Test func sourcedFilesResolveNextToTheIncludingFileAndShareVariables() async {
        let host = RecordingHost()
        host.addFile("/runbooks/lib/common.gfs", text: "let env = \"prod\"\nsource more.gfs\n")
        host.addFile("/runbooks/lib/more.gfs", text: "let region = \"eu\"\n")
        let outcome = await Interpreter(host: host).run(
            SourceFile(name: "/runbooks/deploy.gfs", text: "source lib/common.gfs\necho $env $region\n")
        )
        #expect(outcome.status == .success)
        #expect(host.standardOutput == "prod eu\n")
    }

    @Test func errorsInASourcedFilePointIntoIt() async throws {
        let host = RecordingHost()
        host.addFile("lib.gfs", text: "echo ok\ndashbord list\n")
        let outcome = await Interpreter(host: host).run(
            SourceFile(name: "<stdin>", text: "echo first\nsource lib.gfs\n")
        )
        #expect(outcome.status == .invalid)
        let diagnostic = try #require(outcome.diagnostics.first)
        #expect(diagnostic.sourceName == "lib.gfs")
        #expect(diagnostic.range.start.line == 2)
        #expect(outcome.source(named: "lib.gfs")?.text == "echo ok\ndashbord list\n")
        // A fixed path is read and checked with the script: nothing ran.
        #expect(host.standardOutput == "")
    }

    @Test func errorsInAFileSourcedThroughAVariableFailTheRunWhereReached() async throws {
        let host = RecordingHost()
        host.addFile("lib.gfs", text: "echo ok\ndashbord list\n")
        let outcome = await Interpreter(host: host).run(
            SourceFile(name: "<stdin>", text: "let file = \"lib.gfs\"\necho first\nsource $file\n")
        )
        // The statements before the `source` ran, so the run failed (exit 1), not "nothing ran".
        #expect(outcome.status == .failed)
        #expect(outcome.exitStatus == 1)
        let diagnostic = try #require(outcome.diagnostics.first)
        #expect(diagnostic.sourceName == "lib.gfs")
        #expect(diagnostic.message == "Unknown command 'dashbord'")
        #expect(outcome.source(named: "lib.gfs")?.text == "echo ok\ndashbord list\n")
        #expect(host.standardOutput == "first\n")
    }

    @Test func aFileThatSourcesItselfStops() async throws {
        let host = RecordingHost()
        host.addFile("loop.gfs", text: "source loop.gfs\n")
        let outcome = await Interpreter(host: host).run(SourceFile(name: "loop.gfs", text: "source loop.gfs\n"))
        #expect(outcome.status == .failed)
        #expect(outcome.diagnostics.first?.message == "Too many nested 'source' statements")
    }

    /// A number beyond `Int` and `Double` from Grafana prints and compares as written, and
    /// arithmetic on it is a clear error rather than a silent rounding.
    @Test func bigNumbersPrintAndCompareButRefuseArithmetic() async throws {
        let host = RecordingHost()
        let big = try Value(json: #"{"id": 123456789012345678901234567890}"#)
        host.willReturn(big, for: "org show")
        host.willReturn(big, for: "org show")
        let interpreter = Interpreter(host: host)
        let fine = await interpreter.run(
            SourceFile(
                name: "big.gfs",
                text: "let org = (org show a)\necho $org.id\nassert $org.id == (org show a).id\n"
            )
        )
        #expect(fine.status == .success)
        #expect(host.standardOutput == "123456789012345678901234567890\n")

        let sum = await interpreter.runLine("echo ($org.id + 1)", number: 1)
        #expect(sum.status == .failed)
        let diagnostic = try #require(sum.diagnostics.first)
        #expect(diagnostic.message == "Number 123456789012345678901234567890 is too large for arithmetic")
        #expect(diagnostic.range.start.column == 6)
    }

    @Test func exitStopsEverythingWithItsCode() async {
        let host = RecordingHost()
        host.addFile("inner.gfs", text: "exit 4\n")
        let outcome = await Interpreter(host: host).run(
            SourceFile(name: "outer.gfs", text: "source inner.gfs\necho after\n")
        )
        #expect(outcome.status == .exited(4))
        #expect(outcome.exitStatus == 4)
        #expect(host.standardOutput == "")
    }

    @Test func parametersReachTheScript() async {
        let host = RecordingHost()
        let interpreter = Interpreter(host: host)
        await interpreter.setParameters(arguments: ["a", "2"], variables: [("env", "prod")])
        _ = await interpreter.run(SourceFile(name: "p.gfs", text: "echo $env $args $1 ($2 + 1)"))
        #expect(host.standardOutput == "prod [\"a\",2] a 3\n")
    }

    @Test func helpWritesTheTableAndCallsNothing() async {
        let host = RecordingHost()
        _ = await Interpreter(host: host).run(SourceFile(name: "h.gfs", text: "help key delete"))
        #expect(host.standardOutput.hasPrefix("Usage: key delete NAME\n"))
        #expect(host.calls.isEmpty)
        #expect(host.displayed.isEmpty)
    }
}
