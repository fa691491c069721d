import ArgumentParser
import Foundation
import GFSCommands
import GFSLanguage
import GFSShell

/// `gfs`: runs gfs scripts in batch mode, or the interactive shell on a terminal.
///
/// Thin on purpose: it reads flags, resolves the connection (flags, `--context`, environment,
/// config file, default), starts the in-process sandbox for `--sandbox`, and hands the source
/// to the language's `Interpreter` with a `GrafanaShellHost`; the outcome decides the exit status.
@main
struct GFSCommandLine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gfs",
        abstract: "A shell for Grafana's HTTP API.",
        discussion: """
            Runs a script file, the -c commands, or standard input ('-' or a pipe). With a
            terminal on standard input and output and no script, or with -i FILE, starts the
            interactive shell (after the rc file $XDG_CONFIG_HOME/gfs/rc unless -X).

            The server and credentials come from the flags, then the context named by
            --context in $XDG_CONFIG_HOME/gfs/config.yaml, then GRAFANA_URL, GRAFANA_USER,
            GRAFANA_PASSWORD, GRAFANA_TOKEN and GRAFANA_ORG_ID, then the config file's
            current-context, then http://localhost:3000 without credentials.

            Exit status: 0 success; 1 a command or assertion failed; 2 bad connection
            settings; 3 Grafana refused the credentials or permission; 4 partial failure;
            6 unsupported by the server's Grafana version; 64 usage error; 65 syntax or
            check error (nothing ran); 66 unreadable script or input; 74 writing the output
            failed; 130 interrupted; or the script's own 'exit CODE'. 'gfs -c "help errors"'
            lists the error codes.

            'gfs sandbox' serves a Grafana-compatible sandbox (see 'gfs sandbox --help').
            'gfs check FILE...' checks scripts for CI (see 'gfs check --help').
            'gfs replay LOG --dry-run' prints an audit log (--log) as a script.
            'gfs lsp' serves the Language Server Protocol to editors (see 'gfs lsp --help').
            """,
        version: GFSVersion.description
    )

    /// Dispatches `gfs sandbox ...` by hand: with a positional script argument on the root
    /// command, swift-argument-parser would read `sandbox` as a script name.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "sandbox" {
            await SandboxCommand.main(Array(arguments.dropFirst()))
        } else if arguments.first == "check" {
            await CheckCommand.main(Array(arguments.dropFirst()))
        } else if arguments.first == "replay" {
            ReplayCommand.main(Array(arguments.dropFirst()))
        } else if arguments == ["--generate-manual"] {
            Console.standard.write(ManualPage.roff(), to: .standardOutput)
        } else if arguments.count == 2, arguments[0] == "--generate-completion-script",
            let script = ShellCompletion.script(for: arguments[1])
        {
            Console.standard.write(script, to: .standardOutput)
        } else if arguments.first == "lsp" {
            await LSPCommand.main(Array(arguments.dropFirst()))
        } else if await runParsedDirectly(arguments) {
            return
        } else {
            prepareTerminal(for: arguments)
            await run(arguments)
        }
    }

    /// swift-argument-parser's `main`, except that a usage error under `--output json` is
    /// reported as JSON like every other failure, so a program reading stderr gets one shape.
    static func run(_ arguments: [String]) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let message = Self.message(for: error)
            guard exitCode(for: error).rawValue == ExitStatus.usage.rawValue, !message.isEmpty,
                wantsJSON(arguments)
            else { exit(withError: error) }
            FailureReporter(json: true, usesColor: false).report(
                .usage,
                message: message,
                hint: "Run 'gfs --help' for the options."
            )
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }

    /// Whether the command line asks for `--output json`, read from the words themselves: the
    /// parse that failed may not have got as far as the option.
    static func wantsJSON(_ arguments: [String]) -> Bool {
        var words = arguments[...]
        var asked = false
        while let word = words.popFirst(), word != "--" {
            if word == "--output" {
                asked = words.popFirst() == "json"
            } else if word.hasPrefix("--output=") {
                asked = word == "--output=json"
            }
        }
        return asked
    }

    @Option(
        name: .customShort("c"),
        help: ArgumentHelp("Run these commands (separated by ';' or line breaks).", valueName: "commands"),
        completion: .custom { _, _, prefix in ShellCompletion.languageCandidates(completing: prefix) }
    )
    var commands: String?

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp("Bind $NAME to VALUE in the script (repeatable).", valueName: "name=value")
    )
    var variables: [String] = []

    @Option(help: ArgumentHelp("Show results as text or json (one document per line).", valueName: "format"))
    var output: String = GrafanaShellHost.OutputFormat.text.rawValue

    @Flag(help: "Run against a fresh in-process sandbox (admin/admin) instead of a server.")
    var sandbox = false

    @Option(help: ArgumentHelp("The Grafana version the sandbox emulates.", valueName: "version"))
    var sandboxVersion = Self.defaultSandboxVersion
    static let defaultSandboxVersion = "11.4.0"

    @Flag(help: "Run reads, print each write as a curl command on stderr, and send no write.")
    var dryRun = false

    @Flag(
        name: .customLong("check"),
        help: "Only parse and check the script (and the files it sources by a fixed path); run nothing."
    )
    var checkOnly = false

    @Flag(help: "Show secrets (a new key's token) even when stdout is not a terminal, and in JSON output.")
    var showSecrets = false

    @Option(help: ArgumentHelp("Use a named context from the config file.", valueName: "name"))
    var context: String?

    @Option(help: ArgumentHelp("The Grafana server URL.", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("Log in with basic auth as this user.", valueName: "login"))
    var user: String?

    @Option(help: ArgumentHelp("Read the password from this environment variable.", valueName: "var"))
    var passwordEnv: String?

    @Option(help: ArgumentHelp("Read the password from this file.", valueName: "file"))
    var passwordFile: String?

    @Option(help: ArgumentHelp("Read a token from this environment variable.", valueName: "var"))
    var tokenEnv: String?

    @Option(help: ArgumentHelp("Read a token from this file.", valueName: "file"))
    var tokenFile: String?

    @Flag(help: "Do not verify the server's TLS certificate.")
    var insecure = false

    @Option(help: ArgumentHelp("Trust the certificate authority in this PEM file.", valueName: "file"))
    var cacert: String?

    @Option(
        help: ArgumentHelp(
            "Give up on a request (body included) after this long: 500ms, 30s, 2m (default 60s).",
            valueName: "duration"
        )
    )
    var timeout: String?

    @Option(
        help: ArgumentHelp(
            "Retry a failed read or idempotent write (429, 502, 503, 504, dropped connection) up to N times (default 3).",
            valueName: "n"
        )
    )
    var retries: Int?

    @Flag(name: [.customShort("v"), .long], help: "Show each retry on standard error.")
    var verbose = false

    @Option(
        help: ArgumentHelp(
            "Append one JSON record per statement to this audit log (default: the config file's 'log').",
            valueName: "file"
        )
    )
    var log: String?

    @Argument(
        help: ArgumentHelp("The script to run, or '-' for standard input.", valueName: "file"),
        completion: .file(extensions: ["gfs"])
    )
    var script: String?

    @Argument(help: ArgumentHelp("Arguments for the script: $args, $1, $2, ...", valueName: "argument"))
    var arguments: [String] = []

    /// `-i`, `-X` and the hidden sandbox delays (InteractiveMode.swift).
    @OptionGroup var shell: InteractiveOptions

    func validate() throws {
        for variable in variables {
            guard let equals = variable.firstIndex(of: "="), equals != variable.startIndex else {
                throw ValidationError("--var expects NAME=VALUE, not '\(variable)'.")
            }
            if let problem = Self.parameterNameProblem(String(variable[..<equals])) {
                throw ValidationError("--var \(variable): \(problem)")
            }
        }
        guard GrafanaShellHost.OutputFormat(rawValue: output) != nil else {
            throw ValidationError("--output is 'text' or 'json', not '\(output)'.")
        }
        if commands != nil, script == "-" {
            throw ValidationError("Give either -c COMMANDS or '-', not both.")
        }
        if sandbox, url != nil || context != nil {
            throw ValidationError("--sandbox runs its own server; leave out --url and --context.")
        }
        if passwordEnv != nil, passwordFile != nil {
            throw ValidationError("Give --password-env or --password-file, not both.")
        }
        if tokenEnv != nil, tokenFile != nil { throw ValidationError("Give --token-env or --token-file, not both.") }
        if shell.interactiveScript != nil, commands != nil || script != nil {
            throw ValidationError("Give either -i FILE or a script, not both.")
        }
        if checkOnly, shell.interactiveScript != nil || sandbox {
            throw ValidationError("--check runs nothing; leave out -i and --sandbox.")
        }
        _ = try shell.parsedSandboxDelays()
        if let timeout, DurationText.parse(timeout) == nil {
            throw ValidationError("--timeout expects \(DurationText.accepted), not '\(timeout)'.")
        }
        if let retries, !(0...100).contains(retries) {
            throw ValidationError("--retries expects a number from 0 (no retries) to 100, not \(retries).")
        }
    }

    /// Why `name` cannot be bound with `--var`, or `nil` when it can: it must be a variable
    /// name a script can write (`$env`), and not one gfs binds itself (`$args`, `$1`, `$_`).
    static func parameterNameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        let isLetter = { (byte: UInt8) in (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if bytes.allSatisfy(isDigit) {
            return "$\(name) is a positional parameter; give it as an argument after the script."
        }
        guard let first = bytes.first, isLetter(first) || first == UInt8(ascii: "_"),
            bytes.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") })
        else {
            return "'\(name)' is not a variable name; use letters, digits and '_', starting with a letter or '_'."
        }
        if name == "args" {
            return "$args holds the arguments after the script; give them there."
        }
        if Checker.reservedVariables.contains(name) {
            return "$\(name) is set by gfs itself; choose another name."
        }
        if Checker.keywords.contains(name) {
            return "'\(name)' is a keyword; choose another name."
        }
        return nil
    }

    func run() async throws {
        let interactive = startsShell && !checkOnly
        let reporter = FailureReporter(json: isJSONOutput, usesColor: Self.stderrUsesColor)
        let source: SourceFile
        let scriptArguments: [String]
        if interactive {
            (source, scriptArguments) = (SourceFile(name: "<prompt>", text: ""), arguments)
        } else {
            do {
                (source, scriptArguments) = try readSource()
            } catch let error as ScriptReader.ReadError {
                reporter.report(.unreadable, message: error.message, hint: error.hint)
                throw ExitCode(ExitStatus.noInput.rawValue)
            } catch let diagnostic as Diagnostic {
                reporter.report(diagnostic, in: nil)
                throw ExitCode(diagnostic.code.exitStatus.rawValue)
            }
        }
        var connection = ConnectionOptions(
            url: url,
            user: user,
            passwordEnv: passwordEnv,
            passwordFile: passwordFile,
            tokenEnv: tokenEnv,
            tokenFile: tokenFile,
            insecure: insecure,
            cacert: cacert,
            contextName: context
        )
        // Check a script before anything is set up, so a bad one starts no sandbox.
        var checked: CheckedScript?
        if !interactive {
            guard let script = await check(source, arguments: scriptArguments) else {
                throw ExitCode(ExitStatus.invalidScript.rawValue)
            }
            checked = script
            if checkOnly {
                for warning in CheckCommand.warnings(for: script) {
                    reporter.report(warning, in: script.sources.first { $0.name == warning.sourceName })
                }
                // Ends here rather than returning: taking apart the tokens and syntax tree of a
                // long script costs a tenth of checking it, for memory the exit frees anyway.
                Foundation.exit(ExitStatus.success.rawValue)
            }
        }
        var sandboxRun: SandboxRun?
        if sandbox {
            do {
                let started = try await SandboxRun.start(
                    version: sandboxVersion,
                    delays: shell.parsedSandboxDelays(),
                    verbose: verbose
                )
                sandboxRun = started
                connection = ConnectionOptions(url: started.url, user: "admin", password: "admin")
                Console.standard.write(
                    "gfs: sandbox (Grafana \(sandboxVersion)) at \(started.url), admin/admin\n",
                    to: .standardError
                )
            } catch {
                reporter.report(.commandFailed, message: "Cannot start the sandbox: \(error)")
                throw ExitCode(ExitStatus.failure.rawValue)
            }
        }
        let status =
            if let checked {
                await execute(checked, arguments: scriptArguments, connection: connection)
            } else {
                await runShell(connection: connection)
            }
        await sandboxRun?.stop()
        if status != 0 { throw ExitCode(status) }
    }

    /// Parses and checks the script against the command catalog with its parameters bound;
    /// on a syntax or check error, shows the diagnostics and returns `nil` (exit 65).
    func check(_ source: SourceFile, arguments scriptArguments: [String]) async -> CheckedScript? {
        var session = Session()
        session.setParameters(arguments: scriptArguments, variables: parsedVariables)
        do {
            return try await Interpreter.check(
                source,
                table: GFSCommandCatalog.table,
                knownVariables: session.variableNames,
                readSource: { path in try String(contentsOfFile: path, encoding: .utf8) }
            )
        } catch {
            let reporter = FailureReporter(json: isJSONOutput, usesColor: Self.stderrUsesColor)
            for diagnostic in error.diagnostics {
                reporter.report(diagnostic, in: error.source(named: diagnostic.sourceName) ?? source)
            }
            return nil
        }
    }

    /// Resolves the connection, builds the host and runs the checked script; returns the exit
    /// status.
    func execute(_ checked: CheckedScript, arguments scriptArguments: [String], connection: ConnectionOptions) async
        -> Int32
    {
        guard let (host, auditLog) = makeHost(connection: connection, separatesResults: true) else {
            return ExitStatus.configuration.rawValue
        }
        let interpreter = Interpreter(host: host)
        await interpreter.observeStatements(auditLog)
        await interpreter.setParameters(arguments: scriptArguments, variables: parsedVariables)

        let outcome = await Self.runInterruptibly { await interpreter.run(checked) }

        let reporter = FailureReporter(json: isJSONOutput, usesColor: Self.stderrUsesColor, secrets: host.knownSecrets)
        // Results that never reached standard output: the run stopped at the next statement.
        if let errorNumber = Console.standardOutputError {
            reporter.report(
                .writeFailed,
                message: "Cannot write to standard output: \(String(cString: strerror(errorNumber)))",
                hint: "The results were lost; the script stopped after the command that produced them."
            )
            return ExitStatus.ioError.rawValue
        }
        for diagnostic in outcome.diagnostics {
            reporter.report(diagnostic, in: outcome.source(named: diagnostic.sourceName))
        }
        if outcome.status == .interrupted {
            if isJSONOutput {
                reporter.report(.cancelled, message: "Interrupted")
            } else {
                Console.standard.write("gfs: interrupted\n", to: .standardError)
            }
        }
        return outcome.exitStatus
    }

    /// Whether failures are reported as JSON objects (`--output json`).
    var isJSONOutput: Bool { output == GrafanaShellHost.OutputFormat.json.rawValue }

    /// Resolves the connection and builds the host for a script or the shell, with the audit log
    /// it writes to, if any; on bad connection settings reports them and returns `nil` (exit 2).
    /// Warns when TLS verification is off.
    ///
    /// The log is handed back rather than asked of the host (`host.auditLog`): that casts the
    /// host's transport to the audit log's, a run-time cast that cost 1.6M instructions (of 16M
    /// for `gfs -c 'echo hi'`) when there is no log.
    func makeHost(connection: ConnectionOptions, separatesResults: Bool) -> (GrafanaShellHost, AuditLog?)? {
        let grafanaContext: GrafanaContext
        let configError: ContextError?
        do {
            (grafanaContext, configError) = try ContextResolver().resolveSettingConfigAside(connection)
        } catch {
            FailureReporter(json: isJSONOutput, usesColor: Self.stderrUsesColor)
                .report(.configuration, message: error.message, hint: error.hint)
            return nil
        }
        if grafanaContext.skipsTLSVerification {
            Console.standard.write(
                "gfs: warning: TLS certificate verification is off (--insecure)\n",
                to: .standardError
            )
        }
        var options = GrafanaShellHost.Options(
            output: GrafanaShellHost.OutputFormat(rawValue: output) ?? .text,
            dryRun: dryRun,
            showSecrets: showSecrets,
            isTerminal: isatty(STDOUT_FILENO) != 0,
            showsProgress: isatty(STDERR_FILENO) != 0,
            separatesResults: separatesResults,
            timeout: timeout.flatMap(DurationText.parse),
            retries: retries,
            verbose: verbose
        )
        options.connectionProblem = configError
        var auditLog: AuditLog?
        guard openAuditLog(into: &auditLog) else { return nil }
        guard let auditLog else { return (GrafanaShellHost(context: grafanaContext, options: options), nil) }
        let host = GrafanaShellHost(context: grafanaContext, options: options, transport: auditLog.transport())
        auditLog.attach(host)
        return (host, auditLog)
    }

    /// Masks secrets the host saw, in case a script line shown under a diagnostic holds one.
    static func redact(_ text: String, secrets: Set<String>) -> String {
        var text = text
        for secret in secrets.sorted(by: { $0.count > $1.count }) where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }

    /// The script to run and the arguments it receives. Throws `ScriptReader.ReadError`
    /// when it cannot be read and a `Diagnostic` when it is not UTF-8.
    func readSource() throws -> (SourceFile, [String]) {
        if let commands {
            // With -c every positional value is an argument for the commands.
            let source = try SourceFile(name: "<command line>", bytes: Self.rawArgument(commands))
            return (source, (script.map { [$0] } ?? []) + arguments)
        }
        switch script {
        case let path? where path != "-":
            return (try SourceFile(name: path, bytes: ScriptReader.readFile(path)), arguments)
        default:
            // `-`, or no script and not both a terminal (else the shell starts): standard input.
            return (try SourceFile(name: "<stdin>", bytes: ScriptReader.readStandardInput()), arguments)
        }
    }

    /// The bytes of the command-line argument that `CommandLine.arguments` shows as
    /// `argument`: Swift replaces bytes that are not UTF-8 with U+FFFD there, and a `-c` script
    /// must be refused for them as a file would be.
    static func rawArgument(_ argument: String) -> [UInt8] {
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let bytes = Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) }
            if String(decoding: bytes, as: UTF8.self) == argument { return bytes }
        }
        return Array(argument.utf8)
    }

    var parsedVariables: [(name: String, value: String)] {
        variables.map { variable in
            let equals = variable.firstIndex(of: "=")!
            return (String(variable[..<equals]), String(variable[variable.index(after: equals)...]))
        }
    }

    /// Colour only on a terminal, and never with `NO_COLOR` set (https://no-color.org).
    static var stderrUsesColor: Bool {
        isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// Runs `body` in a task that Control-C cancels, so the interpreter stops at the next
    /// statement or command and the run ends as interrupted (exit 130).
    /// A failed write to standard output stops the run the same way, as the results it
    /// produces from then on would be lost.
    static func runInterruptibly(_ body: @escaping @Sendable () async -> RunOutcome) async -> RunOutcome {
        // The handler is in place before the script starts: a Control-C just after its first
        // output must cancel it, not kill the process with SIGINT's default action. It is the
        // shell's counting `sigaction` handler, not `SIG_IGN` with a dispatch source: once
        // threads exist, Linux may discard an ignored SIGINT before the source sees it, and
        // the run then carries on as if nothing was typed.
        let running = RunningTask()
        Console.onStandardOutputFailure { _ in running.cancel() }
        Terminal.installInterruptHandler()
        let before = Terminal.interruptCount
        let task = Task { await body() }
        running.set(task)
        let watcher = Task.detached {
            while !Task.isCancelled {
                if Terminal.interruptCount != before {
                    running.cancel()
                    return
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        let outcome = await task.value
        watcher.cancel()
        return outcome
    }

    /// The script's task, once started, for the signal handler to cancel.
    /// A cancellation that arrives before the task is set is kept and applied when it is.
    private final class RunningTask: @unchecked Sendable {
        private let lock = NSLock()
        private var task: Task<RunOutcome, Never>?
        private var isCancelled = false

        func set(_ task: Task<RunOutcome, Never>) {
            let cancelNow = lock.withLock {
                self.task = task
                return isCancelled
            }
            if cancelNow { task.cancel() }
        }

        func cancel() {
            let task = lock.withLock {
                isCancelled = true
                return self.task
            }
            task?.cancel()
        }
    }
}
