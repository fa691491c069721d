import ArgumentParser
import Foundation
import GFSCommands
import GFSLanguage

/// `gfs replay FILE --dry-run`: prints an audit log (`gfs --log FILE`) as a `.gfs` script that
/// would do what the logged statements did, so work done by hand at the prompt becomes a
/// runbook.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gfs replay",
        abstract: "Print an audit log (gfs --log) as a script that does the same.",
        discussion: """
            Reads the NDJSON records that 'gfs --log FILE' appended and prints, in
            their order, the statements that ran to the end, as they were written.
            A statement that failed or was interrupted is printed as a comment
            that says so (with its error code), as is one whose secret was
            redacted in the log. A comment names the script or prompt session
            each run of statements came from.

            Only --dry-run is supported: the script is printed, nothing is sent.
            Read it, then run it with 'gfs FILE.gfs'.

            Exit status: 0 printed; 64 usage error; 66 the log cannot be read or
            a line of it is not an audit record.
            """
    )

    @Flag(help: "Print the script instead of running it (required).")
    var dryRun = false

    @Argument(help: ArgumentHelp("The audit log written by gfs --log.", valueName: "log"))
    var log: String

    func validate() throws {
        guard dryRun else {
            throw ValidationError("gfs replay only prints the script: give --dry-run, then run what it prints.")
        }
    }

    func run() throws {
        let reporter = FailureReporter(json: false, usesColor: GFSCommandLine.stderrUsesColor)
        let text: String
        do {
            text = String(decoding: try ScriptReader.readFile(log), as: UTF8.self)
        } catch let error as ScriptReader.ReadError {
            reporter.report(.unreadable, message: error.message, hint: error.hint)
            throw ExitCode(ExitStatus.noInput.rawValue)
        }
        do {
            let script = try AuditReplay.script(fromLog: text, name: log)
            Console.standard.write(script.text, to: .standardOutput)
        } catch {
            reporter.report(.unreadable, message: error.message, hint: error.hint)
            throw ExitCode(ExitStatus.noInput.rawValue)
        }
    }
}
