// MARK: Public interface

/// Prints syntax trees as compact s-expressions, so a parser test is one line
/// (jlox's `AstPrinter`): `org create apiorg` prints `(command org create apiorg)`.
///
/// Forms: `(let NAME VALUE)`, `(if COND (block ...) [ELSE])`, `(for NAME SEQ (block ...))`,
/// `(assert COND [MSG])`, `(echo ...)`, `(source PATH)`, `(exit [CODE])`, `(command ...)`,
/// `(try (command ...))`, `(. VALUE NAME)`, `(index VALUE INDEX)`, `(list ...)`,
/// `(record (KEY VALUE) ...)`, `(concat ...)`, `(string PART ...)`, `(OP LEFT RIGHT)`,
/// `(not X)`, `(- X)`. Bare words print as written, strings in double quotes, variables as
/// `$name`; a word that would read as another form prints as `(word TEXT)`.
public enum ASTPrinter {
    /// One line per top-level statement.
    public static func print(_ script: Script) -> String {
        script.statements.map(print).joined(separator: "\n")
    }

    /// One statement; blocks print inline as `(block ...)`.
    public static func print(_ statement: Statement) -> String {
        switch statement.kind {
        case .expression(let expression):
            return print(expression)
        case .binding(let name, let value):
            return "(let \(name.name) \(print(value)))"
        case .conditional(let condition, let then, let otherwise):
            var text = "(if \(print(condition)) \(print(then))"
            switch otherwise {
            case .block(let block)?: text += " \(print(block))"
            case .conditional(let nested)?: text += " \(print(nested))"
            case nil: break
            }
            return text + ")"
        case .loop(let variable, let sequence, let body):
            return "(for \(variable.name) \(print(sequence)) \(print(body)))"
        case .assertion(let condition, let message):
            return form("assert", [print(condition)] + (message.map { [print($0)] } ?? []))
        case .echo(let values):
            return form("echo", values.map(print))
        case .source(let path):
            return "(source \(print(path)))"
        case .exit(let code):
            return form("exit", code.map { [print($0)] } ?? [])
        }
    }

    /// `(block STATEMENT...)`.
    public static func print(_ block: Block) -> String {
        form("block", block.statements.map(print))
    }

    /// One expression, commands included.
    public static func print(_ expression: Expression) -> String {
        switch expression.kind {
        case .literal(let value):
            return print(value)
        case .string(let parts):
            if parts.isEmpty { return "\"\"" }
            if parts.count == 1, case .text(let text) = parts[0] { return quoted(text) }
            return form(
                "string",
                parts.map { part in
                    switch part {
                    case .text(let text): quoted(text)
                    case .interpolation(let value): print(value)
                    }
                }
            )
        case .word(let text):
            return readsAsWord(text) ? text : "(word \(text))"
        case .variable(let name):
            return "$" + name.name
        case .member(let value, let name):
            return "(. \(print(value)) \(name.name))"
        case .index(let value, let index):
            return "(index \(print(value)) \(print(index)))"
        case .list(let elements):
            return form("list", elements.map(print))
        case .record(let entries):
            return form(
                "record",
                entries.map { entry in
                    let key = readsAsWord(entry.key) ? entry.key : quoted(entry.key)
                    return "(\(key) \(print(entry.value)))"
                }
            )
        case .unary(let op, let operand):
            return "(\(op.rawValue) \(print(operand)))"
        case .binary(let op, let left, let right):
            return "(\(op.rawValue) \(print(left)) \(print(right)))"
        case .command(let command):
            return print(command)
        case .concatenation(let pieces):
            return form("concat", pieces.map(print))
        }
    }

    /// `(command WORD... --option=VALUE...)`, wrapped in `(try ...)` for `try`.
    public static func print(_ command: Command) -> String {
        let text = form(
            "command",
            command.arguments.map { argument in
                switch argument {
                case .value(let value):
                    return print(value)
                case .option(let name, let inlineValue):
                    let spelled = optionSpelling(name)
                    return inlineValue.map { "\(spelled)=\(print($0))" } ?? spelled
                }
            }
        )
        return command.isTry ? "(try \(text))" : text
    }

    /// A literal value: `null`, `true`, `3`, `2.5`, `"text"`.
    public static func print(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool(let bool): bool ? "true" : "false"
        case .int(let int): String(int)
        case .double(let double): String(double)
        case .bigNumber(let text): text
        case .string(let string): quoted(string)
        case .list(let values): form("list", values.map(print))
        case .record(let record): form("record", record.map { "(\($0.key) \(print($0.value)))" })
        }
    }
}

// MARK: Implementation

extension ASTPrinter {
    private static func form(_ head: String, _ items: [String]) -> String {
        items.isEmpty ? "(\(head))" : "(\(head) \(items.joined(separator: " ")))"
    }

    /// Whether `text` printed bare cannot be mistaken for a number, keyword, string or form.
    private static func readsAsWord(_ text: String) -> Bool {
        guard !text.isEmpty, !isNumberSyntax(text), Keyword(rawValue: text) == nil else { return false }
        return !text.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "\"" || scalar == "(" || scalar == ")" || scalar == "\n" || scalar == "\t"
        }
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
