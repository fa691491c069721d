public import Foundation
public import GFSLanguage
public import GrafanaAPI
import Synchronization

/// The `CommandHost` of the `gfs` executable: runs the catalog's commands against Grafana
/// through `GrafanaAPI`, shows their results and keeps the connection context.
///
/// The host owns the ``GrafanaContext`` (server, credentials, current org), the server version
/// (fetched once, lazily) and the set of secrets it has seen, which it keeps out of everything
/// it prints. It runs and shows each call through its ``CommandDefinition`` (one file per
/// resource under `Commands/`); output formatting is ``ResultFormatter``'s.
public final class GrafanaShellHost: CommandHost {
    /// How results are shown.
    public enum OutputFormat: String, Sendable, CaseIterable {
        /// Key/value blocks for records, aligned tables for lists of records.
        case text
        /// One compact JSON document per line, for `jq` and other programs.
        case json
    }

    /// How results are shown and whether writes are sent.
    public struct Options: Sendable {
        /// The same as ``GrafanaShellHost/OutputFormat``; kept for code written against the
        /// earlier nesting.
        public typealias OutputFormat = GrafanaShellHost.OutputFormat

        public var output: OutputFormat
        /// Reads run, writes are printed as curl commands on standard error and not sent.
        public var dryRun: Bool
        /// Print secrets (the new key of `key create`) even when standard output is not a
        /// terminal, and in `--output json`.
        public var showSecrets: Bool
        /// Standard output is a terminal: `key create` shows its secret there, once.
        public var isTerminal: Bool
        /// Standard error is a terminal: `dashboard push` of several files shows a progress line.
        public var showsProgress: Bool
        /// The environment `connect --password-env` and `--secure-env` read.
        public var environment: [String: String]
        /// The config file for `connect --context`; nil is the default location.
        public var configPath: String?
        /// In text output, put a blank line between one shown result and the next, so a
        /// script's blocks and tables do not run together. An interactive shell, where a
        /// prompt already separates them, may turn it off.
        public var separatesResults: Bool
        /// The deadline of each request (`--timeout`); nil leaves it to the context or the default.
        public var timeout: Duration?
        /// How often a failed read or idempotent write is retried (`--retries`); nil leaves it
        /// to the context or the default.
        public var retries: Int?
        /// Each retry is announced on standard error (`-v`).
        public var verbose: Bool
        /// Why the connection settings cannot be used (a malformed config file), if they
        /// cannot: every command then fails with it, while the language's own statements
        /// (`echo`, `let`, `help`) still run.
        public var connectionProblem: ContextError?

        public init(
            output: OutputFormat = .text,
            dryRun: Bool = false,
            showSecrets: Bool = false,
            isTerminal: Bool = false,
            showsProgress: Bool = false,
            environment: [String: String] = ProcessInfo.processInfo.environment,
            configPath: String? = nil,
            separatesResults: Bool = true,
            timeout: Duration? = nil,
            retries: Int? = nil,
            verbose: Bool = false
        ) {
            self.output = output
            self.dryRun = dryRun
            self.showSecrets = showSecrets
            self.isTerminal = isTerminal
            self.showsProgress = showsProgress
            self.environment = environment
            self.configPath = configPath
            self.separatesResults = separatesResults
            self.timeout = timeout
            self.retries = retries
            self.verbose = verbose
        }
    }

    struct State: Sendable {
        var context: GrafanaContext
        /// nil: not fetched yet; `.some(nil)`: the server hides its version.
        var serverVersion: GrafanaVersion??
        var secrets: Set<String> = []
        /// How many planned writes of the recorder have been printed.
        var printedWrites = 0
        /// A result has been shown in text, so the next one starts after a blank line.
        var hasShownText = false
        /// Writes that were in flight when the running command was interrupted.
        var interruptedWrites: [GrafanaError.Call] = []
    }

    public let commandTable: CommandTable
    /// The commands this host runs, by name (`org user add`).
    let definitions: [String: CommandDefinition]
    public let options: Options
    let sink: any OutputSink
    let transport: any HTTPTransport
    let recorder = DryRunRecorder()
    let state: Mutex<State>

    /// Creates a host acting in `context` that runs `definitions` (every gfs command by
    /// default).
    public init(
        context: GrafanaContext,
        options: Options = Options(),
        sink: any OutputSink = Console.standard,
        transport: any HTTPTransport = StandardTransport.shared,
        definitions: [CommandDefinition] = GFSCommandCatalog.definitions
    ) {
        self.commandTable = CommandTable(
            commands: definitions.map(\.spec),
            groupSummaries: GFSCommandCatalog.groupSummaries
        )
        self.definitions = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.options = options
        self.sink = sink
        self.transport = transport
        var initial = State(context: context)
        if let secret = context.maskableSecret { initial.secrets.insert(secret) }
        self.state = Mutex(initial)
    }

    /// The connection context now in use.
    public var context: GrafanaContext { state.withLock { $0.context } }

    /// Every secret the host has seen (passwords, tokens it read or created), so the shell can
    /// keep lines holding them out of history.
    public var knownSecrets: Set<String> { state.withLock { $0.secrets } }

    /// A client for the current context. `--timeout` and `--retries` win over the context's.
    var client: GrafanaClient {
        var configuration = context.clientConfiguration
        if let timeout = options.timeout { configuration.timeouts.total = timeout }
        if let retries = options.retries { configuration.retry.maxRetries = retries }
        return GrafanaClient(
            configuration: configuration,
            transport: transport,
            writePolicy: options.dryRun ? .capture(recorder) : .send,
            hooks: GrafanaClient.Hooks(observe: { [weak self] event in self?.observe(event) })
        )
    }

    /// Retries go to standard error with `-v`; interrupted writes are kept for the warning
    /// ``run(_:)`` gives once the command has stopped.
    func observe(_ event: GrafanaClient.Event) {
        switch event {
        case .retrying(let retry):
            if options.verbose { note("gfs: \(retry)") }
        case .interruptedWrite(let call):
            withState { $0.interruptedWrites.append(call) }
        }
    }

    /// Reads or changes the host's state under its lock.
    func withState<Result>(_ body: (inout State) -> Result) -> Result {
        state.withLock { body(&$0) }
    }

    func update(_ change: (inout GrafanaContext) -> Void) {
        state.withLock { change(&$0.context) }
    }

    func remember(secret: String) {
        state.withLock { _ = $0.secrets.insert(secret) }
    }

    /// The server's version, fetched once per connection (nil when the server hides it).
    func serverVersion() async throws -> GrafanaVersion? {
        if let known = state.withLock({ $0.serverVersion }) { return known }
        let version = try await client.serverVersion()
        state.withLock { $0.serverVersion = .some(version) }
        return version
    }

    func forgetServerVersion() {
        state.withLock { $0.serverVersion = nil }
    }

    // MARK: CommandHost

    public func run(_ call: CommandCall) async throws -> Value {
        defer { printPlannedWrites() }
        do {
            if let problem = options.connectionProblem { throw problem }
            try await resolvePendingOrg()
            return try await dispatch(call)
        } catch let failure as CommandFailure {
            throw redacted(failure)
        } catch let error as GrafanaError {
            throw redacted(CommandFailure(error, check: checkCommand(for: call.path)))
        } catch is CancellationError {
            warnAboutInterruptedWrites(of: call)
            throw CancellationError()
        } catch let error as ContextError {
            throw redacted(CommandFailure(error))
        }
    }

    /// Runs a call through the definition of its path.
    func dispatch(_ call: CommandCall) async throws -> Value {
        guard let definition = definitions[call.name] else {
            throw CommandFailure(message: "Command '\(call.name)' is not implemented by this host")
        }
        return try await definition.handler(self, CommandArguments(call, spec: definition.spec))
    }

    public func display(_ value: Value, of call: CommandCall?) async {
        let display = call.flatMap { definitions[$0.name]?.display } ?? ResultDisplay()
        let formatter = ResultFormatter(secrets: secretsToHide(in: value, display: display))
        switch options.output {
        case .json:
            sink.write(formatter.json(value) + "\n", to: .standardOutput)
        case .text:
            var text = formatter.text(value, display: display)
            guard !text.isEmpty else { return }
            if !text.hasSuffix("\n") { text += "\n" }
            let follows = withState { state in
                defer { state.hasShownText = true }
                return state.hasShownText
            }
            if follows, options.separatesResults { text = "\n" + text }
            sink.write(text, to: .standardOutput)
        }
    }

    public func write(_ text: String, to stream: OutputStreamKind) async {
        sink.write(options.showSecrets ? text : Redactor(secrets: knownSecrets).redact(text), to: stream)
    }

    public func readSource(at path: String) async throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CommandFailure(message: "Cannot read '\(path)'", hint: "Check that the file exists and is readable.")
        }
    }

    // MARK: Secrets and dry runs

    /// The secrets to mask when showing a result: all of them, except those in the result's
    /// secret fields (a new key) in text on a terminal, shown that once, and none with
    /// `--show-secrets`.
    func secretsToHide(in value: Value, display: ResultDisplay) -> Set<String> {
        if options.showSecrets { return [] }
        var secrets = knownSecrets
        if options.output == .text, options.isTerminal, case .record(let record) = value {
            for field in display.secretFields {
                if let secret = record[field]?.stringValue { secrets.remove(secret) }
            }
        }
        return secrets
    }

    func redacted(_ failure: CommandFailure) -> CommandFailure {
        let redactor = Redactor(secrets: knownSecrets)
        var failure = failure
        failure.message = redactor.redact(failure.message)
        failure.hint = failure.hint.map(redactor.redact)
        return failure
    }

    /// Prints the writes a dry run planned since the last call, as curl commands on stderr.
    func printPlannedWrites() {
        guard options.dryRun else { return }
        let writes = recorder.writes
        let start = state.withLock { state in
            defer { state.printedWrites = writes.count }
            return state.printedWrites
        }
        let redactor = Redactor(secrets: knownSecrets)
        for write in writes.dropFirst(start) {
            sink.write("dry run: \(write.operation): \(redactor.redact(write.curlCommand))\n", to: .standardError)
        }
    }

    /// What a command returns for a write: made from the server's answer when it was sent;
    /// for a write a dry run only planned, the command's `placeholder` marked `dryRun: true`,
    /// so later lines still evaluate and `use` knows not to act on it.
    func result<Answer>(
        of outcome: WriteOutcome<Answer>,
        planned placeholder: @autoclosure () -> Record,
        sent: (Answer) throws -> Value
    ) rethrows -> Value {
        switch outcome {
        case .sent(let answer): try sent(answer)
        case .planned: self.placeholder(placeholder())
        }
    }

    /// The value that stands for what a planned write would have made: `record` marked
    /// `dryRun: true`. Every placeholder is made here.
    func placeholder(_ record: Record) -> Value {
        var record = record
        record["dryRun"] = .bool(true)
        return .record(record)
    }

    /// Writes a note on standard error.
    func note(_ text: String) {
        sink.write(Redactor(secrets: knownSecrets).redact(text) + "\n", to: .standardError)
    }

    /// A command that shows whether a write of `path` was applied: the group's `list`
    /// (`org create` → `org list`), or `context` when the group has none.
    func checkCommand(for path: [String]) -> String {
        var candidate = path
        while candidate.count > 1 {
            candidate[candidate.count - 1] = "list"
            if commandTable.command(candidate) != nil { return candidate.joined(separator: " ") }
            candidate.removeLast()
        }
        return "context"
    }

    /// After Ctrl-C, names each write that was in flight: it may have been applied.
    func warnAboutInterruptedWrites(of call: CommandCall) {
        let calls = withState { state in
            defer { state.interruptedWrites.removeAll() }
            return state.interruptedWrites
        }
        for write in calls {
            note(
                "gfs: warning: \(write) was interrupted in flight; Grafana may have applied it; "
                    + "check with '\(checkCommand(for: call.path))' before running '\(call.name)' again"
            )
        }
    }

    /// Looks up an org that a config context named but did not number.
    func resolvePendingOrg() async throws {
        guard let name = context.pendingOrgName else { return }
        let orgs = try await client.currentUserOrgs()
        guard let org = orgs.first(where: { $0.name == name }) else {
            throw CommandFailure(
                message: "You are not a member of org '\(name)'",
                hint: "Check the org in your config context, or ask an admin of '\(name)' to add you."
            )
        }
        update {
            $0.org = GrafanaContext.OrgSelection(id: org.orgId, name: org.name)
            $0.pendingOrgName = nil
        }
    }
}
