import Foundation
import GFSLanguage
import Testing

@testable import GFSShell

/// `history` and `history save FILE.gfs` at the prompt, through the scripted line reader.
@Suite struct SessionHistoryTests {
    let evaluator = FakeEvaluator()
    let output = Collected()
    let errors = Collected()

    func session(_ lines: [String]) -> ShellSession {
        let output = self.output
        let errors = self.errors
        return ShellSession(
            reader: ScriptedLineReader(lines: lines),
            evaluator: evaluator,
            // No file: the session's own list still uses the history's redaction policy.
            history: HistoryStore(path: nil),
            prompt: Prompt(usesColour: false),
            needsContinuation: bracesOpen,
            interrupts: FakeInterrupts(),
            writeOutput: { output.append($0) },
            writeError: { errors.append($0) }
        )
    }

    @Test func historyListsTheSessionsCommandsWithoutRunningIt() async {
        #expect(
            await session(["org create apiorg", "fail", "for o in $orgs {", "  echo $o", "}", "history"]).run() == 0
        )
        #expect(evaluator.inputs == ["org create apiorg", "fail", "for o in $orgs {\n  echo $o\n}"])
        // The last line break is the shell's own, written when the input ends.
        #expect(
            output.text == """
                    1   org create apiorg
                    2 ! fail
                    3   for o in $orgs {
                          echo $o
                        }


                """
        )
    }

    @Test func historySaveWritesAScriptWithSecretsRedactedAndFailuresCommented() async throws {
        let path = NSTemporaryDirectory() + "gfs-history-\(UUID().uuidString).gfs"
        let lines = [
            "key create k", "use --token eyJrIjoiReturnedKeyValue", " echo hidden", "fail", "org list",
            "history save \(path)",
        ]
        #expect(await session(lines).run() == 0)
        let script = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            script == """
                # Saved from a gfs session by 'history save'; failed commands are left as comments.
                key create k
                # holds a redacted secret; fill it in to run it:
                #   use --token ***
                # failed:
                #   fail
                org list

                """
        )
        #expect(!script.contains("eyJrIjoi"))
        // The final line break is the shell's own, written when the input ends.
        #expect(output.text == "Saved 4 commands to \(path).\n\n")
    }

    @Test func historyWithOtherWordsIsAnError() async {
        #expect(await session(["history clear"]).run() == 0)
        #expect(errors.text.contains("'history' takes no words, or 'save FILE'"))
        #expect(evaluator.inputs.isEmpty)
    }

    @Test func anUnwritablePathIsReported() async {
        #expect(await session(["org list", "history save /nonexistent/dir/x.gfs"]).run() == 0)
        #expect(errors.text.contains("Cannot write /nonexistent/dir/x.gfs"))
    }
}
