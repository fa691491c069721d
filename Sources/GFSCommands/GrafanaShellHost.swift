public import Foundation
public import GFSLanguage
public import GrafanaAPI
import Synchronization

/// The `CommandHost` of the `gfs` executable: runs the catalog's commands against Grafana
/// through `GrafanaAPI`, shows their results and keeps the connection context.
///
/// The host owns the ``GrafanaContext`` (server, credentials, current org), the server version
/// (fetched once, lazily) and the set of secrets it has seen, which it keeps out of everything
/// it prints. Commands live in `GrafanaShellHost+<Group>.swift`; output formatting in
/// ``ResultFormatter``.
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
        /// The secret of the last `key create`, which a terminal may show once.
        var lastCreatedKey: String?
        /// A result has been shown in text, so the next one starts after a blank line.
        var hasShownText = false
        /// Writes that were in flight when the running command was interrupted.
        var interruptedWrites: [GrafanaError.Call] = []
    }

    public let commandTable: CommandTable
    public let options: Options
    let sink: any OutputSink
    let transport: any HTTPTransport
    let recorder = DryRunRecorder()
    let state: Mutex<State>

    /// Creates a host acting in `context`.
    public init(
        context: GrafanaContext,
        options: Options = Options(),
        sink: any OutputSink = Console.standard,
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared,
        commandTable: CommandTable = GFSCommandCatalog.table
    ) {
        self.commandTable = commandTable
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
            throw redacted(CommandFailure(message: error.message, hint: error.hint))
        }
    }

    func dispatch(_ call: CommandCall) async throws -> Value {
        switch call.path {
        case ["connect"]: try await connect(call)
        case ["context"]: try await showContext(call)
        case ["use"]: try await use(call)
        case ["use", "org"]: try await useOrg(call)
        case ["use", "token"]: try await useToken(call)
        case ["org", "create"]: try await createOrg(call)
        case ["org", "list"]: try await listOrgs(call)
        case ["org", "show"]: try await showOrg(call)
        case ["org", "delete"]: try await deleteOrg(call)
        case ["org", "rename"]: try await renameOrg(call)
        case ["org", "user", "add"]: try await addOrgUser(call)
        case ["org", "user", "list"]: try await listOrgUsers(call)
        case ["org", "user", "role"]: try await setOrgUserRole(call)
        case ["org", "user", "remove"]: try await removeOrgUser(call)
        case ["key", "create"]: try await createKey(call)
        case ["key", "list"]: try await listKeys(call)
        case ["key", "delete"]: try await deleteKey(call)
        case ["dashboard", "push"]: try await pushDashboards(call)
        case ["dashboard", "pull"]: try await pullDashboard(call)
        case ["dashboard", "list"]: try await listDashboards(call)
        case ["dashboard", "delete"]: try await deleteDashboard(call)
        case ["dashboard", "diff"]: try await diffDashboard(call)
        case ["folder", "create"]: try await createFolder(call)
        case ["folder", "list"]: try await listFolders(call)
        case ["folder", "delete"]: try await deleteFolder(call)
        case ["datasource", "create"]: try await createDataSource(call)
        case ["datasource", "list"]: try await listDataSources(call)
        case ["datasource", "show"]: try await showDataSource(call)
        case ["datasource", "delete"]: try await deleteDataSource(call)
        default: throw CommandFailure(message: "Command '\(call.name)' is not implemented by this host")
        }
    }

    public func display(_ value: Value, of call: CommandCall?) async {
        let formatter = ResultFormatter(secrets: secretsToHide(for: call))
        switch options.output {
        case .json:
            sink.write(formatter.json(value) + "\n", to: .standardOutput)
        case .text:
            var text = formatter.text(value, command: call?.path ?? [])
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

    /// The secrets to mask when showing a result: all of them, except the new key of
    /// `key create` in text on a terminal (shown that once), and none with `--show-secrets`.
    func secretsToHide(for call: CommandCall?) -> Set<String> {
        if options.showSecrets { return [] }
        return withState { state in
            var secrets = state.secrets
            if call?.path == ["key", "create"], options.output == .text, options.isTerminal,
                let key = state.lastCreatedKey
            {
                secrets.remove(key)
            }
            return secrets
        }
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

extension GrafanaError {
    /// True for the error a dry run gives instead of sending a write.
    var isNotSent: Bool { kind == .notSent }
}
