import GFSLanguage
import GFSTestSupport
import Testing

/// The warnings `gfs check` shows for scripts that check clean: each warning's code, message,
/// hint and range, and what must not warn.
@Suite struct LinterTests {
    /// A table of its own, so these tests do not follow the real catalog.
    static let table = CommandTable(commands: [
        CommandSpec(path: ["org", "list"], summary: "List organizations."),
        CommandSpec(
            path: ["dashboard", "push"],
            summary: "Save dashboards.",
            arguments: [ArgumentSpec("path", completion: .path, isVariadic: true, readsFile: true)]
        ),
        CommandSpec(
            path: ["dashboard", "pull"],
            summary: "Fetch a dashboard.",
            arguments: [ArgumentSpec("uid")],
            options: [OptionSpec("out", valueName: "FILE", completion: .path)]
        ),
    ])

    /// The files that exist for the `missing-file` warning.
    static let existing: Set<String> = ["present.json", "lib.gfs"]

    /// The warnings for `marked` (its markers removed), with `files` readable by `source`.
    func warnings(_ marked: MarkedText, files: [String: String] = [:]) async throws -> [Diagnostic] {
        let checked = try await Interpreter.check(
            SourceFile(name: "t.gfs", text: marked.text),
            table: Self.table,
            knownVariables: [],
            readSource: { path in
                guard let text = files[path] else { throw CancellationError() }
                return text
            }
        )
        return Linter(fileExists: { Self.existing.contains($0) }).warnings(for: checked)
    }

    @Test func warnsAboutAVariableBoundAndNeverRead() async throws {
        let marked = MarkedText("let ⏩unused⏪ = 1\nlet used = 2\necho $used\n")
        let warnings = try await warnings(marked)
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.severity == .warning)
        #expect(warning.code == .unusedVariable)
        #expect(warning.message == "Variable '$unused' is never used")
        #expect(warning.hint == "Remove the binding, or name it '$_unused' if it is meant to stay unread.")
        #expect(warning.range == marked.range)
        #expect(warning.sourceName == "t.gfs")
    }

    @Test func countsReadsInStringsLoopsCommandsAndSourcedFiles() async throws {
        let marked = MarkedText(
            """
            let a = 1
            let b = [1]
            let c = "x"
            let d = "present.json"
            let e = 5
            let _quiet = 0
            echo "${a}"
            for item in $b { echo $item }
            if $c == "x" { org list }
            dashboard push $d
            source lib.gfs
            """
        )
        #expect(try await warnings(marked, files: ["lib.gfs": "echo $e\n"]).isEmpty)
    }

    @Test func aSourceThroughAVariableMayReadAnything() async throws {
        let marked = MarkedText("let file = \"x.gfs\"\nlet other = 1\nsource $file\n")
        #expect(try await warnings(marked).isEmpty)
    }

    @Test func warnsAboutTheFirstStatementAfterExit() async throws {
        let marked = MarkedText("echo 1\nexit 0\n⏩echo 2⏪\necho 3\n")
        let warning = try #require(try await warnings(marked).first)
        #expect(try await warnings(marked).count == 1)
        #expect(warning.code == .unreachable)
        #expect(warning.message == "Unreachable statement")
        #expect(warning.hint == "It comes after an 'exit' that always runs; remove it or the 'exit'.")
        #expect(warning.range == marked.range)
    }

    @Test func anIfExitsOnlyWhenEveryBranchDoes() async throws {
        let both = MarkedText("if true { exit 1 } else { exit 2 }\n⏩echo after⏪\n")
        let warning = try #require(try await warnings(both).first)
        #expect(warning.code == .unreachable)
        #expect(warning.range == both.range)

        let one = MarkedText("if true { exit 1 }\necho after\n")
        #expect(try await warnings(one).isEmpty)
        let inside = MarkedText("if true {\n  exit 1\n  ⏩echo never⏪\n}\necho after\n")
        #expect(try await warnings(inside).map(\.range) == [inside.range])
    }

    @Test func warnsAboutALiteralInputFileThatDoesNotExist() async throws {
        let marked = MarkedText("dashboard push present.json ⏩missing.json⏪\n")
        let warnings = try await warnings(marked)
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.code == .missingFile)
        #expect(warning.message == "No such file 'missing.json'")
        #expect(
            warning.hint
                == "'dashboard push' reads PATH; check the path, which is relative to the working directory."
        )
        #expect(warning.range == marked.range)
    }

    @Test func leavesGlobsComputedPathsAndOutputFilesAlone() async throws {
        let marked = MarkedText(
            """
            let dir = "gone"
            dashboard push "dashboards/*.json" "${dir}/a.json"
            dashboard pull abc --out missing-output.json
            """
        )
        #expect(try await warnings(marked).isEmpty)
    }

    @Test func readsAfterAnExitStillCount() async throws {
        let marked = MarkedText("let x = 1\nexit 0\n⏩echo $x⏪\necho again\n")
        let warnings = try await warnings(marked)
        #expect(warnings.map(\.code) == [.unreachable])
        #expect(warnings.first?.range == marked.range)
    }

    @Test func warningsComeInSourceOrder() async throws {
        let marked = MarkedText("let x = 1\ndashboard push nope.json\nexit 0\necho done\n")
        #expect(try await warnings(marked).map(\.code) == [.unusedVariable, .missingFile, .unreachable])
    }

    @Test func warningCodesAreListedAndFailOnlyWithStrict() {
        let names = [ErrorCode.unusedVariable, .unreachable, .missingFile].map(\.name)
        #expect(names == ["warning.unused-variable", "warning.unreachable", "warning.missing-file"])
        for code in [ErrorCode.unusedVariable, .unreachable, .missingFile] {
            #expect(ErrorCode.all.contains(code))
            #expect(code.exitStatus == .invalidScript)
        }
    }
}
