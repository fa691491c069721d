// MARK: Public interface

/// Runs gfs scripts and prompt lines against a command host, keeping one session.
///
/// A source is parsed and checked whole before anything runs, so a syntax error or an
/// unknown command anywhere means no command runs. Then statements run in order: commands
/// go to the host, expression statements are shown through `host.display` and bound to
/// `$_`, `echo` writes through `host.write`. The first failure stops the run and becomes a
/// diagnostic with the failing statement's or expression's range.
///
/// The semantics in brief (the grammar is in `grammar/gfs.ebnf`):
/// - Variables live in one flat session scope; `let`, `for` and commands with an implicit
///   variable (`org create` binds `$org`) bind them. Every command's result is also `$_`.
/// - `try CMD` yields `null` when the command fails and binds `$error` to a record
///   (`message`, `hint`, `command`, `file`, `line`, `column` and the host's details);
///   a successful `try` sets `$error` to `null`. Without `try` a failure stops the run.
/// - Only `null` and `false` are false. `and`/`or` stop early and give the deciding
///   operand (`$name or "default"`); `not` gives a bool.
/// - `==` compares any values (numbers across int and double); `<` and friends compare two
///   numbers or two strings. `+` adds numbers and joins two strings or two lists.
/// - `for x in LIST` loops over a list; over a record it loops over `{key, value}` entries.
/// - Interpolation and `echo` show strings raw, numbers plainly, lists and records as
///   compact JSON.
///
/// One run at a time: the actor serialises calls, but a second `run` started while the
/// first awaits the host would interleave with it.
public actor Interpreter {
    /// Where commands run and output goes.
    public nonisolated let host: any CommandHost
    /// Variables and the stack of running files, kept across `run` calls.
    public private(set) var session: Session
    /// Every file read so far by name, for rendering diagnostics that point into them.
    private var loadedSources: [String: SourceFile] = [:]
    /// Told about each top-level statement (`gfs --log`).
    private var statementObserver: (any StatementObserver)?

    /// How deeply `source` may nest before a file sourcing itself is taken for a loop.
    public static let maximumSourceDepth = 32

    /// The most bytes (UTF-8) a string built by a script may hold: 64 MiB. `+`,
    /// interpolation, joined arguments and `echo` stop with an error beyond it.
    public static let maximumStringSize = 64 << 20

    /// The most elements a list joined with `+` may hold.
    public static let maximumListCount = 1 << 20

    /// An interpreter running commands on `host`, starting from `session`.
    public init(host: any CommandHost, session: Session = Session()) {
        self.host = host
        self.session = session
    }

    /// Binds script parameters: `--var NAME=VALUE` pairs and positional arguments
    /// (see `Session.setParameters`).
    public func setParameters(arguments: [String], variables: [(name: String, value: String)] = []) {
        session.setParameters(arguments: arguments, variables: variables)
    }

    /// Binds one variable, as `let` would.
    public func setVariable(_ name: String, to value: Value) {
        session.variables[name] = value
    }

    /// Tells `observer` about each top-level statement from now on (`nil`: no one).
    public func observeStatements(_ observer: (any StatementObserver)?) {
        statementObserver = observer
    }

    /// The value of `$name`, if bound.
    public func variable(_ name: String) -> Value? {
        session.variables[name]
    }

    /// Parses, checks and runs a whole script in this session.
    public func run(_ source: SourceFile) async -> RunOutcome {
        loadedSources[source.name] = source
        let checked: CheckedScript
        do {
            checked = try await check(source)
        } catch {
            return outcome(for: error)
        }
        return await run(checked)
    }

    /// Parses and checks `source` against `table`, with `knownVariables` bound, without a
    /// host or a session: for callers that must turn a bad script away before setting anything
    /// up (`gfs --sandbox` starts no server for a script that cannot run). Run the result with
    /// `run(_:)` on an interpreter whose host has the same table.
    ///
    /// The files the script sources with a fixed path are read with `readSource` (given the
    /// resolved path) and checked with it, so nothing runs when one of them is wrong.
    public static func check(
        _ source: SourceFile,
        table: CommandTable,
        knownVariables: Set<String>,
        readSource: @Sendable (String) async throws -> String
    ) async throws(CheckFailure) -> CheckedScript {
        let script: Script
        do {
            script = try parseScript(source)
        } catch {
            throw CheckFailure(diagnostics: [error], sources: [source])
        }
        let sourced = await SourcedFiles.load(for: script, readSource: readSource)
        return try Checker(table: table, knownVariables: knownVariables, sourcedFiles: sourced).check(script)
    }

    /// Parses and checks `source` like `check(_:table:knownVariables:readSource:)`, but
    /// reads no sourced file: each `source` is checked only when it runs.
    public static func check(
        _ source: SourceFile,
        table: CommandTable,
        knownVariables: Set<String>
    ) throws(CheckFailure) -> CheckedScript {
        let script: Script
        do {
            script = try parseScript(source)
        } catch {
            throw CheckFailure(diagnostics: [error], sources: [source])
        }
        return try Checker(table: table, knownVariables: knownVariables).check(script)
    }

    /// Runs a script already checked against this host's table (and this session's
    /// variables), for callers that parse and check themselves.
    public func run(_ checked: CheckedScript) async -> RunOutcome {
        let source = checked.script.source
        loadedSources[source.name] = source
        session.sourceStack = [source]
        defer { session.sourceStack = [] }
        for (name, file) in checked.sourced { loadedSources[name] = file.script.source }
        let context = Context(checked: checked, source: source, sourced: checked.sourced)
        do {
            guard let observer = statementObserver else {
                try await execute(checked.script.statements, in: context)
                return RunOutcome(status: .success)
            }
            for statement in checked.script.statements {
                let running = RunStatement(source: source, range: statement.range)
                await observer.statementWillRun(running)
                do {
                    try await execute(statement, in: context)
                } catch {
                    await observer.statementDidRun(running, outcome: outcome(for: error))
                    throw error
                }
                await observer.statementDidRun(running, outcome: RunOutcome(status: .success))
            }
            return RunOutcome(status: .success)
        } catch {
            return outcome(for: error)
        }
    }

    /// Runs one line typed at the prompt: the same as a script, in the same session, so
    /// variables bound on one line are there on the next. `number` names the source
    /// (`<line 3>`) so diagnostics from different lines stay apart.
    public func runLine(_ text: String, number: Int) async -> RunOutcome {
        await run(SourceFile(name: "<line \(number)>", text: text))
    }
}

// MARK: Implementation

/// What stops a run early; each becomes a `RunOutcome`.
enum Interruption: Error {
    case failure(Diagnostic)
    case invalid([Diagnostic])
    /// A file sourced through a variable did not parse or check: found only after other
    /// statements may have run, so the run failed rather than never started.
    case invalidSource([Diagnostic])
    case exit(Int32)
    case cancelled
}

/// The file being run and the checker's resolution of its commands.
struct Context {
    var checked: CheckedScript
    var source: SourceFile
    /// Every file checked with the script, by resolved path.
    var sourced: [String: CheckedScript]

    var sourceName: String { source.name }
}

extension Interpreter {
    func check(_ source: SourceFile) async throws(Interruption) -> CheckedScript {
        let host = host
        do {
            return try await Interpreter.check(
                source,
                table: host.commandTable,
                knownVariables: session.variableNames,
                readSource: { path in try await host.readSource(at: path) }
            )
        } catch {
            for file in error.sources { loadedSources[file.name] = file }
            throw .invalid(error.diagnostics)
        }
    }

    func outcome(for error: any Error) -> RunOutcome {
        switch error {
        case let Interruption.failure(diagnostic):
            return RunOutcome(status: .failed, diagnostics: [diagnostic], sources: sources(for: [diagnostic]))
        case let Interruption.invalid(diagnostics):
            return RunOutcome(status: .invalid, diagnostics: diagnostics, sources: sources(for: diagnostics))
        case let Interruption.invalidSource(diagnostics):
            return RunOutcome(status: .failed, diagnostics: diagnostics, sources: sources(for: diagnostics))
        case let Interruption.exit(code):
            return RunOutcome(status: .exited(code))
        case Interruption.cancelled, is CancellationError:
            return RunOutcome(status: .interrupted)
        default:
            let diagnostic = Diagnostic(
                code: .internalError,
                message: "Internal error: \(error)",
                range: SourceRange(
                    start: SourcePosition(offset: 0, line: 1, column: 1),
                    end: SourcePosition(offset: 0, line: 1, column: 1)
                ),
                sourceName: session.currentSource?.name ?? ""
            )
            return RunOutcome(status: .failed, diagnostics: [diagnostic])
        }
    }

    func sources(for diagnostics: [Diagnostic]) -> [SourceFile] {
        var names: [String] = []
        for diagnostic in diagnostics where !names.contains(diagnostic.sourceName) {
            names.append(diagnostic.sourceName)
        }
        return names.compactMap { loadedSources[$0] }
    }

    func failure(
        _ code: ErrorCode,
        _ message: String,
        hint: String? = nil,
        at range: SourceRange,
        in context: Context
    ) -> Interruption {
        .failure(Diagnostic(code: code, message: message, hint: hint, range: range, sourceName: context.sourceName))
    }

    func checkCancellation() throws(Interruption) {
        if Task.isCancelled { throw .cancelled }
    }

    // MARK: Statements

    func execute(_ statements: [Statement], in context: Context) async throws(Interruption) {
        for statement in statements {
            try await execute(statement, in: context)
        }
    }

    func execute(_ statement: Statement, in context: Context) async throws(Interruption) {
        try checkCancellation()
        switch statement.kind {
        case let .expression(expression):
            if case let .command(command) = expression.kind {
                let (value, call) = try await run(command, in: context)
                session.variables["_"] = value
                // A command with nothing to say (`use`, a failed `try`, `help`) shows nothing.
                if value != .null { await host.display(value, of: call) }
            } else {
                let value = try await evaluate(expression, in: context)
                session.variables["_"] = value
                await host.display(value, of: nil)
            }

        case let .binding(name, value):
            session.variables[name.name] = try await evaluate(value, in: context)

        case let .conditional(condition, then, otherwise):
            if try await evaluate(condition, in: context).isTruthy {
                try await execute(then.statements, in: context)
            } else {
                switch otherwise {
                case let .block(block)?: try await execute(block.statements, in: context)
                case let .conditional(nested)?: try await execute(nested, in: context)
                case nil: break
                }
            }

        case let .loop(variable, sequence, body):
            let items: [Value]
            switch try await evaluate(sequence, in: context) {
            case let .list(elements):
                items = elements
            case let .record(record):
                // A record loops over its entries, in order, as `{key, value}` records.
                items = record.map { .record(Record([("key", .string($0.key)), ("value", $0.value)])) }
            case let other:
                throw failure(
                    .typeMismatch,
                    "Cannot loop over \(other.typeDescription)",
                    hint: "'for' loops over a list, or over a record's entries.",
                    at: sequence.range,
                    in: context
                )
            }
            for item in items {
                try checkCancellation()
                session.variables[variable.name] = item
                try await execute(body.statements, in: context)
            }

        case let .assertion(condition, message):
            guard try await !evaluate(condition, in: context).isTruthy else { return }
            var text = "Assertion failed"
            if let message {
                text += ": \(try await evaluate(message, in: context).description)"
            }
            throw failure(.assertionFailed, text, at: condition.range, in: context)

        case let .echo(arguments):
            var line = ""
            for (position, argument) in arguments.enumerated() {
                if position > 0 { line += " " }
                line += try await evaluate(argument, in: context).description
                try checkStringSize(line.utf8.count, at: statement.range, in: context)
            }
            await host.write(line + "\n", to: .standardOutput)

        case let .source(path):
            try await runSource(path, in: context)

        case let .exit(code):
            guard let code else { throw .exit(0) }
            let value = try await evaluate(code, in: context)
            guard case let .int(number) = value, (0...255).contains(number) else {
                throw failure(
                    .invalidExitCode,
                    "Invalid exit code \(value.description)",
                    hint: "An exit code is a whole number from 0 to 255.",
                    at: code.range,
                    in: context
                )
            }
            throw .exit(Int32(number))
        }
    }

    func runSource(_ pathExpression: Expression, in context: Context) async throws(Interruption) {
        guard case let .string(path) = try await evaluate(pathExpression, in: context) else {
            throw failure(.typeMismatch, "Expected a file path after 'source'", at: pathExpression.range, in: context)
        }
        guard session.sourceStack.count < Interpreter.maximumSourceDepth else {
            throw failure(
                .sourceLoop,
                "Too many nested 'source' statements",
                hint: "Does a file source itself?",
                at: pathExpression.range,
                in: context
            )
        }
        let resolved = SourcedFiles.resolve(path, relativeTo: context.sourceName)
        if let checked = context.sourced[resolved] {
            // Read and checked with the script before it started.
            session.sourceStack.append(checked.script.source)
            defer { session.sourceStack.removeLast() }
            try await execute(
                checked.script.statements,
                in: Context(checked: checked, source: checked.script.source, sourced: context.sourced)
            )
            return
        }
        let text: String
        do {
            text = try await host.readSource(at: resolved)
        } catch {
            throw failure(
                .sourceUnreadable,
                "Cannot read '\(path)'",
                hint: Interpreter.describe(error),
                at: pathExpression.range,
                in: context
            )
        }
        let file = SourceFile(name: resolved, text: text)
        loadedSources[resolved] = file
        let checked: CheckedScript
        do {
            checked = try await check(file)
        } catch .invalid(let diagnostics) {
            throw .invalidSource(diagnostics)
        } catch {
            throw error
        }
        session.sourceStack.append(file)
        defer { session.sourceStack.removeLast() }
        var sourced = context.sourced
        sourced.merge(checked.sourced) { current, _ in current }
        try await execute(checked.script.statements, in: Context(checked: checked, source: file, sourced: sourced))
    }

    static func describe(_ error: any Error) -> String {
        if let failure = error as? CommandFailure { return failure.message }
        return String(describing: error)
    }

    // MARK: Commands

    func run(_ command: Command, in context: Context) async throws(Interruption) -> (value: Value, call: CommandCall?) {
        try checkCancellation()
        guard let resolution = context.checked.resolution(of: command) else {
            throw failure(.internalError, "Command was not checked", at: command.range, in: context)
        }
        switch resolution.target {
        case let .help(topic):
            let text = HelpFormatter(table: host.commandTable).help(for: topic)
            await host.write(text, to: .standardOutput)
            return (.null, nil)
        case let .host(spec):
            let call = try await makeCall(spec, resolution, command, in: context)
            let value: Value
            do {
                value = try await host.run(call)
            } catch {
                // A host cancelled mid-request may report it as its own error (a dropped
                // connection); the run was interrupted either way, and `try` must not hide it.
                if error is CancellationError || Task.isCancelled { throw .cancelled }
                let failure = error as? CommandFailure ?? CommandFailure(message: Interpreter.describe(error))
                guard command.isTry else {
                    throw .failure(
                        Diagnostic(
                            code: failure.code,
                            message: failure.message,
                            hint: failure.hint,
                            range: command.range,
                            sourceName: context.sourceName,
                            details: failure.details
                        )
                    )
                }
                session.variables["error"] = .record(errorRecord(failure, call: call, command: command, in: context))
                session.variables["_"] = .null
                return (.null, call)
            }
            try checkCancellation()
            if command.isTry { session.variables["error"] = .null }
            if let binds = spec.binds { session.variables[binds] = value }
            session.variables["_"] = value
            return (value, call)
        }
    }

    func makeCall(
        _ spec: CommandSpec,
        _ resolution: ResolvedCommand,
        _ command: Command,
        in context: Context
    ) async throws(Interruption) -> CommandCall {
        var arguments: [Value] = []
        for argument in resolution.arguments {
            arguments.append(try await evaluate(argument, in: context))
        }
        var options: [String: Value] = [:]
        for option in resolution.options {
            let value =
                if let expression = option.value { try await evaluate(expression, in: context) } else {
                    Value.bool(true)
                }
            if option.spec.isRepeatable {
                if case var .list(values)? = options[option.spec.name] {
                    values.append(value)
                    options[option.spec.name] = .list(values)
                } else {
                    options[option.spec.name] = .list([value])
                }
            } else {
                options[option.spec.name] = value
            }
        }
        return CommandCall(
            path: spec.path,
            arguments: arguments,
            options: options,
            range: command.range,
            sourceName: context.sourceName
        )
    }

    /// `$error` after a failed `try`: its code, what failed and where, plus the host's details
    /// (for Grafana errors, `status` and `messageId`).
    func errorRecord(_ failure: CommandFailure, call: CommandCall, command: Command, in context: Context) -> Record {
        var record = Record([
            ("code", .string(failure.code.name)),
            ("message", .string(failure.message)),
            ("hint", failure.hint.map(Value.string) ?? .null),
            ("command", .string(call.name)),
            ("file", .string(context.sourceName)),
            ("line", .int(command.range.start.line)),
            ("column", .int(command.range.start.column)),
        ])
        for (key, value) in failure.details { record[key] = value }
        return record
    }

    // MARK: Expressions

    func evaluate(_ expression: Expression, in context: Context) async throws(Interruption) -> Value {
        switch expression.kind {
        case let .literal(value):
            return value

        case let .string(parts):
            var text = ""
            for part in parts {
                switch part {
                case let .text(piece): text += piece
                case let .interpolation(inner): text += try await evaluate(inner, in: context).description
                }
                try checkStringSize(text.utf8.count, at: expression.range, in: context)
            }
            return .string(text)

        case let .word(word):
            return Value(word: word)

        case let .variable(name):
            guard let value = session.variables[name.name] else {
                // The checker let it through, so some path could have bound it: say which.
                let binder = host.commandTable.commands.first { $0.binds == name.name }
                let hint =
                    binder.map { "'$\(name.name)' is set by '\($0.name)', which has not succeeded yet." }
                    ?? (name.name == "error" ? "'$error' is set by a command prefixed with 'try'." : nil)
                    ?? name.name.bestMatch(in: session.variables.keys).map { "Did you mean '$\($0)'?" }
                throw failure(
                    .undefinedVariable,
                    "Undefined variable '$\(name.name)'",
                    hint: hint,
                    at: name.range,
                    in: context
                )
            }
            return value

        case let .member(base, name):
            let value = try await evaluate(base, in: context)
            return try field(name, of: value, in: context)

        case let .index(base, index):
            let value = try await evaluate(base, in: context)
            let key = try await evaluate(index, in: context)
            return try element(key, at: index.range, of: value, whole: expression.range, in: context)

        case let .list(elements):
            var values: [Value] = []
            for element in elements {
                values.append(try await evaluate(element, in: context))
            }
            return .list(values)

        case let .record(entries):
            var record = Record()
            for entry in entries {
                record[entry.key] = try await evaluate(entry.value, in: context)
            }
            return .record(record)

        case let .unary(op, operand):
            let value = try await evaluate(operand, in: context)
            switch op {
            case .not:
                return .bool(!value.isTruthy)
            case .negate:
                switch value {
                case let .int(number):
                    // -Int.min is one beyond Int.max.
                    guard number != .min else {
                        throw failure(
                            .integerOverflow,
                            "Integer overflow",
                            hint: "-(\(Int.min)) is beyond \(Int.max), the largest integer.",
                            at: expression.range,
                            in: context
                        )
                    }
                    return .int(-number)
                case let .double(number): return .double(-number)
                default:
                    throw failure(
                        .typeMismatch,
                        "Cannot negate \(value.typeDescription)",
                        at: expression.range,
                        in: context
                    )
                }
            }

        case let .binary(op, left, right):
            return try await evaluateBinary(op, left, right, whole: expression, in: context)

        case let .command(command):
            return try await run(command, in: context).value

        case let .concatenation(pieces):
            var text = ""
            for piece in pieces {
                text += try await evaluate(piece, in: context).description
                try checkStringSize(text.utf8.count, at: expression.range, in: context)
            }
            return .string(text)
        }
    }

    func field(_ name: Identifier, of value: Value, in context: Context) throws(Interruption) -> Value {
        guard case let .record(record) = value else {
            throw failure(
                .typeMismatch,
                "Cannot read field '\(name.name)' of \(value.typeDescription)",
                hint: value == .null
                    ? "The value is null; did the command return nothing?" : "Only records have fields.",
                at: name.range,
                in: context
            )
        }
        guard let field = record[name.name] else {
            throw failure(
                .noSuchField,
                "No field '\(name.name)' in the record",
                hint: fieldHint(name.name, record),
                at: name.range,
                in: context
            )
        }
        return field
    }

    func fieldHint(_ name: String, _ record: Record) -> String {
        if let match = name.bestMatch(in: record.keys) { return "Did you mean '\(match)'?" }
        if record.isEmpty { return "The record is empty." }
        return "Its fields are: \(record.keys.joined(separator: ", "))."
    }

    func element(
        _ key: Value,
        at keyRange: SourceRange,
        of value: Value,
        whole: SourceRange,
        in context: Context
    ) throws(Interruption) -> Value {
        switch (value, key) {
        case let (.list(elements), .int(index)):
            guard elements.indices.contains(index) else {
                throw failure(
                    .indexOutOfRange,
                    "Index \(index) out of range",
                    hint: elements.isEmpty
                        ? "The list is empty."
                        : "The list has \(elements.count) element\(elements.count == 1 ? "" : "s"), indexed from 0 to \(elements.count - 1).",
                    at: keyRange,
                    in: context
                )
            }
            return elements[index]
        case (.list, _):
            throw failure(
                .typeMismatch,
                "List index must be a whole number, not \(key.typeDescription)",
                at: keyRange,
                in: context
            )
        case let (.record(record), .string(name)):
            guard let field = record[name] else {
                throw failure(
                    .noSuchField,
                    "No field '\(name)' in the record",
                    hint: fieldHint(name, record),
                    at: keyRange,
                    in: context
                )
            }
            return field
        case (.record, _):
            throw failure(
                .typeMismatch,
                "Record key must be a string, not \(key.typeDescription)",
                at: keyRange,
                in: context
            )
        default:
            throw failure(
                .typeMismatch,
                "Cannot index \(value.typeDescription)",
                hint: "Only lists and records can be indexed.",
                at: whole,
                in: context
            )
        }
    }

    /// The error for `+` or `-` of two integers whose result does not fit: integers stay
    /// exact, so an overflow stops the script rather than quietly becoming a rounded double.
    func integerOverflow(_ op: BinaryOperator, at range: SourceRange, in context: Context) -> Interruption {
        failure(
            .integerOverflow,
            "Integer overflow",
            hint:
                "The result of '\(op.rawValue)' is beyond the integers' range (\(Int.min) to \(Int.max)); write an operand with a fraction (1.0) to compute inexactly in floating point.",
            at: range,
            in: context
        )
    }

    /// `value`, unless arithmetic on doubles overflowed to infinity.
    func finite(_ value: Double, of op: BinaryOperator, at range: SourceRange, in context: Context) throws(Interruption)
        -> Value
    {
        guard value.isFinite else {
            throw failure(
                .numberOutOfRange,
                "Number out of range",
                hint: "The result of '\(op.rawValue)' is beyond about 1.8e308, the largest number.",
                at: range,
                in: context
            )
        }
        return .double(value)
    }

    /// Stops a string from growing past `Interpreter.maximumStringSize` bytes (UTF-8), so a
    /// doubling loop fails fast instead of exhausting memory.
    func checkStringSize(_ size: Int, at range: SourceRange, in context: Context) throws(Interruption) {
        guard size > Interpreter.maximumStringSize else { return }
        throw failure(
            .valueTooLarge,
            "String too large",
            hint:
                "A string holds at most \(Interpreter.maximumStringSize) bytes (64 MiB); this one would hold \(size).",
            at: range,
            in: context
        )
    }

    /// Stops a list from growing past `Interpreter.maximumListCount` elements.
    func checkListSize(_ count: Int, at range: SourceRange, in context: Context) throws(Interruption) {
        guard count > Interpreter.maximumListCount else { return }
        throw failure(
            .valueTooLarge,
            "List too large",
            hint: "A list holds at most \(Interpreter.maximumListCount) elements; this one would hold \(count).",
            at: range,
            in: context
        )
    }

    func evaluateBinary(
        _ op: BinaryOperator,
        _ left: Expression,
        _ right: Expression,
        whole: Expression,
        in context: Context
    ) async throws(Interruption) -> Value {
        let lhs = try await evaluate(left, in: context)
        // `and` and `or` stop early and give the deciding operand, so `$name or "default"` works.
        switch op {
        case .and: return lhs.isTruthy ? try await evaluate(right, in: context) : lhs
        case .or: return lhs.isTruthy ? lhs : try await evaluate(right, in: context)
        default: break
        }
        let rhs = try await evaluate(right, in: context)
        // A number beyond `Int` and `Double` is kept only as its text: it can be printed,
        // sent back and compared with `==`, but computing with it would silently round.
        if op != .equal && op != .notEqual {
            for case let .bigNumber(text) in [lhs, rhs] {
                throw failure(
                    .numberOutOfRange,
                    "Number \(text) is too large for arithmetic",
                    hint:
                        "Numbers beyond 64-bit integers and doubles are kept as written; they can be printed and compared with '==', not computed with.",
                    at: whole.range,
                    in: context
                )
            }
        }
        switch op {
        case .and, .or:
            preconditionFailure("handled above")
        case .equal:
            return .bool(lhs.isEqual(to: rhs))
        case .notEqual:
            return .bool(!lhs.isEqual(to: rhs))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let order = lhs.compare(to: rhs) else {
                throw failure(
                    .typeMismatch,
                    "Cannot compare \(lhs.typeDescription) with \(rhs.typeDescription)",
                    hint: "'\(op.rawValue)' compares two numbers or two strings.",
                    at: whole.range,
                    in: context
                )
            }
            let result: Bool =
                switch op {
                case .less: order < 0
                case .lessOrEqual: order <= 0
                case .greater: order > 0
                default: order >= 0
                }
            return .bool(result)
        case .plus:
            switch (lhs, rhs) {
            case let (.int(a), .int(b)):
                let (sum, overflow) = a.addingReportingOverflow(b)
                if overflow { throw integerOverflow(op, at: whole.range, in: context) }
                return .int(sum)
            case let (.string(a), .string(b)):
                try checkStringSize(a.utf8.count + b.utf8.count, at: whole.range, in: context)
                return .string(a + b)
            case let (.list(a), .list(b)):
                try checkListSize(a.count + b.count, at: whole.range, in: context)
                return .list(a + b)
            default:
                if let a = lhs.numericValue, let b = rhs.numericValue {
                    return try finite(a + b, of: op, at: whole.range, in: context)
                }
                throw failure(
                    .typeMismatch,
                    "Cannot add \(lhs.typeDescription) and \(rhs.typeDescription)",
                    hint:
                        "'+' adds numbers and joins two strings or two lists; to join text and numbers use \"${a}${b}\".",
                    at: whole.range,
                    in: context
                )
            }
        case .minus:
            switch (lhs, rhs) {
            case let (.int(a), .int(b)):
                let (difference, overflow) = a.subtractingReportingOverflow(b)
                if overflow { throw integerOverflow(op, at: whole.range, in: context) }
                return .int(difference)
            default:
                if let a = lhs.numericValue, let b = rhs.numericValue {
                    return try finite(a - b, of: op, at: whole.range, in: context)
                }
                throw failure(
                    .typeMismatch,
                    "Cannot subtract \(rhs.typeDescription) from \(lhs.typeDescription)",
                    hint: "'-' subtracts numbers.",
                    at: whole.range,
                    in: context
                )
            }
        }
    }
}

extension Value {
    /// The language's `==`: numbers compare by value across `int` and `double`; lists and
    /// records compare element by element (records in any key order).
    public func isEqual(to other: Value) -> Bool {
        switch (self, other) {
        case let (.list(a), .list(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isEqual(to: $1) }
        case let (.record(a), .record(b)):
            return a.count == b.count
                && a.allSatisfy { entry in b[entry.key].map { entry.value.isEqual(to: $0) } ?? false }
        default:
            if let a = numericValue, let b = other.numericValue {
                if case let (.int(x), .int(y)) = (self, other) { return x == y }
                return a == b
            }
            return self == other
        }
    }

    /// The order of two numbers or two strings (negative, zero, positive), or `nil` when
    /// they cannot be ordered.
    public func compare(to other: Value) -> Int? {
        switch (self, other) {
        case let (.int(a), .int(b)): return a < b ? -1 : (a == b ? 0 : 1)
        case let (.string(a), .string(b)): return a < b ? -1 : (a == b ? 0 : 1)
        default:
            guard let a = numericValue, let b = other.numericValue, !a.isNaN, !b.isNaN else { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        }
    }
}
