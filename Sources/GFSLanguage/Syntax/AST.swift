/// The syntax tree of a gfs script.
///
/// Each node is a struct with its `kind` and its source `range`, over enums whose recursive
/// cases are indirect (ShapeScript's layout). The parser builds it from tokens; the checker resolves commands
/// against the host's `CommandTable`; the evaluator walks it. `grammar/gfs.ebnf` names the
/// rules that produce each node.
public struct Script: Sendable {
    public var statements: [Statement]
    public var source: SourceFile

    public init(statements: [Statement], source: SourceFile) {
        self.statements = statements
        self.source = source
    }
}

/// A name as written: a variable (`name` without its `$`; the range covers the `$`), a
/// field, a `let`/`for` name, or an option (`name` without its dashes, as `OptionSpec.name`
/// spells it; the range covers the dashes).
public struct Identifier: Hashable, Sendable {
    public var name: String
    public var range: SourceRange

    public init(_ name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}

public struct Block: Sendable {
    public var statements: [Statement]
    /// From the opening `{` to the closing `}`.
    public var range: SourceRange

    public init(statements: [Statement], range: SourceRange) {
        self.statements = statements
        self.range = range
    }
}

public struct Statement: Sendable {
    public indirect enum Kind: Sendable {
        /// A command or expression on its own: the host displays its result, and it is
        /// bound to `$_` (and, for a command that declares one, to its implicit variable).
        case expression(Expression)
        /// `let NAME = EXPRESSION`
        case binding(name: Identifier, value: Expression)
        /// `if CONDITION { ... } else if ... { ... } else { ... }`
        case conditional(condition: Expression, then: Block, otherwise: ElseClause?)
        /// `for NAME in EXPRESSION { ... }`
        case loop(variable: Identifier, sequence: Expression, body: Block)
        /// `assert CONDITION [MESSAGE]`
        case assertion(condition: Expression, message: Expression?)
        /// `echo ARG...` / `print ARG...`: the arguments joined by single spaces.
        case echo([Expression])
        /// `source PATH`: parsed and checked when reached, relative to the including file.
        case source(Expression)
        /// `exit [CODE]`
        case exit(Expression?)
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

public indirect enum ElseClause: Sendable {
    case block(Block)
    /// `else if ...`: a nested conditional statement.
    case conditional(Statement)
}

public struct Expression: Sendable {
    /// Only the cases that hold an expression directly are `indirect`: leaves (literals,
    /// words, variables) and the cases that hold arrays are stored inline, so the most
    /// common nodes need no allocation of their own.
    public enum Kind: Sendable {
        /// `null`, `true`, `false`, numbers.
        case literal(Value)
        /// A single- or double-quoted string; single-quoted strings have one `.text` part.
        case string([StringPart])
        /// A bare word in argument position (`apiorg`, `dashboards/prod.json`,
        /// `http://localhost:3000`, `admin@example.com`). Evaluates to a string, or a
        /// number when it reads as one.
        case word(String)
        /// `$name`
        case variable(Identifier)
        /// `EXPR.name`
        indirect case member(Expression, Identifier)
        /// `EXPR[INDEX]`
        indirect case index(Expression, Expression)
        /// `[a, b, c]`
        case list([Expression])
        /// `{name: value, "quoted key": value}`
        case record([RecordEntry])
        indirect case unary(UnaryOperator, Expression)
        indirect case binary(BinaryOperator, Expression, Expression)
        /// A command used for its value: a statement, `let x = org create a`, `(org create a)`.
        case command(Command)
        /// Pieces written without spaces between them in argument position, joined as
        /// strings: `$dir/file.json`, `"${name}"-2`.
        case concatenation([Expression])
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

public enum StringPart: Sendable {
    case text(String)
    /// `$name` or `${expression}` inside a double-quoted string.
    case interpolation(Expression)
}

public struct RecordEntry: Sendable {
    public var key: String
    public var keyRange: SourceRange
    public var value: Expression

    public init(key: String, keyRange: SourceRange, value: Expression) {
        self.key = key
        self.keyRange = keyRange
        self.value = value
    }
}

public enum UnaryOperator: String, Sendable {
    case not
    case negate = "-"
}

public enum BinaryOperator: String, Sendable {
    case or, and
    case equal = "==", notEqual = "!="
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case plus = "+", minus = "-"
}

/// A command as written: its words and options, before the checker matches it to a spec.
///
/// The parser cannot tell a subcommand from a positional argument, nor whether an option
/// takes a value, without the host's table: it records what was written and the checker
/// decides (`org create apiorg` is path `org create` plus one argument).
public struct Command: Sendable {
    /// The words and values in order, the command's name first.
    public var arguments: [CommandArgument]
    /// Written with a `try` prefix: a failure yields `null` and sets `$error` instead of
    /// stopping the script.
    public var isTry: Bool
    public var range: SourceRange

    public init(arguments: [CommandArgument], isTry: Bool, range: SourceRange) {
        self.arguments = arguments
        self.isTry = isTry
        self.range = range
    }
}

public enum CommandArgument: Sendable {
    /// A word, string, variable, `(...)` or other value.
    case value(Expression)
    /// `--name`, `-n` or `--name=value`. A value written after a space arrives as the next
    /// `.value`; the checker attaches it when the option's spec takes one. The name has no
    /// dashes (`folder`, `n`).
    case option(name: Identifier, inlineValue: Expression?)
}
