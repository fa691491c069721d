import ArgumentParser
import Foundation
import GFSCommands
import GFSLanguage

/// `gfs`: runs gfs scripts in batch mode.
///
/// Thin on purpose: it reads flags, picks the source, and hands it to the language's
/// `Interpreter` with a `GrafanaShellHost`; the outcome decides the exit status.
@main
struct GFSCommandLine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gfs",
        abstract: "A shell for Grafana's HTTP API.",
        discussion: """
            Runs a script file, the -c commands, or standard input ('-' or a pipe).

            Exit status: 0 success; 1 a command or assertion failed; 64 usage error;
            65 syntax or check error (nothing ran); 130 interrupted; or the script's own
            'exit CODE'.
            """
    )

    @Option(
        name: .customShort("c"),
        help: ArgumentHelp("Run these commands (separated by ';' or line breaks).", valueName: "commands")
    )
    var commands: String?

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp("Bind $NAME to VALUE in the script (repeatable).", valueName: "name=value")
    )
    var variables: [String] = []

    @Option(help: ArgumentHelp("Show results as text or json (one document per line).", valueName: "format"))
    var output: String = GrafanaShellHost.Options.OutputFormat.text.rawValue

    @Option(help: ArgumentHelp("Use a named context of the config file.", valueName: "name"))
    var context: String?

    @Flag(help: "Run reads, print each write as a curl command instead of sending it.")
    var dryRun = false

    @Argument(help: ArgumentHelp("The script to run, or '-' for standard input.", valueName: "file"))
    var script: String?

    @Argument(help: ArgumentHelp("Arguments for the script: $args, $1, $2, ...", valueName: "argument"))
    var arguments: [String] = []

    func validate() throws {
        for variable in variables {
            guard let equals = variable.firstIndex(of: "="), equals != variable.startIndex else {
                throw ValidationError("--var expects NAME=VALUE, not '\(variable)'.")
            }
        }
        guard GrafanaShellHost.Options.OutputFormat(rawValue: output) != nil else {
            throw ValidationError("--output is 'text' or 'json', not '\(output)'.")
        }
        if commands != nil, script == "-" {
            throw ValidationError("Give either -c COMMANDS or '-', not both.")
        }
    }

    func run() async throws {
        let (source, scriptArguments) = try readSource()
        let host = try makeHost()
        let interpreter = Interpreter(host: host)
        await interpreter.setParameters(arguments: scriptArguments, variables: parsedVariables)

        let outcome = await Self.runInterruptibly { await interpreter.run(source) }

        let renderer = DiagnosticRenderer(usesColor: Self.stderrUsesColor)
        for diagnostic in outcome.diagnostics {
            await host.write(
                renderer.render(diagnostic, in: outcome.source(named: diagnostic.sourceName)),
                to: .standardError
            )
        }
        if outcome.status == .interrupted {
            await host.write("gfs: interrupted\n", to: .standardError)
        }
        if outcome.exitStatus != 0 {
            throw ExitCode(outcome.exitStatus)
        }
    }

    /// The host, connected as the environment and config file say (no request is sent
    /// until a command needs one).
    func makeHost() throws -> GrafanaShellHost {
        let grafanaContext: GrafanaContext
        do {
            grafanaContext = try ContextResolver().resolve(ConnectionOptions(contextName: context))
        } catch {
            throw ValidationError(error.hint.map { "\(error.message). \($0)" } ?? error.message)
        }
        let options = GrafanaShellHost.Options(
            output: GrafanaShellHost.Options.OutputFormat(rawValue: output) ?? .text,
            dryRun: dryRun,
            isTerminal: StandardOutputSink.standardOutputIsTerminal
        )
        return GrafanaShellHost(context: grafanaContext, options: options)
    }

    /// The script to run and the arguments it receives.
    func readSource() throws -> (SourceFile, [String]) {
        if let commands {
            // With -c every positional value is an argument for the commands.
            return (SourceFile(name: "<command line>", text: commands), (script.map { [$0] } ?? []) + arguments)
        }
        switch script {
        case "-"?:
            return (SourceFile(name: "<stdin>", text: Self.readStandardInput()), arguments)
        case let path?:
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("Cannot read script '\(path)'.")
            }
            return (SourceFile(name: path, text: text), arguments)
        case nil:
            guard isatty(STDIN_FILENO) == 0 else {
                throw ValidationError(
                    "No script given. Run 'gfs FILE.gfs', 'gfs -c COMMANDS' or pipe a script into 'gfs -'; the interactive shell is not available yet."
                )
            }
            return (SourceFile(name: "<stdin>", text: Self.readStandardInput()), arguments)
        }
    }

    var parsedVariables: [(name: String, value: String)] {
        variables.map { variable in
            let equals = variable.firstIndex(of: "=")!
            return (String(variable[..<equals]), String(variable[variable.index(after: equals)...]))
        }
    }

    static func readStandardInput() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Colour only on a terminal, and never with `NO_COLOR` set (https://no-color.org).
    static var stderrUsesColor: Bool {
        isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// Runs `body` in a task that Control-C cancels, so the interpreter stops at the next
    /// statement or command and the run ends as interrupted (exit 130).
    static func runInterruptibly(_ body: @escaping @Sendable () async -> RunOutcome) async -> RunOutcome {
        let task = Task { await body() }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { task.cancel() }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
        return await task.value
    }
}
