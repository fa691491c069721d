import ArgumentParser
import Foundation
import GFSCommands
import GFSLanguage

/// `gfs check FILE...`: parses and checks scripts for CI and editors, with no server and
/// nothing sent.
///
/// Each file is checked as `gfs --check FILE` checks it (the files it sources by a fixed path
/// included); a file that checks clean is then linted for warnings (`Linter`). Every file's
/// diagnostics are shown, in the order the files were given.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gfs check",
        abstract: "Check scripts without running them, for CI and editors.",
        discussion: """
            Parses and checks each script and the files it sources by a fixed
            path, against the command catalog, without a server. A script that
            checks clean is also searched for likely mistakes, shown as
            warnings: a variable bound and never used, a statement after an
            exit, and a file a command reads (dashboard push) that does not
            exist.

            --format text writes diagnostics to standard error as a run does.
            --format json writes one JSON object per diagnostic and line to
            standard output (file, line, column, endLine, endColumn, severity,
            code, message, hint; columns from 1, the end just after the range).
            --format github writes GitHub Actions annotations (::error and
            ::warning workflow commands) to standard output.

            Exit status: 0 when no file has an error (warnings allowed unless
            --strict); 65 when one has an error, or a warning with --strict; 66
            when a file cannot be read.
            """
    )

    /// How diagnostics are written.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, github
    }

    @Option(help: ArgumentHelp("Show diagnostics as text, json (one object per line) or github.", valueName: "format"))
    var format: Format = .text

    @Flag(help: "Fail (exit 65) on warnings too.")
    var strict = false

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp(
            "Treat $NAME as bound, as 'gfs --var NAME=VALUE' would (repeatable).",
            valueName: "name=value"
        )
    )
    var variables: [String] = []

    @Option(
        name: .customLong("args"),
        help: ArgumentHelp("Treat $1 to $N as bound, as for a script given N arguments.", valueName: "n")
    )
    var argumentCount = 0

    @Argument(help: ArgumentHelp("The scripts to check.", valueName: "file"))
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Give at least one script to check.") }
        guard (0...1000).contains(argumentCount) else {
            throw ValidationError("--args expects a number from 0 to 1000, not \(argumentCount).")
        }
        for variable in variables {
            let name = variable.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            if let problem = GFSCommandLine.parameterNameProblem(String(name)) {
                throw ValidationError("--var \(variable): \(problem)")
            }
        }
    }

    func run() async throws {
        var status = ExitStatus.success
        let knownVariables = Set(variables.map { String($0.prefix { $0 != "=" }) }).union(["args"])
            .union((0..<argumentCount).map { String($0 + 1) })
        for path in files {
            let source: SourceFile
            do {
                source = try SourceFile(name: path, bytes: ScriptReader.readFile(path))
            } catch let error as ScriptReader.ReadError {
                let position = SourcePosition(offset: 0, line: 1, column: 1)
                emit(
                    Diagnostic(
                        code: .unreadable,
                        message: error.message,
                        hint: error.hint,
                        range: SourceRange(start: position, end: position),
                        sourceName: path
                    ),
                    in: nil
                )
                status = .noInput
                continue
            } catch let diagnostic as Diagnostic {
                emit(diagnostic, in: nil)
                if status == .success { status = .invalidScript }
                continue
            }
            let result = await Self.check(source, knownVariables: knownVariables)
            for diagnostic in result.diagnostics {
                emit(diagnostic, in: result.source(named: diagnostic.sourceName))
            }
            let fails = result.diagnostics.contains { $0.severity == .error || strict }
            if fails, status == .success { status = .invalidScript }
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// Everything `gfs check` finds in `source`: its errors, or, when there are none, its
    /// warnings; with the files they point into.
    static func check(_ source: SourceFile, knownVariables: Set<String>) async -> CheckFailure {
        do {
            let checked = try await Interpreter.check(
                source,
                table: GFSCommandCatalog.table,
                knownVariables: knownVariables,
                readSource: { path in try String(contentsOfFile: path, encoding: .utf8) }
            )
            return CheckFailure(diagnostics: warnings(for: checked), sources: checked.sources)
        } catch {
            return error
        }
    }

    /// The warnings for a script that checked clean.
    static func warnings(for checked: CheckedScript) -> [Diagnostic] {
        Linter(fileExists: { FileManager.default.fileExists(atPath: $0) }).warnings(for: checked)
    }

    func emit(_ diagnostic: Diagnostic, in source: SourceFile?) {
        switch format {
        case .text:
            let text = DiagnosticRenderer(usesColor: GFSCommandLine.stderrUsesColor).render(diagnostic, in: source)
            Console.standard.write(text, to: .standardError)
        case .json:
            Console.standard.write(DiagnosticRenderer.json(diagnostic) + "\n", to: .standardOutput)
        case .github:
            Console.standard.write(DiagnosticRenderer.githubAnnotation(diagnostic) + "\n", to: .standardOutput)
        }
    }
}
