// MARK: Public interface

/// Checks a whole script against the host's command table before anything runs.
///
/// The parser cannot tell `org create apiorg` (path `org create`, one argument) from a
/// three-word command without the table, so the checker resolves every command by the
/// longest path of leading bare words, attaches `--option value` pairs according to each
/// option's spec, checks arity, and reports unknown commands, subcommands and options with a
/// "Did you mean ...?" hint. It also rejects a variable used before any statement that could
/// have defined it. A script with any diagnostic does not run at all.
public struct Checker: Sendable {
    /// The commands scripts may use.
    public var table: CommandTable
    /// Variables defined before the script starts: the session's, script parameters, `$args`.
    public var knownVariables: Set<String>
    /// The files `source` statements name with a fixed path, read beforehand
    /// (`SourcedFiles.load`): each is checked where it is sourced, as if written there, so
    /// a mistake in it stops the script before anything runs. A `source` whose file is not
    /// here is checked when reached.
    public var sourcedFiles: SourcedFiles

    /// A checker for `table`, with `knownVariables` already bound.
    public init(table: CommandTable, knownVariables: Set<String> = [], sourcedFiles: SourcedFiles = SourcedFiles()) {
        self.table = table
        self.knownVariables = knownVariables
        self.sourcedFiles = sourcedFiles
    }

    /// The checked script, ready for the interpreter, or every problem found.
    public func check(_ script: Script) throws(CheckFailure) -> CheckedScript {
        var pass = CheckerPass(
            table: table,
            sourceName: script.source.name,
            defined: knownVariables,
            sourcedFiles: sourcedFiles
        )
        pass.checkStatements(script.statements)
        guard pass.diagnostics.isEmpty else {
            // In source order within each file, files in the order they were first sourced.
            let order = pass.fileOrder
            let diagnostics = pass.diagnostics.sorted { a, b in
                let (fileA, fileB) = (order[a.sourceName] ?? 0, order[b.sourceName] ?? 0)
                return fileA != fileB ? fileA < fileB : a.range.start < b.range.start
            }
            throw CheckFailure(diagnostics: diagnostics, sources: [script.source] + sourcedFiles.sources)
        }
        var checked = CheckedScript(script: script, resolutions: pass.resolutions)
        checked.sourced = pass.checkedFiles.mapValues { file in
            CheckedScript(script: file.script, resolutions: file.resolutions)
        }
        return checked
    }

    /// Words the language reserves: a command may not be named by one.
    public static let keywords: Set<String> = [
        "let", "if", "else", "for", "in", "and", "or", "not", "true", "false", "null",
        "try", "assert", "echo", "print", "source", "exit",
    ]

    /// Variables the language sets itself; a script may read but not bind them.
    public static let reservedVariables: Set<String> = ["_", "error"]

    /// `keywords.contains(name)` without hashing the name: every binding is tested.
    static func isKeyword(_ name: String) -> Bool { Keyword(spelling: name) != nil }

    /// `reservedVariables.contains(name)` without hashing the name.
    static func isReservedVariable(_ name: String) -> Bool { name == "_" || name == "error" }
}

/// The problems that keep a script from running, in source order.
public struct CheckFailure: Error, Sendable {
    /// Every problem, sorted by position.
    public var diagnostics: [Diagnostic]
    /// The files the diagnostics may point into: the script and the files it sources.
    public var sources: [SourceFile]

    /// A failure reporting `diagnostics`.
    public init(diagnostics: [Diagnostic], sources: [SourceFile] = []) {
        self.diagnostics = diagnostics
        self.sources = sources
    }

    /// The file a diagnostic points into.
    public func source(named name: String) -> SourceFile? {
        sources.first { $0.name == name }
    }
}

/// A script whose commands are all resolved against the command table.
public struct CheckedScript: Sendable {
    /// The script as parsed.
    public var script: Script
    /// Keyed by the command's start offset: a command starts with its name, so no two
    /// commands of one script start at the same place.
    var resolutions: [Int: ResolvedCommand]
    /// The files sourced with a fixed path, checked with the script, by resolved path.
    var sourced: [String: CheckedScript] = [:]

    /// What the checker made of `command`.
    public func resolution(of command: Command) -> ResolvedCommand? {
        resolutions[command.range.start.offset]
    }
}

/// A command matched to what runs it, with its positional values and options sorted out.
public struct ResolvedCommand: Sendable {
    /// What runs a command.
    public enum Target: Sendable {
        /// A command of the host's table.
        case host(CommandSpec)
        /// The language's own `help [WORDS]`, on the given topic path.
        case help(topic: [String])
    }

    /// What runs the command.
    public var target: Target
    /// Positional values after the command's path.
    public var arguments: [Expression]
    /// The options in the order written.
    public var options: [ResolvedOption]
}

/// An option with the value the checker attached to it (`nil` for a flag).
public struct ResolvedOption: Sendable {
    /// The option's spec.
    public var spec: OptionSpec
    /// The value given, `nil` for a flag.
    public var value: Expression?
    /// From the option's name to the end of its value.
    public var range: SourceRange
}

// MARK: Implementation

private struct CheckerPass {
    let table: CommandTable
    /// The file being checked: the script, or a file it sources.
    var sourceName: String
    let sourcedFiles: SourcedFiles
    /// Variables some path through the script may have defined by now.
    var defined: DefinedVariables
    /// After `source`, any variable may be defined: the sourced file is only read when reached.
    var anyVariableMayBeDefined = false
    var diagnostics: [Diagnostic] = []
    var resolutions: [Int: ResolvedCommand] = [:]
    /// While checking a loop body the first time, only to learn what it defines.
    var isSilent = false

    /// A sourced file checked once: its resolutions, and what checking it again elsewhere
    /// would add (the names it binds, whether it makes any variable possible).
    struct CheckedFile {
        var script: Script
        var resolutions: [Int: ResolvedCommand]
        var boundNames: Set<String>
        var allowsAnyVariable: Bool
        /// Checked with diagnostics on, not only in a loop's silent pass.
        var reported: Bool
    }

    /// Sourced files checked so far, by resolved path.
    var checkedFiles: [String: CheckedFile] = [:]
    /// Sourced files whose syntax error has been reported.
    var reportedSyntaxErrors: Set<String> = []
    /// The files being checked, outermost first: sourcing one of them again is a cycle,
    /// left to run time.
    var fileStack: [String] = []
    /// Each file's rank in the report: the script first, then files as first sourced.
    var fileOrder: [String: Int] = [:]
    /// For each file being checked, every name it binds.
    var bindingRecorders: [Set<String>] = []

    init(table: CommandTable, sourceName: String, defined: Set<String>, sourcedFiles: SourcedFiles) {
        self.table = table
        self.sourceName = sourceName
        self.sourcedFiles = sourcedFiles
        self.defined = DefinedVariables(defined)
        fileStack = [sourceName]
        fileOrder[sourceName] = 0
    }

    /// Records that some path may have bound `name` by now.
    mutating func define(_ name: String) {
        defined.insert(name)
        for index in bindingRecorders.indices { bindingRecorders[index].insert(name) }
    }

    mutating func report(_ code: ErrorCode, _ message: String, hint: String? = nil, at range: SourceRange) {
        guard !isSilent else { return }
        diagnostics.append(Diagnostic(code: code, message: message, hint: hint, range: range, sourceName: sourceName))
    }

    // MARK: Statements

    mutating func checkStatements(_ statements: [Statement]) {
        for statement in statements { checkStatement(statement) }
    }

    mutating func checkStatement(_ statement: Statement) {
        switch statement.kind {
        case let .expression(expression):
            checkExpression(expression)
            define("_")
        case let .binding(name, value):
            checkExpression(value)
            if Checker.isKeyword(name.name) {
                report(
                    .reservedName,
                    "Cannot bind the keyword '\(name.name)'",
                    hint: "Choose another variable name.",
                    at: name.range
                )
            } else if Checker.isReservedVariable(name.name) {
                report(
                    .reservedName,
                    "Cannot bind '$\(name.name)'",
                    hint: name.name == "_"
                        ? "'$_' always holds the last result; choose another name."
                        : "'$error' is set by 'try'; choose another name.",
                    at: name.range
                )
            }
            define(name.name)
        case let .conditional(condition, then, otherwise):
            checkExpression(condition)
            // The else branch must not see what the then branch defined, and afterwards
            // either may have run. Undoing and redoing only the then branch's own
            // definitions keeps this proportional to the branch, not to every variable so far.
            let mark = defined.mark
            checkStatements(then.statements)
            let definedByThen = defined.undo(to: mark)
            switch otherwise {
            case let .block(block)?: checkStatements(block.statements)
            case let .conditional(nested)?: checkStatement(nested)
            case nil: break
            }
            // Recorded as bound when first defined; only the set needs them back.
            for name in definedByThen { defined.insert(name) }
        case let .loop(variable, sequence, body):
            checkExpression(sequence)
            if Checker.isKeyword(variable.name) || Checker.isReservedVariable(variable.name) {
                report(
                    .reservedName,
                    "Cannot bind '\(variable.name)' as a loop variable",
                    hint: "Choose another variable name.",
                    at: variable.range
                )
            }
            define(variable.name)
            // A later iteration sees what an earlier one defined: learn the body's
            // definitions silently first, then check it for real with them in scope. What a
            // body defines does not depend on what is defined before it, so a silent pass
            // learns everything at once: a loop inside a silent pass needs no second pass,
            // which keeps nested loops from doubling the work at each level.
            if isSilent {
                checkStatements(body.statements)
            } else {
                isSilent = true
                checkStatements(body.statements)
                isSilent = false
                checkStatements(body.statements)
            }
        case let .assertion(condition, message):
            checkExpression(condition)
            if let message { checkExpression(message) }
        case let .echo(arguments):
            for argument in arguments { checkExpression(argument) }
        case let .source(path):
            checkExpression(path)
            checkSource(path)
        case let .exit(code):
            if let code { checkExpression(code) }
        }
    }

    // MARK: Sourced files

    /// Checks the file a `source` names, in place, when its path is fixed and it was read
    /// beforehand; otherwise it is checked when reached, and until then any variable may
    /// be defined.
    mutating func checkSource(_ path: Expression) {
        guard let text = path.fixedText else {
            anyVariableMayBeDefined = true
            return
        }
        let resolved = SourcedFiles.resolve(text, relativeTo: sourceName)
        guard let file = sourcedFiles.files[resolved], !fileStack.contains(resolved),
            fileStack.count < Interpreter.maximumSourceDepth
        else {
            anyVariableMayBeDefined = true
            return
        }
        if fileOrder[resolved] == nil { fileOrder[resolved] = fileOrder.count }
        let script: Script
        switch file {
        case let .invalid(diagnostic):
            if !isSilent, reportedSyntaxErrors.insert(resolved).inserted { diagnostics.append(diagnostic) }
            anyVariableMayBeDefined = true
            return
        case let .parsed(parsed):
            script = parsed
        }
        // A file sourced in several places is checked once (twice if first met in a
        // loop's silent pass); elsewhere it only defines what it binds. This keeps
        // checking linear however often files source each other.
        if let done = checkedFiles[resolved], done.reported || isSilent {
            for name in done.boundNames { define(name) }
            if done.allowsAnyVariable { anyVariableMayBeDefined = true }
            return
        }
        let outer = (sourceName, resolutions)
        sourceName = resolved
        resolutions = [:]
        fileStack.append(resolved)
        bindingRecorders.append([])
        checkStatements(script.statements)
        let boundNames = bindingRecorders.removeLast()
        fileStack.removeLast()
        checkedFiles[resolved] = CheckedFile(
            script: script,
            resolutions: resolutions,
            boundNames: boundNames,
            allowsAnyVariable: anyVariableMayBeDefined,
            reported: !isSilent
        )
        (sourceName, resolutions) = outer
    }

    // MARK: Expressions

    mutating func checkExpression(_ expression: Expression) {
        switch expression.kind {
        case .literal, .word:
            break
        case let .string(parts):
            for case let .interpolation(inner) in parts { checkExpression(inner) }
        case let .variable(name):
            checkVariable(name)
        case let .member(base, _):
            checkExpression(base)
        case let .index(base, index):
            checkExpression(base)
            checkExpression(index)
        case let .list(elements):
            for element in elements { checkExpression(element) }
        case let .record(entries):
            for entry in entries { checkExpression(entry.value) }
        case let .unary(_, operand):
            checkExpression(operand)
        case let .binary(_, left, right):
            checkExpression(left)
            checkExpression(right)
        case let .command(command):
            checkCommand(command)
        case let .concatenation(pieces):
            for piece in pieces { checkExpression(piece) }
        }
    }

    mutating func checkVariable(_ name: Identifier) {
        guard !defined.contains(name.name), !anyVariableMayBeDefined else { return }
        report(
            .undefinedVariable,
            "Undefined variable '$\(name.name)'",
            hint: undefinedVariableHint(name.name),
            at: name.range
        )
    }

    func undefinedVariableHint(_ name: String) -> String? {
        if let match = name.bestMatch(in: defined.names) {
            return "Did you mean '$\(match)'?"
        }
        switch name {
        case "_": return "'$_' holds the result of the last command or expression; nothing has run yet."
        case "error": return "'$error' is set by a command prefixed with 'try'."
        default: break
        }
        if let binder = table.commands.first(where: { $0.binds == name }) {
            return "'$\(name)' is set by '\(binder.name)'; run it first, or bind it with 'let \(name) = ...'."
        }
        return "Bind it first with 'let \(name) = ...', or pass it to the script with '--var \(name)=VALUE'."
    }

    // MARK: Commands

    mutating func checkCommand(_ command: Command) {
        // The command path is the run of leading bare words.
        var words: [(text: String, range: SourceRange)] = []
        for argument in command.arguments {
            guard case let .value(expression) = argument, case let .word(word) = expression.kind else { break }
            words.append((word, expression.range))
        }
        guard let first = words.first else {
            report(
                .expectedCommand,
                "Expected a command name",
                hint: "A command starts with a word such as 'org'.",
                at: command.range
            )
            checkArgumentsLoosely(command.arguments[...])
            return
        }
        if Checker.keywords.contains(first.text) {
            report(
                .expectedCommand,
                "Unexpected keyword '\(first.text)'",
                hint: keywordHint(first.text),
                at: first.range
            )
            checkArgumentsLoosely(command.arguments.dropFirst())
            return
        }
        if let topic = helpOptionTopic(command, words: words) {
            // `org create --help` is `help org create`, as in most command-line tools.
            resolutions[command.range.start.offset] = ResolvedCommand(
                target: .help(topic: topic),
                arguments: [],
                options: []
            )
            return
        }
        if first.text == "help", table.command(["help"]) == nil {
            checkHelp(command, words: words)
            return
        }
        guard let (spec, wordCount) = table.longestMatch(words.map(\.text)) else {
            reportUnknownCommand(command, words: words)
            checkArgumentsLoosely(command.arguments.dropFirst(words.count))
            return
        }
        let resolved = resolveArguments(of: command, spec: spec, skipping: wordCount)
        resolutions[command.range.start.offset] = resolved
        for argument in resolved.arguments { checkExpression(argument) }
        for option in resolved.options { if let value = option.value { checkExpression(value) } }
        if let binds = spec.binds { define(binds) }
        if command.isTry { define("error") }
        define("_")
    }

    /// The command path before a `--help` option, when the command is known and has no
    /// `help` option of its own.
    func helpOptionTopic(_ command: Command, words: [(text: String, range: SourceRange)]) -> [String]? {
        let asksForHelp = command.arguments.contains { argument in
            if case let .option(name, nil) = argument { return name.name == "help" }
            return false
        }
        guard asksForHelp else { return nil }
        var topic: [String] = []
        for word in words {
            guard table.nextWords(after: topic).contains(word.text) else { break }
            topic.append(word.text)
        }
        guard !topic.isEmpty, table.command(topic)?.option(named: "help") == nil else { return nil }
        return topic
    }

    /// The words after the command name, checked as values when the command itself is bad,
    /// so one line can still report an undefined variable too.
    mutating func checkArgumentsLoosely(_ arguments: ArraySlice<CommandArgument>) {
        for argument in arguments {
            switch argument {
            case let .value(expression): checkExpression(expression)
            case let .option(_, inlineValue?): checkExpression(inlineValue)
            case .option: break
            }
        }
    }

    func keywordHint(_ keyword: String) -> String {
        switch keyword {
        case "else": "'else' must follow the closing '}' of an 'if' block."
        case "in": "'in' belongs in 'for NAME in LIST { ... }'."
        case "and", "or": "'\(keyword)' joins two conditions: 'if A \(keyword) B { ... }'."
        case "true", "false", "null": "A value cannot stand where a command is expected; bind it with 'let'."
        default: "'\(keyword)' is a keyword and cannot name a command."
        }
    }

    mutating func reportUnknownCommand(_ command: Command, words: [(text: String, range: SourceRange)]) {
        // Find how far the words follow a real command path, to blame the first wrong word.
        var prefix: [String] = []
        for word in words {
            guard table.nextWords(after: prefix).contains(word.text) else { break }
            prefix.append(word.text)
        }
        let group = prefix.joined(separator: " ")
        if prefix.isEmpty {
            let candidates = table.nextWords(after: []) + ["help"]
            report(
                .unknownCommand,
                "Unknown command '\(words[0].text)'",
                hint: words[0].text.bestMatch(in: candidates).didYouMean ?? "Type 'help' to list the commands.",
                at: words[0].range
            )
        } else if prefix.count < words.count {
            let word = words[prefix.count]
            let choices = table.nextWords(after: prefix)
            report(
                .unknownCommand,
                "Unknown subcommand '\(word.text)' for '\(group)'",
                hint: word.text.bestMatch(in: choices).didYouMean
                    ?? "'\(group)' has: \(choices.joined(separator: ", ")).",
                at: word.range
            )
        } else {
            let choices = table.nextWords(after: prefix)
            report(
                .missingSubcommand,
                "Missing subcommand for '\(group)'",
                hint: "'\(group)' has: \(choices.joined(separator: ", ")).",
                at: words[words.count - 1].range
            )
        }
    }

    mutating func checkHelp(_ command: Command, words: [(text: String, range: SourceRange)]) {
        // `help errors` lists the error codes; it stands apart from the command table.
        if words.count == 2, words[1].text == HelpFormatter.errorsTopic, command.arguments.count == 2,
            table.nextWords(after: []).contains(HelpFormatter.errorsTopic) == false
        {
            resolutions[command.range.start.offset] = ResolvedCommand(
                target: .help(topic: [HelpFormatter.errorsTopic]),
                arguments: [],
                options: []
            )
            return
        }
        var topic: [String] = []
        for word in words.dropFirst() {
            // A command can also start longer ones (`use`, `use org`): only a word that leads
            // nowhere deeper is one too many.
            if table.command(topic) != nil, !table.nextWords(after: topic).contains(word.text) {
                report(
                    .tooManyArguments,
                    "Too many arguments for 'help'",
                    hint: "Usage: help [COMMAND...]",
                    at: word.range
                )
                return
            }
            let choices = table.nextWords(after: topic)
            guard choices.contains(word.text) else {
                let hint =
                    word.text.bestMatch(in: topic.isEmpty ? choices + [HelpFormatter.errorsTopic] : choices).didYouMean
                    ?? "Type 'help' to list the commands."
                if topic.isEmpty {
                    report(.unknownCommand, "Unknown command '\(word.text)'", hint: hint, at: word.range)
                } else {
                    report(
                        .unknownCommand,
                        "Unknown subcommand '\(word.text)' for '\(topic.joined(separator: " "))'",
                        hint: hint,
                        at: word.range
                    )
                }
                return
            }
            topic.append(word.text)
        }
        if command.arguments.count > words.count, let extra = argumentRange(command.arguments[words.count]) {
            report(.tooManyArguments, "Too many arguments for 'help'", hint: "Usage: help [COMMAND...]", at: extra)
            return
        }
        resolutions[command.range.start.offset] = ResolvedCommand(
            target: .help(topic: topic),
            arguments: [],
            options: []
        )
    }

    mutating func resolveArguments(of command: Command, spec: CommandSpec, skipping wordCount: Int) -> ResolvedCommand {
        var positional: [Expression] = []
        var options: [ResolvedOption] = []
        var seen: Set<String> = []
        let usageHint = "Usage: \(spec.usage)"
        var remaining = command.arguments.dropFirst(wordCount)[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case let .value(expression):
                positional.append(expression)
            case let .option(identifier, inlineValue):
                let name = Self.optionName(identifier.name)
                guard let option = spec.option(named: name) else {
                    let written = name.count == 1 ? "-\(name)" : "--\(name)"
                    let suggestion = name.bestMatch(in: spec.options.map(\.name)).map { "Did you mean '--\($0)'?" }
                    report(
                        .unknownOption,
                        "Unknown option '\(written)' for '\(spec.name)'",
                        hint: suggestion ?? (spec.options.isEmpty ? "'\(spec.name)' takes no options." : usageHint),
                        at: identifier.range
                    )
                    if let inlineValue { checkExpression(inlineValue) }
                    continue
                }
                var range = identifier.range
                var value: Expression?
                if option.isFlag {
                    if let inlineValue {
                        report(
                            .invalidOptionValue,
                            "Option '\(option.displayName)' takes no value",
                            hint: usageHint,
                            at: inlineValue.range
                        )
                    }
                } else if let inlineValue {
                    value = inlineValue
                    range = range.union(inlineValue.range)
                } else if case let .value(next)? = remaining.first {
                    remaining.removeFirst()
                    value = next
                    range = range.union(next.range)
                } else {
                    report(
                        .invalidOptionValue,
                        "Missing value for option '\(option.displayName)'",
                        hint: "Usage: \(option.usage)",
                        at: identifier.range
                    )
                }
                if !seen.insert(option.name).inserted, !option.isRepeatable {
                    report(
                        .duplicateOption,
                        "Option '\(option.displayName)' given more than once",
                        hint: usageHint,
                        at: identifier.range
                    )
                }
                options.append(ResolvedOption(spec: option, value: value, range: range))
            }
        }
        checkArity(of: command, spec: spec, positional: positional, usageHint: usageHint)
        return ResolvedCommand(target: .host(spec), arguments: positional, options: options)
    }

    mutating func checkArity(of command: Command, spec: CommandSpec, positional: [Expression], usageHint: String) {
        let required = spec.arguments.filter { !$0.isOptional }.count
        let isVariadic = spec.arguments.last?.isVariadic ?? false
        if positional.count < required {
            let missing = spec.arguments[positional.count]
            let end = SourceRange(start: command.range.end, end: command.range.end)
            report(
                .missingArgument,
                "Missing argument \(missing.name.uppercased()) for '\(spec.name)'",
                hint: usageHint,
                at: end
            )
        } else if !isVariadic, positional.count > spec.arguments.count {
            let extra = positional[spec.arguments.count...]
            let range = extra.first!.range.union(extra.last!.range)
            report(.tooManyArguments, "Too many arguments for '\(spec.name)'", hint: usageHint, at: range)
        }
    }

    func argumentRange(_ argument: CommandArgument) -> SourceRange? {
        switch argument {
        case let .value(expression): expression.range
        case let .option(name, inlineValue): inlineValue.map { name.range.union($0.range) } ?? name.range
        }
    }

    /// The parser may keep the dashes in an option's name; specs never have them.
    static func optionName(_ written: String) -> String {
        var name = Substring(written)
        while name.first == "-" { name = name.dropFirst() }
        return String(name)
    }
}

/// The variables defined so far, in the order they were first defined, so a branch's
/// definitions can be taken back (`undo(to:)`) and put back in time proportional to the
/// branch rather than to the whole set.
struct DefinedVariables {
    private var storage: NameSet

    init(_ names: Set<String>) {
        // Sorted so that suggestions among equally close names do not depend on hashing.
        storage = NameSet(names.sorted())
    }

    /// Every name, in the order defined.
    var names: [String] { storage.names }

    func contains(_ name: String) -> Bool { storage.contains(name) }

    mutating func insert(_ name: String) {
        storage.insert(name)
    }

    /// A point to `undo(to:)` later.
    var mark: Int { storage.count }

    /// Removes every name defined since `mark` and returns them, in the order defined.
    mutating func undo(to mark: Int) -> [String] {
        var undone: [String] = []
        undone.reserveCapacity(storage.count - mark)
        while storage.count > mark { undone.append(storage.removeLast()) }
        return undone.reversed()
    }
}
