import ArgumentParser
import Foundation
import GFSCommands
import GFSLanguage
import GFSShell

/// The flags that only matter at the prompt, and the hidden sandbox delays the real-terminal
/// tests use to slow a route down.
struct InteractiveOptions: ParsableArguments {
    @Option(
        name: .customShort("i"),
        help: ArgumentHelp("Run this script, then stay at the prompt with its variables.", valueName: "file")
    )
    var interactiveScript: String?

    @Flag(name: .customShort("X"), help: "Do not run the rc file ($XDG_CONFIG_HOME/gfs/rc) at the prompt.")
    var skipsRCFile = false

    /// `METHOD /path=DURATION`, e.g. `GET /api/search=5s`: the sandbox waits that long before
    /// answering that route. For tests of Ctrl-C; hidden from help.
    @Option(name: .customLong("sandbox-delay"), help: .hidden)
    var sandboxDelays: [String] = []

    /// The sandbox delays by route, or a usage error naming the bad one.
    func parsedSandboxDelays() throws -> [String: Duration] {
        var delays: [String: Duration] = [:]
        for entry in sandboxDelays {
            guard let equals = entry.lastIndex(of: "="),
                let duration = Self.duration(String(entry[entry.index(after: equals)...]))
            else {
                throw ValidationError(
                    "--sandbox-delay expects 'METHOD /path=DURATION' (like 'GET /api/search=5s'), not '\(entry)'."
                )
            }
            delays[String(entry[..<equals])] = duration
        }
        return delays
    }

    /// `250ms`, `5s` or a plain number of seconds.
    static func duration(_ text: String) -> Duration? {
        if text.hasSuffix("ms"), let value = Double(text.dropLast(2)) { return .milliseconds(value) }
        if text.hasSuffix("s"), let value = Double(text.dropLast()) { return .seconds(value) }
        return Double(text).map { .seconds($0) }
    }
}

extension GFSCommandLine {
    /// When the shell will edit lines, routes the terminal's signals to the editor's thread
    /// before any other thread exists (LIBEDIT.md, "Signals"). Parsing starts no thread; a
    /// command line that does not parse changes nothing and fails later as usual.
    static func prepareTerminal(for arguments: [String]) {
        guard Terminal.standardInputAndOutputAreTerminals, let line = try? parse(arguments), line.startsShell else {
            return
        }
        Terminal.routeTerminalSignalsToEditor()
    }

    /// Whether this run ends at the prompt: `-i FILE`, or no script, no `-c` and a terminal on
    /// both standard input and output (psql's rule; a pipe is read as a script, never edited).
    var startsShell: Bool {
        if shell.interactiveScript != nil { return true }
        return script == nil && commands == nil && Terminal.standardInputAndOutputAreTerminals
    }

    /// Runs the interactive shell against `connection` and returns the exit status: the rc
    /// file (unless `-X`), the `-i` script, then the prompt until Ctrl-D, `exit` or `quit`.
    func runShell(connection: ConnectionOptions) async -> Int32 {
        // At the prompt each result already stands below its own command line.
        guard let (host, auditLog) = makeHost(connection: connection, separatesResults: false) else { return 2 }
        let interpreter = Interpreter(host: host)
        await interpreter.observeStatements(auditLog)
        await interpreter.setParameters(arguments: arguments, variables: parsedVariables)
        let report = Self.reporter(host: host)

        var startFailed = false
        var scripts: [SourceFile] = []
        if !shell.skipsRCFile {
            do {
                if let rc = try RCFile.load() { scripts.append(rc) }
            } catch {
                Console.standard.write("gfs: warning: \(error.message)\n", to: .standardError)
            }
        }
        if let path = shell.interactiveScript {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                Console.standard.write("gfs: error: Cannot read script '\(path)'\n", to: .standardError)
                return 64
            }
            scripts.append(SourceFile(name: path, text: text))
        }
        for source in scripts {
            let outcome = await Self.runInterruptibly { await interpreter.run(source) }
            await report(outcome)
            switch outcome.status {
            case .exited(let code): return code
            case .interrupted: Console.standard.write("Cancelled.\n", to: .standardError)
            case .success: break
            case .invalid, .failed: startFailed = true
            }
        }

        let locator = SessionLocator(host: host)
        let history = HistoryStore(path: HistoryStore.path(), policy: HistoryPolicy(commandTable: host.commandTable))
        let completer = Completer(
            commandTable: host.commandTable,
            liveNameProvider: ServerNames(source: GrafanaLiveNames(host: host))
        )
        let evaluator = InterpreterEvaluator(interpreter: interpreter, report: report) {
            let location = await locator.location()
            return ShellState(
                prompt: PromptContext(
                    server: location.server,
                    identity: location.identity,
                    organization: location.organization
                ),
                secrets: host.knownSecrets
            )
        }
        let session = ShellSession(
            reader: Terminal.makeLineReader(history: history, completer: completer),
            evaluator: evaluator,
            history: history,
            completer: completer,
            prompt: Prompt(usesColour: Prompt.usesColour()),
            startsFailed: startFailed
        )
        return await session.run()
    }

    /// Shows a finished input's diagnostics with the line and a caret, secrets masked. An
    /// interrupted input shows nothing: the shell itself says "Cancelled.".
    static func reporter(host: GrafanaShellHost) -> @Sendable (RunOutcome) async -> Void {
        { outcome in
            guard outcome.status != .interrupted else { return }
            let renderer = DiagnosticRenderer(usesColor: stderrUsesColor)
            let secrets = host.knownSecrets
            for diagnostic in outcome.diagnostics {
                let text = renderer.render(diagnostic, in: outcome.source(named: diagnostic.sourceName))
                Console.standard.write(redact(text, secrets: secrets), to: .standardError)
            }
        }
    }
}

/// The server's names for the completer. (GFSCommands knows nothing of the shell, so the
/// executable joins the two.)
struct ServerNames: LiveNameProvider {
    let source: GrafanaLiveNames

    func names(for kind: GFSLanguage.CompletionKind) async throws -> [String] {
        try await source.names(for: kind)
    }
}
