/// One lexical unit of a gfs script, as `tokenize(_:)` produces it.
///
/// Tokens carry their source range and whether white space came before them: gfs reads
/// `$org.id` as a field access and `$dir/file.json` as one argument only because nothing
/// separates the pieces, so adjacency is part of the syntax (see `grammar/gfs.ebnf`).
public struct Token: Hashable, Sendable {
    /// What a token is, with the text it carries.
    public enum Kind: Hashable, Sendable {
        /// A bare word: a command name, path, URL, email, glob or number (`apiorg`,
        /// `dashboards/*.json`, `http://localhost:3000/d/abc`, `-1`).
        case word(String)
        /// An identifier where only a name may stand: after `let` and `for` at the start
        /// of a statement, and after the `.` of a field access.
        case name(String)
        case keyword(Keyword)
        /// `$name` (also `$_` and `$1`), without the `$`.
        case variable(String)
        /// `--name` or `-n` as written, dashes included. `--name=value` arrives as the
        /// option, an adjacent `=` and the value's tokens.
        case option(String)
        /// A double-quoted string: text, `$name` and `${...}` segments.
        case string([StringSegment])
        /// A single-quoted string: its text exactly as written.
        case rawString(String)
        case punctuation(Punctuation)
        case `operator`(Operator)
        /// A line break that separates statements (never inside `( )`, `[ ]` or `${ }`).
        case newline
        /// The end of the input, or of an interpolation's tokens.
        case end
    }

    public var kind: Kind {
        didSet { shape = TokenShape(kind) }
    }
    public var range: SourceRange
    /// White space, a line break, a comment or the start of the input came right before it.
    public var isPrecededBySpace: Bool
    /// `kind` without its text, kept beside it: the parser tests what comes next several
    /// times per token, and reading `kind` copies (and retains) its text.
    private(set) var shape: TokenShape

    /// A token of `kind` covering `range`.
    public init(_ kind: Kind, range: SourceRange, isPrecededBySpace: Bool) {
        self.kind = kind
        self.range = range
        self.isPrecededBySpace = isPrecededBySpace
        shape = TokenShape(kind)
    }
}

/// The reserved words. In command arguments all but `true`, `false` and `null` read as
/// plain words again (`echo if` prints `if`).
public enum Keyword: String, Hashable, Sendable, CaseIterable {
    case `let`, `if`, `else`, `for`, `in`, assert, echo, print, source, exit, `try`
    case and, or, not, `true`, `false`, null
}

/// Punctuation tokens, spelled as their raw values.
public enum Punctuation: String, Hashable, Sendable {
    case leftParenthesis = "("
    case rightParenthesis = ")"
    case leftBracket = "["
    case rightBracket = "]"
    case leftBrace = "{"
    case rightBrace = "}"
    case comma = ","
    case colon = ":"
    case semicolon = ";"
    case equals = "="
    /// Only the `.` of a field access (`$org.id`); a `.` anywhere else belongs to a word.
    case dot = "."
}

/// Operator tokens of expressions, spelled as their raw values. A lone `-` is an operator;
/// `-1` is a word and `-n` an option.
public enum Operator: String, Hashable, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case plus = "+"
    case minus = "-"
}

/// A piece of a double-quoted string.
public enum StringSegment: Hashable, Sendable {
    /// Literal text with escapes already resolved.
    case text(String)
    /// `$name`: the name and the range of `$name`.
    case variable(String, range: SourceRange)
    /// `${...}`: the tokens between the braces, ending with an `.end` token at the `}`,
    /// and the range from `${` to `}`.
    case interpolation([Token], range: SourceRange)
}

extension Token {
    /// How the token reads in a message: `'foo'`, `'=='`, `end of line`.
    public var displayName: String {
        switch kind {
        case .word(let text), .name(let text), .option(let text): "'\(text)'"
        case .keyword(let keyword): "'\(keyword.rawValue)'"
        case .variable(let name): "'$\(name)'"
        case .string, .rawString: "string"
        case .punctuation(let punctuation): "'\(punctuation.rawValue)'"
        case .operator(let op): "'\(op.rawValue)'"
        case .newline: "end of line"
        case .end: "end of input"
        }
    }
}

/// A token kind without its text, for the parser's tests of what comes next: matching on
/// `Token.Kind` itself copies the token (retaining its text) for each test.
enum TokenShape: Hashable, Sendable {
    case word, name, keyword(Keyword), variable, option, string, rawString
    case punctuation(Punctuation), `operator`(Operator), newline, end

    init(_ kind: Token.Kind) {
        switch kind {
        case .word: self = .word
        case .name: self = .name
        case .keyword(let keyword): self = .keyword(keyword)
        case .variable: self = .variable
        case .option: self = .option
        case .string: self = .string
        case .rawString: self = .rawString
        case .punctuation(let punctuation): self = .punctuation(punctuation)
        case .operator(let op): self = .operator(op)
        case .newline: self = .newline
        case .end: self = .end
        }
    }
}
