// MARK: Public interface

/// Finds likely mistakes in a script that checked clean: things that do not stop it from
/// running, so they are warnings (`gfs check` shows them; `--strict` fails on them).
///
/// - `warning.unused-variable`: a `let` binds a name that nothing in the script or the files
///   it sources reads. Names starting with `_` are exempt, for values bound on purpose and
///   never read. When a file is sourced through a variable or could not be read beforehand,
///   it might read anything, so this warning is left out.
/// - `warning.unreachable`: a statement after one that always exits (`exit`, or an `if`
///   whose every branch exits), in the same block.
/// - `warning.missing-file`: an argument the command's spec marks as a file it reads
///   (`ArgumentSpec.readsFile`, as for `dashboard push`), given as a fixed path without glob
///   characters, names nothing that exists now.
public struct Linter: Sendable {
    /// Whether a path exists, relative to the working directory as a run would read it.
    public var fileExists: @Sendable (String) -> Bool

    /// A linter that asks `fileExists` about input files.
    public init(fileExists: @escaping @Sendable (String) -> Bool) {
        self.fileExists = fileExists
    }

    /// The warnings for `checked` and the files it sources, in source order within each file,
    /// the script first.
    public func warnings(for checked: CheckedScript) -> [Diagnostic] {
        var pass = LinterPass(fileExists: fileExists)
        let files = [checked] + checked.sourced.keys.sorted().compactMap { checked.sourced[$0] }
        for file in files {
            pass.visit(file)
        }
        var warnings = pass.warnings
        if !pass.readsAnything {
            // The bindings in the order visited: the first of each name is its first binding.
            var reported: Set<String> = []
            for binding in pass.bindings
            where !pass.readNames.contains(binding.name) && !binding.name.hasPrefix("_")
                && reported.insert(binding.name).inserted
            {
                let name = binding.name
                let sourceName = files[binding.file].script.source.name
                warnings.append(
                    Diagnostic(
                        .warning,
                        code: .unusedVariable,
                        message: "Variable '$\(name)' is never used",
                        hint: "Remove the binding, or name it '$_\(name)' if it is meant to stay unread.",
                        range: binding.range,
                        sourceName: sourceName
                    )
                )
            }
        }
        let order = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($1.script.source.name, $0) })
        return warnings.sorted { a, b in
            let (fileA, fileB) = (order[a.sourceName] ?? 0, order[b.sourceName] ?? 0)
            return fileA != fileB ? fileA < fileB : a.range.start < b.range.start
        }
    }
}

// MARK: Implementation

private struct LinterPass {
    let fileExists: @Sendable (String) -> Bool
    var warnings: [Diagnostic] = []
    /// Every variable name read anywhere.
    var readNames = NameSet()
    /// Every binding in the order visited, with the position of its file in the visit order;
    /// kept as a list (no lookup per binding) since only a script that leaves some name
    /// unread needs the first binding of each.
    var bindings: [(name: String, range: SourceRange, file: Int)] = []
    /// A `source` whose file the checker did not see: it may read any variable.
    var readsAnything = false
    /// The file being visited.
    var file: CheckedScript?
    /// Its name, and its position in the visit order (-1 before the first).
    var sourceName = ""
    var fileNumber = -1

    init(fileExists: @escaping @Sendable (String) -> Bool) {
        self.fileExists = fileExists
    }

    mutating func visit(_ checked: CheckedScript) {
        file = checked
        sourceName = checked.script.source.name
        fileNumber += 1
        visit(checked.script.statements)
    }

    mutating func warn(_ code: ErrorCode, _ message: String, hint: String, at range: SourceRange) {
        warnings.append(
            Diagnostic(.warning, code: code, message: message, hint: hint, range: range, sourceName: sourceName)
        )
    }

    // MARK: Statements

    mutating func visit(_ statements: [Statement]) {
        var exited = false
        var warned = false
        for statement in statements {
            // One warning per block: the rest is unreachable for the same reason. It is still
            // visited, so the variables it reads do not count as unused too.
            if exited, !warned {
                warn(
                    .unreachable,
                    "Unreachable statement",
                    hint: "It comes after an 'exit' that always runs; remove it or the 'exit'.",
                    at: statement.range
                )
                warned = true
            }
            visit(statement)
            if Self.alwaysExits(statement) { exited = true }
        }
    }

    mutating func visit(_ statement: Statement) {
        switch statement.kind {
        case let .expression(expression):
            visit(expression)
        case let .binding(name, value):
            visit(value)
            bindings.append((name.name, name.range, fileNumber))
        case let .conditional(condition, then, otherwise):
            visit(condition)
            visit(then.statements)
            switch otherwise {
            case let .block(block)?: visit(block.statements)
            case let .conditional(nested)?: visit(nested)
            case nil: break
            }
        case let .loop(_, sequence, body):
            visit(sequence)
            visit(body.statements)
        case let .assertion(condition, message):
            visit(condition)
            if let message { visit(message) }
        case let .echo(arguments):
            for argument in arguments { visit(argument) }
        case let .source(path):
            visit(path)
            let known = path.fixedText.map { text in
                file?.sourced[SourcedFiles.resolve(text, relativeTo: sourceName)] != nil
            }
            if known != true { readsAnything = true }
        case let .exit(code):
            if let code { visit(code) }
        }
    }

    /// Whether every way through `statement` ends the script.
    static func alwaysExits(_ statement: Statement) -> Bool {
        switch statement.kind {
        case .exit:
            return true
        case let .conditional(_, then, otherwise):
            guard then.statements.contains(where: alwaysExits) else { return false }
            switch otherwise {
            case let .block(block)?: return block.statements.contains(where: alwaysExits)
            case let .conditional(nested)?: return alwaysExits(nested)
            case nil: return false
            }
        default:
            return false
        }
    }

    // MARK: Expressions

    mutating func visit(_ expression: Expression) {
        switch expression.kind {
        case .literal, .word:
            break
        case let .string(parts):
            for case let .interpolation(inner) in parts { visit(inner) }
        case let .variable(name):
            readNames.insert(name.name)
        case let .member(base, _):
            visit(base)
        case let .index(base, index):
            visit(base)
            visit(index)
        case let .list(elements):
            for element in elements { visit(element) }
        case let .record(entries):
            for entry in entries { visit(entry.value) }
        case let .unary(_, operand):
            visit(operand)
        case let .binary(_, left, right):
            visit(left)
            visit(right)
        case let .command(command):
            visit(command)
        case let .concatenation(pieces):
            for piece in pieces { visit(piece) }
        }
    }

    mutating func visit(_ command: Command) {
        for argument in command.arguments {
            switch argument {
            case let .value(expression): visit(expression)
            case let .option(_, inlineValue): if let inlineValue { visit(inlineValue) }
            }
        }
        guard let resolution = file?.resolution(of: command), case let .host(spec) = resolution.target else { return }
        for (index, argument) in resolution.arguments.enumerated() {
            let argumentSpec =
                index < spec.arguments.count
                ? spec.arguments[index] : spec.arguments.last.flatMap { $0.isVariadic ? $0 : nil }
            guard let argumentSpec, argumentSpec.readsFile, let path = argument.fixedText, !path.isEmpty,
                !path.contains(where: { "*?[".contains($0) }), !fileExists(path)
            else { continue }
            warn(
                .missingFile,
                "No such file '\(path)'",
                hint: "'\(spec.name)' reads \(argumentSpec.name.uppercased()); check the path, which is relative "
                    + "to the working directory.",
                at: argument.range
            )
        }
    }
}

extension CheckedScript {
    /// The script's source and those of the files it sources by a fixed path, for showing
    /// the lines diagnostics point into.
    public var sources: [SourceFile] {
        [script.source] + sourced.keys.sorted().compactMap { sourced[$0]?.script.source }
    }
}
