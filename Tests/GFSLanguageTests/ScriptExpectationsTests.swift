import Foundation
import GFSTestSupport
import Testing

@testable import GFSLanguage

/// The script runner must catch every kind of wrong expectation, or the script tests could
/// pass without checking anything.
@Suite struct ScriptExpectationsTests {
    @Test func readsEveryDirective() {
        let expectations = ScriptExpectations(
            parsing: """
                echo "a # b"  # expect: a # b
                # expect stderr: warned
                # expect error: 3:5: Unknown command 'x'
                # expect hint: Did you mean 'y'?
                # expect exit: 65
                # expect calls: org create a
                # given org create: {"id": 7}
                # given key create fails: Forbidden: no
                # args: one two
                # var: env=prod=1
                """
        )
        #expect(expectations.standardOutput == ["a # b"])
        #expect(expectations.standardError == ["warned"])
        #expect(expectations.errors == ["3:5: Unknown command 'x'"])
        #expect(expectations.hints == ["Did you mean 'y'?"])
        #expect(expectations.exitStatus == 65)
        #expect(expectations.calls == ["org create a"])
        #expect(expectations.givens.map(\.command) == ["org create", "key create"])
        #expect(expectations.arguments == ["one", "two"])
        #expect(expectations.variables.map(\.name) == ["env"])
        #expect(expectations.variables.map(\.value) == ["prod=1"])
        #expect(expectations.problems.isEmpty)
    }

    @Test func reportsUnknownDirectives() {
        #expect(ScriptExpectations(parsing: "# expect output: x").problems.count == 1)
    }

    @Test(arguments: [
        ("echo hi  # expect: ho", "standard output differs"),
        ("echo hi\n# expect: hi\n# expect exit: 3", "exit status: expected 3, got 0"),
        ("dashbord list\n# expect error: 1:2: Unknown command 'dashbord'", "diagnostics differ"),
        ("dashbord list\n# expect error: 1:1: Unknown command 'dashbord'\n# expect hint: No.", "hints differ"),
        ("org create a  # expect: {\"id\":1,\"name\":\"a\"}\n# expect calls: org create b", "calls differ"),
        ("org create a  # expect: {\"id\":1,\"name\":\"a\"}\n# expect no calls", "calls differ"),
        ("echo hi\n# expect: hi\n# expect stderr: oops", "standard error differs"),
    ])
    func catchesAWrongExpectation(script: String, problem: String) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gfs-expectation-\(UUID()).gfs").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try await ScriptRun.run(scriptAt: path)
        #expect(run.mismatches.count == 1)
        #expect(run.mismatches.first?.hasPrefix(problem) == true, "\(run.mismatches)")
    }

    /// Not while recording: it would record its wrong text as the help golden file.
    @Test(.disabled(if: ProcessInfo.processInfo.environment["GFS_RECORD_GOLDEN"] == "1"))
    func goldenFilesCatchADifference() {
        withKnownIssue {
            assertGolden("not the help text\n", named: "help")
        }
    }
}
