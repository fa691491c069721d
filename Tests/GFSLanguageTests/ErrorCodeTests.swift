import GFSLanguage
import GFSTestSupport
import Testing

/// The registry of error codes, and the codes each stage gives its diagnostics.
@Suite struct ErrorCodeTests {
    /// A table of its own, so these tests do not follow the real catalog.
    static let table = CommandTable(commands: [
        CommandSpec(
            path: ["org", "create"],
            summary: "Create an organization.",
            arguments: [ArgumentSpec("name")],
            options: [OptionSpec("if-missing")],
            binds: "org"
        ),
        CommandSpec(path: ["org", "list"], summary: "List organizations."),
    ])

    static func host() -> RecordingHost { RecordingHost(table: table) }

    @Test func namesAreUniqueStableWordsWithOneLineSummaries() {
        let names = ErrorCode.all.map(\.name)
        #expect(Set(names).count == names.count)
        for code in ErrorCode.all {
            #expect(code.name.wholeMatch(of: /[a-z]+(-[a-z0-9]+)*(\.[a-z]+(-[a-z0-9]+)*)?/) != nil, "\(code)")
            #expect(ErrorCode(name: code.name) == code)
            #expect(code.summary.hasSuffix(".") && !code.summary.contains("\n"), "\(code)")
            #expect(ExitStatus.all.contains(code.exitStatus), "\(code)")
        }
        #expect(ErrorCode(name: "no-such-code") == nil)
    }

    @Test func exitStatusesKeepTheirNumbers() {
        let numbers = ExitStatus.all.map(\.rawValue)
        #expect(numbers == [0, 1, 2, 3, 4, 6, 64, 65, 66, 74, 130])
        #expect(ErrorCode.grafanaUnauthorized.exitStatus == .auth)
        #expect(ErrorCode.grafanaForbidden.exitStatus == .auth)
        #expect(ErrorCode.partialFailure.exitStatus == .partialFailure)
        #expect(ErrorCode.grafanaUnsupportedVersion.exitStatus == .unsupportedVersion)
        #expect(ErrorCode.unknownCommand.exitStatus == .invalidScript)
        #expect(ErrorCode.grafanaNotFound.exitStatus == .failure)
        #expect(ErrorCode.unreadable.exitStatus == .noInput)
        #expect(ErrorCode.writeFailed.exitStatus == .ioError)
        // A literal out of range is found before anything runs; arithmetic out of range only
        // while the script runs.
        #expect(ErrorCode.literalOutOfRange.exitStatus == .invalidScript)
        #expect(ErrorCode.numberOutOfRange.exitStatus == .failure)
    }

    @Test func aLiteralOutOfRangeIsACheckErrorAndArithmeticARunTimeOne() async {
        for literal in ["1e999", "99999999999999999999"] {
            do {
                _ = try parse(SourceFile(name: "t.gfs", text: "let x = \(literal)"))
                Issue.record("\(literal) parsed")
            } catch {
                #expect(error.code == .literalOutOfRange)
                #expect(error.code.name == "syntax.number-out-of-range")
            }
        }
        let outcome = await Interpreter(host: Self.host()).run(
            SourceFile(name: "t.gfs", text: "let x = 1e308\necho ($x + $x)")
        )
        #expect(outcome.diagnostics.map(\.code) == [.numberOutOfRange])
        #expect(outcome.status == .failed)
        #expect(outcome.exitStatus == 1)
    }

    @Test(arguments: [
        ("echo \"abc", "syntax.unclosed"),
        ("echo ${x", "syntax.unexpected-token"),
        ("echo )", "syntax.unexpected-token"),
        ("let x", "syntax.expected-token"),
        ("if x == 1 { echo", "syntax.unclosed"),
        ("echo [1, 2", "syntax.unclosed"),
        ("echo \"\\q\"", "syntax.invalid-escape"),
        ("echo {a: 1, a: 2}", "syntax.duplicate-key"),
        ("echo ()", "syntax.empty"),
        ("echo !x", "syntax.unexpected-character"),
        ("org list --a@b", "syntax.invalid-name"),
    ])
    func syntaxErrorsCarryTheirCode(source: String, code: String) {
        do {
            _ = try parse(SourceFile(name: "t.gfs", text: source))
            Issue.record("'\(source)' parsed")
        } catch {
            #expect(error.code.name == code, "\(source): \(error.message)")
        }
    }

    @Test(arguments: [
        ("dashbord list", "unknown-command"),
        ("org craete x", "unknown-command"),
        ("org", "missing-subcommand"),
        ("org create x --nope", "unknown-option"),
        ("org create", "missing-argument"),
        ("org create a b c", "too-many-arguments"),
        ("echo $nope", "undefined-variable"),
        ("let _ = 1", "reserved-name"),
        ("else", "syntax.unexpected-token"),
        ("help nothing", "unknown-command"),
    ])
    func checkErrorsCarryTheirCode(source: String, code: String) async {
        let outcome = await Interpreter(host: Self.host()).run(SourceFile(name: "t.gfs", text: source))
        #expect(outcome.diagnostics.first?.code.name == code, "\(source): \(outcome.diagnostics)")
        #expect(outcome.exitStatus == 65)
    }

    @Test(arguments: [
        ("assert 1 == 2", "assertion-failed"),
        ("echo [1][3]", "index-out-of-range"),
        ("let r = {a: 1}\necho $r.b", "no-such-field"),
        ("echo (1 + [2])", "type-mismatch"),
        ("exit 300", "invalid-exit-code"),
        ("source does-not-exist.gfs", "source-unreadable"),
    ])
    func runtimeErrorsCarryTheirCode(source: String, code: String) async {
        let outcome = await Interpreter(host: Self.host()).run(SourceFile(name: "t.gfs", text: source))
        #expect(outcome.diagnostics.first?.code.name == code, "\(source): \(outcome.diagnostics)")
        #expect(outcome.exitStatus == 1)
    }

    @Test func aFailedCommandExitsWithItsCodesStatus() async {
        for (code, status) in [
            (ErrorCode.grafanaUnauthorized, Int32(3)), (.partialFailure, 4), (.grafanaUnsupportedVersion, 6),
            (.grafanaNotFound, 1), (.commandFailed, 1),
        ] {
            let host = Self.host()
            host.willFail(CommandFailure(code: code, message: "Refused"), for: "org list")
            let outcome = await Interpreter(host: host).run(SourceFile(name: "t.gfs", text: "org list"))
            #expect(outcome.diagnostics.first?.code == code)
            #expect(outcome.exitStatus == status, "\(code)")
        }
    }

    @Test func aFailureListingSucceededAndFailedItemsIsPartial() {
        let partial = CommandFailure(
            message: "1 of 2 dashboards failed: b.json",
            details: Record([("succeeded", ["a.json"]), ("failed", ["b.json"])])
        )
        #expect(partial.code == .partialFailure)
        let whole = CommandFailure(
            message: "1 of 1 failed",
            details: Record([("succeeded", []), ("failed", ["b.json"])])
        )
        #expect(whole.code == .commandFailed)
        #expect(CommandFailure(code: .grafanaConflict, message: "Taken").code == .grafanaConflict)
    }

    @Test func tryBindsTheCodeInError() async {
        let host = Self.host()
        host.willFail(CommandFailure(code: .grafanaConflict, message: "Organization name taken"), for: "org create")
        let interpreter = Interpreter(host: host)
        let outcome = await interpreter.run(
            SourceFile(
                name: "t.gfs",
                text: "try org create apiorg\nif $error.code == \"grafana.conflict\" { echo reuse }"
            )
        )
        #expect(outcome.status == .success)
        #expect(host.standardOutput == "reuse\n")
        guard case let .record(error)? = await interpreter.variable("error") else {
            Issue.record("no $error record")
            return
        }
        #expect(error["code"] == "grafana.conflict")
        #expect(error.keys.first == "code")
    }

    @Test func helpErrorsListsEveryCodeWithoutTheCommandTable() async {
        let host = RecordingHost(table: CommandTable(commands: []))
        let outcome = await Interpreter(host: host).run(SourceFile(name: "t.gfs", text: "help errors"))
        #expect(outcome.status == .success)
        let text = host.standardOutput
        #expect(text == HelpFormatter.errorCodes())
        for code in ErrorCode.all {
            #expect(text.contains("\n  \(code.name) "), "\(code)")
        }
        for status in ExitStatus.all {
            #expect(text.contains(status.summary))
        }
    }
}
