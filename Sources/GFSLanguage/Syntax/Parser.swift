// MARK: Public interface

/// Parses a whole gfs script into its syntax tree.
///
/// Nothing runs before the whole script parses: the first syntax error anywhere is thrown
/// with its range and a hint. Each method below is named after the rule of
/// `grammar/gfs.ebnf` it implements.
public func parse(_ source: SourceFile) throws(Diagnostic) -> Script {
    // The parser takes the tokens from the lexer as it goes: a long script's tokens as one
    // array would take tens of megabytes, each page of them faulted in by the kernel.
    var parser = Parser(lexing: Lexer(source), sourceName: source.name)
    let statements: [Statement]
    do {
        statements = try parser.parseScript()
    } catch {
        // A lexical error anywhere comes first, as if the whole script were lexed beforehand.
        throw parser.lexicalErrorInRest() ?? error
    }
    if let lexicalError = parser.lexicalError { throw lexicalError }
    return Script(statements: statements, source: source)
}

/// The deepest nesting a script may use: blocks, brackets, `else if`, unary operators and
/// the links of operator and postfix chains all count. It keeps the recursive descent (and
/// every later walk over the tree) well inside the stack.
public let maximumNestingDepth = 100

// MARK: Implementation

struct Parser {
    /// The tokens read so far that may still be looked at: all of them for an interpolation's
    /// tokens; for a script, those of the current top-level statement (and the last token
    /// before it), read from `lexer` as the parser advances.
    private var tokens: [Token]
    private let sourceName: String
    private var index = 0
    private var depth: Int
    /// Inside `${...}` a bare name is a variable: `"${org.id}"` reads `$org.id`.
    private let bareNamesAreVariables: Bool
    /// Where a script's tokens come from, when `isLexing`; otherwise `tokens` holds them all.
    private var lexer: Lexer
    private let isLexing: Bool
    /// The lexer's error: the tokens end there, and `parse` reports it rather than what the
    /// parser made of the missing rest.
    private(set) var lexicalError: Diagnostic?
    /// `lexicalError != nil`, tested without comparing an optional diagnostic for each token.
    private var hasLexicalError = false

    init(tokens: [Token], sourceName: String, depth: Int = 0, bareNamesAreVariables: Bool = false) {
        self.tokens = tokens
        self.sourceName = sourceName
        self.depth = depth
        self.bareNamesAreVariables = bareNamesAreVariables
        self.lexer = Lexer(SourceFile(name: "", text: ""))
        self.isLexing = false
    }

    /// A parser of the tokens `lexer` makes of a whole script.
    init(lexing lexer: Lexer, sourceName: String) {
        self.tokens = []
        self.sourceName = sourceName
        self.depth = 0
        self.bareNamesAreVariables = false
        self.lexer = lexer
        self.isLexing = true
        tokens.reserveCapacity(300)
        readToken()
    }

    /// Appends the lexer's next token; after a lexical error, an `.end` token.
    private mutating func readToken() {
        guard !hasLexicalError else { return }
        do {
            tokens.append(try lexer.nextScriptToken())
        } catch {
            lexicalError = error
            hasLexicalError = true
            tokens.append(Token(.end, range: error.range, isPrecededBySpace: true))
        }
    }

    /// The first lexical error in the tokens not read yet, if any (after a syntax error).
    mutating func lexicalErrorInRest() -> Diagnostic? {
        if let lexicalError { return lexicalError }
        guard isLexing else { return nil }
        while true {
            do {
                if case .end = try lexer.nextScriptToken().kind { return nil }
            } catch {
                return error
            }
        }
    }

    /// Forgets the tokens before the last one that is not a line break before the current
    /// token: nothing before a top-level statement looks further back than that (`previous`,
    /// and `error(at:)` pointing after the last token before a line break).
    private mutating func dropReadTokens() {
        guard isLexing, index >= 256 else { return }
        var keep = index - 1
        while keep > 0, case .newline = tokens[keep].kind { keep -= 1 }
        guard keep > 0 else { return }
        tokens.removeSubrange(0..<keep)
        index -= keep
    }

    // MARK: Script and statements

    /// script = separators { statement statementEnd separators } END
    mutating func parseScript() throws(Diagnostic) -> [Statement] {
        var statements: [Statement] = []
        skipSeparators()
        while !check(.end) {
            dropReadTokens()
            statements.append(try parseStatement())
            try expectStatementEnd()
            skipSeparators()
        }
        return statements
    }

    /// statement = letStatement | ifStatement | forStatement | assertStatement
    ///           | echoStatement | sourceStatement | exitStatement | commandOrExpression
    private mutating func parseStatement() throws(Diagnostic) -> Statement {
        switch peekShape {
        case .keyword(.let): return try parseLetStatement()
        case .keyword(.if): return try parseIfStatement()
        case .keyword(.for): return try parseForStatement()
        case .keyword(.assert): return try parseAssertStatement()
        case .keyword(.echo), .keyword(.print): return try parseEchoStatement()
        case .keyword(.source): return try parseSourceStatement()
        case .keyword(.exit): return try parseExitStatement()
        case .keyword(.else):
            throw error(
                .unexpectedToken,
                "'else' without 'if'",
                hint: "Write 'else' right after the '}' that closes an 'if' block: } else {",
                at: peek
            )
        default:
            let value = try parseCommandOrExpression()
            return Statement(.expression(value), range: value.range)
        }
    }

    /// letStatement = "let" NAME "=" commandOrExpression
    private mutating func parseLetStatement() throws(Diagnostic) -> Statement {
        let keyword = advanceRange()
        let name = try parseName(after: "let", rest: "= VALUE")
        guard match(.equals) else {
            throw error(
                .expectedToken,
                "Expected '=' after 'let \(name.name)'",
                hint: "Write: let \(name.name) = VALUE.",
                at: peek
            )
        }
        guard !isAtStatementEnd else {
            throw error(
                .expectedToken,
                "Expected a value after '='",
                hint: "Write: let \(name.name) = VALUE.",
                at: peek
            )
        }
        let value = try parseCommandOrExpression()
        return Statement(.binding(name: name, value: value), range: keyword.union(value.range))
    }

    /// ifStatement = "if" expression block [ "else" ( ifStatement | block ) ]
    private mutating func parseIfStatement() throws(Diagnostic) -> Statement {
        let keyword = advanceRange()
        guard !check(.leftBrace), !isAtStatementEnd else {
            throw error(
                .expectedToken,
                "Expected a condition after 'if'",
                hint: "Write: if CONDITION { ... }.",
                at: peek
            )
        }
        let condition = try parseExpression()
        let then = try parseBlock(after: "the condition", usage: "if CONDITION {")
        var otherwise: ElseClause?
        var end = then.range
        // `else` may start the next line: nothing else can begin with it.
        let beforeElse = index
        skipNewlines()
        if check(.else) {
            let elseKeyword = advanceRange()
            if check(.if) {
                try enterNesting(at: elseKeyword)
                defer { depth -= 1 }
                let nested = try parseIfStatement()
                otherwise = .conditional(nested)
                end = nested.range
            } else if check(.leftBrace) {
                let block = try parseBlock(after: "'else'", usage: "else {")
                otherwise = .block(block)
                end = block.range
            } else {
                throw error(
                    .expectedToken,
                    "Expected '{' or 'if' after 'else'",
                    hint: "Write: else { ... } or else if CONDITION { ... }.",
                    at: peek
                )
            }
        } else {
            index = beforeElse
        }
        return Statement(
            .conditional(condition: condition, then: then, otherwise: otherwise),
            range: keyword.union(end)
        )
    }

    /// forStatement = "for" NAME "in" expression block
    private mutating func parseForStatement() throws(Diagnostic) -> Statement {
        let keyword = advanceRange()
        let variable = try parseName(after: "for", rest: "in LIST { ... }")
        guard check(.in) else {
            throw error(
                .expectedToken,
                "Expected 'in' after 'for \(variable.name)'",
                hint: "Write: for \(variable.name) in LIST { ... }.",
                at: peek
            )
        }
        advance()
        guard !check(.leftBrace), !isAtStatementEnd else {
            throw error(
                .expectedToken,
                "Expected a list after 'in'",
                hint: "Write: for \(variable.name) in LIST { ... }.",
                at: peek
            )
        }
        let sequence = try parseExpression()
        let body = try parseBlock(after: "the list", usage: "for \(variable.name) in LIST {")
        return Statement(
            .loop(variable: variable, sequence: sequence, body: body),
            range: keyword.union(body.range)
        )
    }

    /// assertStatement = "assert" expression [ expression ]
    private mutating func parseAssertStatement() throws(Diagnostic) -> Statement {
        let keyword = advanceRange()
        guard !isAtStatementEnd else {
            throw error(
                .expectedToken,
                "Expected a condition after 'assert'",
                hint: "Write: assert CONDITION ['message'].",
                at: peek
            )
        }
        let condition = try parseExpression()
        var message: Expression?
        if !isAtStatementEnd { message = try parseExpression() }
        try expectStatementEnd(hint: "Quote an assertion message that has spaces: assert $ok 'it failed'.")
        return Statement(
            .assertion(condition: condition, message: message),
            range: keyword.union(message?.range ?? condition.range)
        )
    }

    /// echoStatement = ( "echo" | "print" ) { argument }
    ///
    /// Options are echoed as the text they were written as.
    private mutating func parseEchoStatement() throws(Diagnostic) -> Statement {
        let keyword = advanceRange()
        var values: [Expression] = []
        while !isAtArgumentsEnd {
            switch try parseArgument() {
            case .value(let value):
                values.append(value)
            case .option(let name, let inlineValue):
                let spelled = Expression(.word(optionSpelling(name)), range: name.range)
                if let inlineValue {
                    let equals = Expression(.word(optionSpelling(name) + "="), range: name.range)
                    values.append(
                        Expression(.concatenation([equals, inlineValue]), range: name.range.union(inlineValue.range))
                    )
                } else {
                    values.append(spelled)
                }
            }
        }
        return Statement(.echo(values), range: keyword.union(values.last?.range ?? keyword))
    }

    /// sourceStatement = "source" argumentValue
    private mutating func parseSourceStatement() throws(Diagnostic) -> Statement {
        let keyword = advanceRange()
        guard !isAtArgumentsEnd else {
            throw error(.expectedToken, "Expected a path after 'source'", hint: "Write: source other.gfs.", at: peek)
        }
        let path = try parseArgumentValue()
        try expectStatementEnd(hint: "'source' takes one path; quote a path that contains spaces.")
        return Statement(.source(path), range: keyword.union(path.range))
    }

    /// exitStatement = "exit" [ expression ]
    private mutating func parseExitStatement() throws(Diagnostic) -> Statement {
        let keyword = advanceRange()
        var code: Expression?
        if !isAtStatementEnd { code = try parseExpression() }
        return Statement(.exit(code), range: keyword.union(code?.range ?? keyword))
    }

    /// block = "{" separators { statement statementEnd separators } "}"
    private mutating func parseBlock(after context: String, usage: String) throws(Diagnostic) -> Block {
        guard check(.leftBrace) else {
            let hint =
                check(.newline)
                ? "Start the block on the same line: \(usage)" : "Write the block in braces: \(usage) ... }"
            throw error(.expectedToken, "Expected '{' after \(context)", hint: hint + ".", at: peek)
        }
        let open = advanceRange()
        try enterNesting(at: open)
        defer { depth -= 1 }
        var statements: [Statement] = []
        skipSeparators()
        while !check(.rightBrace) {
            if check(.end) {
                throw error(
                    .unclosed,
                    "Expected '}' to close the block opened at \(open.start.line):\(open.start.column)",
                    hint: "Add '}' after the block's last statement.",
                    at: peek
                )
            }
            statements.append(try parseStatement())
            if !check(.rightBrace) { try expectStatementEnd() }
            skipSeparators()
        }
        let close = advanceRange()
        return Block(statements: statements, range: open.union(close))
    }

    /// statementEnd = NEWLINE | ";" | END | (before) "}"
    private mutating func expectStatementEnd(hint: String? = nil) throws(Diagnostic) {
        switch peekShape {
        case .newline, .punctuation(.semicolon), .end, .punctuation(.rightBrace):
            return
        case .punctuation(.rightParenthesis):
            throw error(.unexpectedToken, "Unexpected ')'", hint: "This ')' has no matching '('.", at: peek)
        case .punctuation(.rightBracket):
            throw error(.unexpectedToken, "Unexpected ']'", hint: "This ']' has no matching '['.", at: peek)
        default:
            throw error(
                .unexpectedToken,
                "Unexpected \(peek.displayName) after the statement",
                hint: hint ?? "Put each statement on its own line, or separate statements with ';'.",
                at: peek
            )
        }
    }

    // MARK: Commands

    /// commandOrExpression = command | expression
    ///
    /// A command starts with `try` or a word that is not a number.
    private mutating func parseCommandOrExpression() throws(Diagnostic) -> Expression {
        if startsCommand {
            let command = try parseCommand()
            return Expression(.command(command), range: command.range)
        }
        return try parseExpression()
    }

    private var startsCommand: Bool {
        switch peekShape {
        case .keyword(.try): return true
        case .word:
            guard case .word(let text) = peek.kind else { return false }
            return !isNumberSyntax(text)
        default: return false
        }
    }

    /// command = [ "try" ] WORD { argument }
    private mutating func parseCommand() throws(Diagnostic) -> Command {
        let start = peek
        var isTry = false
        if check(.try) {
            advance()
            isTry = true
            guard startsCommand, !check(.try) else {
                throw error(
                    .expectedToken,
                    "Expected a command after 'try'",
                    hint: "'try' runs one command and yields its failure as a value: try org create apiorg.",
                    at: peek
                )
            }
        }
        var arguments: [CommandArgument] = [.value(try parseArgumentValue())]
        while !isAtArgumentsEnd {
            arguments.append(try parseArgument())
        }
        let end = arguments.last.map(range(of:)) ?? start.range
        return Command(arguments: arguments, isTry: isTry, range: start.range.union(end))
    }

    /// argument = OPTION [ "=" argumentValue ] | argumentValue
    ///
    /// The `=` and its value touch the option: `--name=value`.
    private mutating func parseArgument() throws(Diagnostic) -> CommandArgument {
        guard case .option(let spelled) = peek.kind else {
            return .value(try parseArgumentValue())
        }
        let option = advanceToken()
        let name = Identifier(String(spelled.drop { $0 == "-" }), range: option.range)
        guard check(.equals), !peekIsPrecededBySpace else {
            return .option(name: name, inlineValue: nil)
        }
        let equals = advanceToken()
        guard startsArgumentPiece, !peekIsPrecededBySpace else {
            throw error(
                .expectedToken,
                "Expected a value after '\(spelled)='",
                hint:
                    "Write the value right after '=', as in \(spelled)=value, or quote an empty value: \(spelled)=''.",
                justAfter: equals
            )
        }
        return .option(name: name, inlineValue: try parseArgumentValue())
    }

    /// argumentValue = argumentPiece { argumentPiece }   (pieces with nothing between them)
    ///
    /// Adjacent pieces join into one string (`$dir/file.json`); adjacent plain text joins
    /// into one word (`http://localhost:3000`, `a,b`).
    private mutating func parseArgumentValue() throws(Diagnostic) -> Expression {
        let first = try parseArgumentPiece()
        // Most arguments are one piece, and need no array.
        guard startsArgumentPiece, !peekIsPrecededBySpace else { return first }
        var pieces = [first]
        while startsArgumentPiece, !peekIsPrecededBySpace {
            let piece = try parseArgumentPiece()
            if case .word(let text) = piece.kind, case .word(let before) = pieces[pieces.count - 1].kind {
                pieces[pieces.count - 1] = Expression(
                    .word(before + text),
                    range: pieces[pieces.count - 1].range.union(piece.range)
                )
            } else {
                pieces.append(piece)
            }
        }
        if pieces.count == 1 { return pieces[0] }
        return Expression(.concatenation(pieces), range: pieces[0].range.union(pieces[pieces.count - 1].range))
    }

    private var startsArgumentPiece: Bool {
        switch peekShape {
        case .word, .name, .keyword, .variable, .option, .string, .rawString, .operator(.plus), .operator(.minus),
            .punctuation(.leftParenthesis), .punctuation(.leftBracket), .punctuation(.leftBrace),
            .punctuation(.comma), .punctuation(.colon), .punctuation(.equals):
            true
        default:
            false
        }
    }

    /// argumentPiece = WORD | STRING | RAW_STRING | postfix | "true" | "false" | "null"
    ///               | text   (other keywords, `,`, `:`, `=`, `+`, `-`, options: their spelling)
    private mutating func parseArgumentPiece() throws(Diagnostic) -> Expression {
        // The range is kept rather than the token: a copy of the token retains its text.
        let range = peekRange
        switch peek.kind {
        case .word(let text), .name(let text), .option(let text):
            advance()
            try rejectIndexAfterWord()
            return Expression(.word(text), range: range)
        case .keyword(.true), .keyword(.false), .keyword(.null), .string, .rawString:
            return try parsePrimary()
        case .keyword(let keyword):
            advance()
            return Expression(.word(keyword.rawValue), range: range)
        case .punctuation(.comma), .punctuation(.colon), .punctuation(.equals), .operator(.plus), .operator(.minus):
            let text = punctuationText(peek)
            advance()
            return Expression(.word(text), range: range)
        case .operator(let op):
            throw error(
                .unexpectedToken,
                "Unexpected '\(op.rawValue)' in command arguments",
                hint:
                    "Quote it to pass it as text ('\(op.rawValue)'), or compare a command's result in parentheses: (org show 1).name == 'x'.",
                at: peek
            )
        case .variable, .punctuation(.leftParenthesis), .punctuation(.leftBracket), .punctuation(.leftBrace):
            return try parsePostfix()
        default:
            throw error(.expectedToken, "Expected an argument", hint: nil, at: peek)
        }
    }

    private func punctuationText(_ token: Token) -> String {
        switch token.kind {
        case .punctuation(let punctuation): punctuation.rawValue
        case .operator(let op): op.rawValue
        default: ""
        }
    }

    /// A `[` right after a bare word is a mistake, not an index: `file[1].json`.
    private func rejectIndexAfterWord() throws(Diagnostic) {
        if check(.leftBracket), !peekIsPrecededBySpace {
            throw error(
                .unexpectedToken,
                "Unexpected '[' after a word",
                hint: "Quote a word that contains brackets, as in 'file[1].json'.",
                at: peek
            )
        }
    }

    private var isAtArgumentsEnd: Bool {
        switch peekShape {
        case .newline, .end, .punctuation(.semicolon), .punctuation(.rightParenthesis),
            .punctuation(.rightBracket), .punctuation(.rightBrace):
            true
        default:
            false
        }
    }

    private var isAtStatementEnd: Bool {
        switch peekShape {
        case .newline, .end, .punctuation(.semicolon), .punctuation(.rightBrace): true
        default: false
        }
    }

    // MARK: Expressions, one method per precedence level

    /// expression = orExpression
    mutating func parseExpression() throws(Diagnostic) -> Expression {
        try parseOr()
    }

    /// orExpression = andExpression { "or" andExpression }
    private mutating func parseOr() throws(Diagnostic) -> Expression {
        var left = try parseAnd()
        var links = 0
        defer { depth -= links }
        while check(.or) {
            try enterNesting(at: advanceRange())
            links += 1
            let right = try parseAnd()
            left = Expression(.binary(.or, left, right), range: left.range.union(right.range))
        }
        return left
    }

    /// andExpression = notExpression { "and" notExpression }
    private mutating func parseAnd() throws(Diagnostic) -> Expression {
        var left = try parseNot()
        var links = 0
        defer { depth -= links }
        while check(.and) {
            try enterNesting(at: advanceRange())
            links += 1
            let right = try parseNot()
            left = Expression(.binary(.and, left, right), range: left.range.union(right.range))
        }
        return left
    }

    /// notExpression = "not" notExpression | comparison
    private mutating func parseNot() throws(Diagnostic) -> Expression {
        guard check(.not) else { return try parseComparison() }
        let keyword = advanceRange()
        try enterNesting(at: keyword)
        defer { depth -= 1 }
        let operand = try parseNot()
        return Expression(.unary(.not, operand), range: keyword.union(operand.range))
    }

    /// comparison = additive [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) additive ]
    ///
    /// Comparisons do not chain: `a < b < c` is an error.
    private mutating func parseComparison() throws(Diagnostic) -> Expression {
        let left = try parseAdditive()
        guard let op = comparisonOperator(peekShape) else {
            try rejectForeignOperator()
            return left
        }
        advance()
        let right = try parseAdditive()
        if comparisonOperator(peekShape) != nil {
            throw error(
                .unexpectedToken,
                "Comparisons cannot be chained",
                hint: "Combine two comparisons with 'and': a < b and b < c.",
                at: peek
            )
        }
        try rejectForeignOperator()
        return Expression(.binary(op, left, right), range: left.range.union(right.range))
    }

    private func comparisonOperator(_ shape: TokenShape) -> BinaryOperator? {
        guard case .operator(let op) = shape else { return nil }
        switch op {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessOrEqual: return .lessOrEqual
        case .greater: return .greater
        case .greaterOrEqual: return .greaterOrEqual
        case .plus, .minus: return nil
        }
    }

    /// `&&`, `||` and a lone `=` after a value are other languages' operators.
    private func rejectForeignOperator() throws(Diagnostic) {
        switch peekShape {
        case .word:
            if case .word("&&") = peek.kind {
                throw error(
                    .unexpectedToken,
                    "Unexpected '&&'",
                    hint: "Use 'and' to require both conditions.",
                    at: peek
                )
            }
            if case .word("||") = peek.kind {
                throw error(.unexpectedToken, "Unexpected '||'", hint: "Use 'or' to accept either condition.", at: peek)
            }
        case .punctuation(.equals):
            throw error(.unexpectedToken, "Unexpected '='", hint: "Use '==' to compare two values.", at: peek)
        default:
            return
        }
    }

    /// additive = unary { ( "+" | "-" ) unary }
    ///
    /// A number word that starts with `-` right after a value subtracts: `$n-1`, `$n -1`.
    private mutating func parseAdditive() throws(Diagnostic) -> Expression {
        var left = try parseUnary()
        // Each link of a chain deepens the (left-leaning) tree, so it counts as nesting.
        var links = 0
        defer { depth -= links }
        while true {
            if case .operator(let op) = peekShape, op == .plus || op == .minus {
                try enterNesting(at: advanceRange())
                links += 1
                let right = try parseUnary()
                left = Expression(
                    .binary(op == .plus ? .plus : .minus, left, right),
                    range: left.range.union(right.range)
                )
            } else if case .word = peekShape, case .word(let text) = peek.kind, text.hasPrefix("-"),
                isNumberSyntax(String(text.dropFirst()))
            {
                let token = advanceRange()
                try enterNesting(at: token)
                links += 1
                var start = token.start
                start.offset += 1
                start.column += 1
                let range = SourceRange(start: start, end: token.end)
                let number = try number(String(text.dropFirst()), at: range)
                let right = Expression(.literal(number), range: range)
                left = Expression(.binary(.minus, left, right), range: left.range.union(right.range))
            } else {
                return left
            }
        }
    }

    /// unary = "-" unary | postfix
    private mutating func parseUnary() throws(Diagnostic) -> Expression {
        guard check(.minus) else { return try parsePostfix() }
        let minus = advanceRange()
        try enterNesting(at: minus)
        defer { depth -= 1 }
        let operand = try parseUnary()
        return Expression(.unary(.negate, operand), range: minus.union(operand.range))
    }

    /// postfix = primary { "." NAME | "[" expression "]" }   (each touching what it follows)
    private mutating func parsePostfix() throws(Diagnostic) -> Expression {
        var value = try parsePrimary()
        if case .word = value.kind {
            try rejectIndexAfterWord()
            return value
        }
        var links = 0
        defer { depth -= links }
        while !peekIsPrecededBySpace {
            if check(.dot) {
                try enterNesting(at: advanceRange())
                links += 1
                guard case .name(let name) = peek.kind else {
                    throw error(.expectedToken, "Expected a field name after '.'", hint: nil, at: peek)
                }
                let field = advanceRange()
                value = Expression(
                    .member(value, Identifier(name, range: field)),
                    range: value.range.union(field)
                )
            } else if check(.leftBracket) {
                let open = advanceRange()
                try enterNesting(at: open)
                links += 1
                guard !check(.rightBracket) else {
                    throw error(
                        .expectedToken,
                        "Expected an index inside '[ ]'",
                        hint: "Write a position or key: $orgs[0], $org[\"name\"].",
                        at: peek
                    )
                }
                let indexValue = try parseExpression()
                guard check(.rightBracket) else {
                    throw error(
                        .unclosed,
                        "Expected ']' to close the index opened at \(open.start.line):\(open.start.column)",
                        hint: "Write one index between '[' and ']'.",
                        at: peek
                    )
                }
                let close = advanceRange()
                value = Expression(.index(value, indexValue), range: value.range.union(close))
            } else {
                break
            }
        }
        return value
    }

    /// primary = NUMBER | "true" | "false" | "null" | STRING | RAW_STRING | VARIABLE | WORD
    ///         | "(" commandOrExpression ")" | list | record
    private mutating func parsePrimary() throws(Diagnostic) -> Expression {
        let range = peekRange
        switch peek.kind {
        case .word(let text), .name(let text):
            advance()
            if let value = plainIntegerValue(text) { return Expression(.literal(value), range: range) }
            if isNumberSyntax(text) {
                return Expression(.literal(try number(text, at: range)), range: range)
            }
            if bareNamesAreVariables, let path = variablePath(text, range: range) {
                return path
            }
            return Expression(.word(text), range: range)
        case .keyword(.true):
            advance()
            return Expression(.literal(.bool(true)), range: range)
        case .keyword(.false):
            advance()
            return Expression(.literal(.bool(false)), range: range)
        case .keyword(.null):
            advance()
            return Expression(.literal(.null), range: range)
        case .string(let segments):
            advance()
            return Expression(.string(try parseStringSegments(segments, range: range)), range: range)
        case .rawString(let text):
            advance()
            return Expression(.string([.text(text)]), range: range)
        case .variable(let name):
            advance()
            return Expression(.variable(Identifier(name, range: range)), range: range)
        case .punctuation(.leftParenthesis):
            return try parseParenthesized()
        case .punctuation(.leftBracket):
            return try parseList()
        case .punctuation(.leftBrace):
            return try parseRecord()
        case .operator(let op) where index == 0 || !isValueExpected(after: previous):
            throw error(
                .unexpectedToken,
                "Unexpected '\(op.rawValue)'",
                hint: "An operator needs a value on each side, as in $a \(op.rawValue) $b.",
                at: peek
            )
        case .option(let spelled):
            throw error(
                .unexpectedToken,
                "Unexpected option '\(spelled)' in an expression",
                hint: "Options belong to commands; quote it to use it as text: '\(spelled)'.",
                at: peek
            )
        default:
            if index > 0, isValueExpected(after: previous) {
                throw error(.expectedToken, "Expected a value after \(previous.displayName)", hint: nil, at: peek)
            }
            switch peek.kind {
            case .punctuation(.rightParenthesis):
                throw error(.unexpectedToken, "Unexpected ')'", hint: "This ')' has no matching '('.", at: peek)
            case .punctuation(.rightBracket):
                throw error(.unexpectedToken, "Unexpected ']'", hint: "This ']' has no matching '['.", at: peek)
            case .punctuation(.rightBrace):
                throw error(.unexpectedToken, "Unexpected '}'", hint: "This '}' has no matching '{'.", at: peek)
            default:
                throw error(.unexpectedToken, "Unexpected \(peek.displayName)", hint: nil, at: peek)
            }
        }
    }

    private func isValueExpected(after token: Token) -> Bool {
        switch token.kind {
        case .operator, .keyword, .punctuation(.colon), .punctuation(.equals), .punctuation(.comma),
            .punctuation(.leftParenthesis), .punctuation(.leftBracket):
            true
        default:
            false
        }
    }

    /// `org.id` inside `${...}`: the variable `org` and its fields.
    private func variablePath(_ text: String, range: SourceRange) -> Expression? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard
            parts.allSatisfy({ part in
                !part.isEmpty && isIdentifierStart(part.utf8.first!) && part.utf8.allSatisfy(isIdentifierContinue)
            })
        else { return nil }
        var offset = range.start.offset
        var column = range.start.column
        func piece(_ part: Substring) -> SourceRange {
            let start = SourcePosition(offset: offset, line: range.start.line, column: column)
            offset += part.utf8.count
            column += part.utf8.count
            let end = SourcePosition(offset: offset, line: range.start.line, column: column)
            offset += 1
            column += 1
            return SourceRange(start: start, end: end)
        }
        let firstRange = piece(parts[0])
        var value = Expression(.variable(Identifier(String(parts[0]), range: firstRange)), range: firstRange)
        for part in parts.dropFirst() {
            let fieldRange = piece(part)
            value = Expression(
                .member(value, Identifier(String(part), range: fieldRange)),
                range: value.range.union(fieldRange)
            )
        }
        return value
    }

    /// "(" commandOrExpression ")"
    private mutating func parseParenthesized() throws(Diagnostic) -> Expression {
        let open = advanceRange()
        try enterNesting(at: open)
        defer { depth -= 1 }
        guard !check(.rightParenthesis) else {
            throw Diagnostic(
                code: .emptyExpression,
                message: "Empty parentheses",
                hint: "Put a command or an expression inside: (org list).",
                range: open.union(peek.range),
                sourceName: sourceName
            )
        }
        var inner = try parseCommandOrExpression()
        guard check(.rightParenthesis) else {
            throw error(
                .unclosed,
                "Expected ')' to close the '(' opened at \(open.start.line):\(open.start.column)",
                hint: "Add ')' after the command or expression.",
                at: peek
            )
        }
        let close = advanceRange()
        inner.range = open.union(close)
        return inner
    }

    /// list = "[" [ expression { "," expression } [ "," ] ] "]"
    private mutating func parseList() throws(Diagnostic) -> Expression {
        let open = advanceRange()
        try enterNesting(at: open)
        defer { depth -= 1 }
        var elements: [Expression] = []
        while !check(.rightBracket) {
            guard !check(.end) else {
                throw error(
                    .unclosed,
                    "Expected ']' to close the list opened at \(open.start.line):\(open.start.column)",
                    hint: "Add ']' after the last item.",
                    at: peek
                )
            }
            elements.append(try parseExpression())
            if !match(.comma), !check(.rightBracket) {
                throw error(
                    .unclosed,
                    "Expected ',' or ']' in the list opened at \(open.start.line):\(open.start.column)",
                    hint: "Separate list items with ','; put a command in parentheses: [(org list)].",
                    at: peek
                )
            }
        }
        let close = advanceRange()
        return Expression(.list(elements), range: open.union(close))
    }

    /// record = "{" [ recordEntry { "," recordEntry } [ "," ] ] "}"   (line breaks allowed)
    private mutating func parseRecord() throws(Diagnostic) -> Expression {
        let open = advanceRange()
        try enterNesting(at: open)
        defer { depth -= 1 }
        let opened = "\(open.start.line):\(open.start.column)"
        var entries: [RecordEntry] = []
        var keys = Set<String>()
        skipNewlines()
        while !check(.rightBrace) {
            guard !check(.end) else {
                throw error(
                    .unclosed,
                    "Expected '}' to close the record opened at \(opened)",
                    hint: "Add '}' after the last entry.",
                    at: peek
                )
            }
            let entry = try parseRecordEntry()
            guard keys.insert(entry.key).inserted else {
                throw Diagnostic(
                    code: .duplicateKey,
                    message: "Duplicate key '\(entry.key)' in record",
                    hint: "Each key may appear once in a record.",
                    range: entry.keyRange,
                    sourceName: sourceName
                )
            }
            entries.append(entry)
            skipNewlines()
            if match(.comma) {
                skipNewlines()
            } else if !check(.rightBrace) {
                throw error(
                    .unclosed,
                    "Expected ',' or '}' in the record opened at \(opened)",
                    hint: "Separate record entries with ','.",
                    at: peek
                )
            }
        }
        let close = advanceRange()
        return Expression(.record(entries), range: open.union(close))
    }

    /// recordEntry = ( NAME | WORD | STRING | RAW_STRING ) ":" expression
    private mutating func parseRecordEntry() throws(Diagnostic) -> RecordEntry {
        let keyToken = peek
        let key: String
        switch keyToken.kind {
        case .word(let text), .name(let text):
            key = text
        case .keyword(let keyword):
            key = keyword.rawValue
        case .rawString(let text):
            key = text
        case .string(let segments):
            var text = ""
            for segment in segments {
                guard case .text(let piece) = segment else {
                    throw error(
                        .unexpectedToken,
                        "Record keys cannot be interpolated",
                        hint: "Write the key as plain text; build records with dynamic keys in the host.",
                        at: keyToken
                    )
                }
                text += piece
            }
            key = text
        default:
            throw error(
                .expectedToken,
                "Expected a record key",
                hint: "Write entries as key: value, with names or quoted strings as keys.",
                at: keyToken
            )
        }
        advance()
        guard check(.colon) else {
            throw error(
                .expectedToken,
                "Expected ':' after the key '\(key)'",
                hint: "Write each entry as key: value.",
                at: peek
            )
        }
        let colon = advanceToken()
        skipNewlines()
        guard !check(.comma), !check(.rightBrace), !check(.end) else {
            throw error(
                .expectedToken,
                "Expected a value after '\(key):'",
                hint: "Write each entry as key: value.",
                justAfter: colon
            )
        }
        let value = try parseExpression()
        return RecordEntry(key: key, keyRange: keyToken.range, value: value)
    }

    /// The parts of a double-quoted string; each `${...}` is parsed as one expression.
    private func parseStringSegments(_ segments: [StringSegment], range: SourceRange) throws(Diagnostic) -> [StringPart]
    {
        var parts: [StringPart] = []
        for segment in segments {
            switch segment {
            case .text(let text):
                parts.append(.text(text))
            case .variable(let name, let range):
                parts.append(.interpolation(Expression(.variable(Identifier(name, range: range)), range: range)))
            case .interpolation(let tokens, let range):
                guard depth < maximumNestingDepth else {
                    throw tooDeep(at: range)
                }
                var parser = Parser(
                    tokens: tokens,
                    sourceName: sourceName,
                    depth: depth + 1,
                    bareNamesAreVariables: true
                )
                if parser.check(.end) {
                    throw Diagnostic(
                        code: .emptyExpression,
                        message: "Empty interpolation",
                        hint: "Write a name or an expression inside '${...}', or '\\$' for a dollar sign.",
                        range: range,
                        sourceName: sourceName
                    )
                }
                let value = try parser.parseExpression()
                guard parser.check(.end) else {
                    throw parser.error(
                        .unexpectedToken,
                        "Unexpected \(parser.peek.displayName) in interpolation",
                        hint: "An interpolation holds one expression, as in \"${org.id}\".",
                        at: parser.peek
                    )
                }
                parts.append(.interpolation(value))
            }
        }
        return parts
    }

    // MARK: Names and numbers

    /// NAME after `let` or `for`; `rest` is the usage after the name, for hints.
    private mutating func parseName(after keyword: String, rest: String) throws(Diagnostic) -> Identifier {
        switch peek.kind {
        case .name(let name):
            let token = advanceRange()
            return Identifier(name, range: token)
        case .variable(let name):
            throw error(
                .expectedToken,
                "Expected a variable name after '\(keyword)'",
                hint: "Write the name without '$': \(keyword) \(name) \(rest).",
                at: peek
            )
        default:
            throw error(
                .expectedToken,
                "Expected a variable name after '\(keyword)'",
                hint: "Write: \(keyword) NAME \(rest).",
                at: peek
            )
        }
    }

    /// The value of a NUMBER, or an error when it is out of range: an integer beyond 64 bits
    /// would silently lose digits as a double, and a double beyond its range would be
    /// infinite.
    private func number(_ text: String, at range: SourceRange) throws(Diagnostic) -> Value {
        if let value = inRangeNumberValue(text) { return value }
        let isInteger = !text.utf8.contains { $0 == .dot || $0 | 0x20 == UInt8(ascii: "e") }
        throw Diagnostic(
            code: .literalOutOfRange,
            message: "Number '\(text)' is out of range",
            hint: isInteger
                ? "Integers run from \(Int.min) to \(Int.max); write a fraction or exponent (1e20) for an inexact floating-point number."
                : "Numbers with a fraction or exponent run up to about 1.8e308.",
            range: range,
            sourceName: sourceName
        )
    }

    // MARK: Token access

    // Read in place (`_read`) rather than returned as a copy: the parser looks at the current
    // token several times per token, and each copy retains and releases its text.
    private var peek: Token {
        _read { yield tokens[index] }
    }

    private var previous: Token {
        _read { yield tokens[max(index - 1, 0)] }
    }

    /// Moves past the current token without copying it (a copy retains and releases its
    /// text); `advanceToken()` and `advanceRange()` return what the caller keeps.
    private mutating func advance() {
        if index < tokens.count - 1 {
            index += 1
        } else if isLexing, !isAtEndToken {
            readToken()
            index += 1
        }
    }

    private var isAtEndToken: Bool {
        if case .end = peekShape { return true }
        return false
    }

    private mutating func advanceToken() -> Token {
        let token = tokens[index]
        advance()
        return token
    }

    private mutating func advanceRange() -> SourceRange {
        let range = peekRange
        advance()
        return range
    }

    // Matched on the token's shape rather than with `==` on `Token.Kind`, which would build a
    // kind to compare with and go through the payloads' equality.
    private func check(_ punctuation: Punctuation) -> Bool {
        if case .punctuation(let found) = peekShape { return found == punctuation }
        return false
    }

    private func check(_ keyword: Keyword) -> Bool {
        if case .keyword(let found) = peekShape { return found == keyword }
        return false
    }

    private func check(_ op: Operator) -> Bool {
        if case .operator(let found) = peekShape { return found == op }
        return false
    }

    private func check(_ kind: Token.Kind) -> Bool {
        switch (peekShape, kind) {
        case (.newline, .newline), (.end, .end): true
        case (.newline, _), (.end, _): false
        default: peek.kind == kind
        }
    }

    /// What the current token is, without its text: tested without copying the token.
    private var peekShape: TokenShape { tokens.withUnsafeBufferPointer { $0[index].shape } }

    // Read through a buffer pointer: reading a field of `tokens[index]` copies the whole
    // token (retaining and releasing its text) first. `index` is always a valid position.
    private var peekRange: SourceRange { tokens.withUnsafeBufferPointer { $0[index].range } }

    private var peekIsPrecededBySpace: Bool { tokens.withUnsafeBufferPointer { $0[index].isPrecededBySpace } }

    private mutating func match(_ punctuation: Punctuation) -> Bool {
        guard check(punctuation) else { return false }
        advance()
        return true
    }

    private mutating func skipNewlines() {
        while check(.newline) { advance() }
    }

    private mutating func skipSeparators() {
        while check(.newline) || check(.semicolon) { advance() }
    }

    private mutating func enterNesting(at range: SourceRange) throws(Diagnostic) {
        guard depth < maximumNestingDepth else { throw tooDeep(at: range) }
        depth += 1
    }

    private func tooDeep(at range: SourceRange) -> Diagnostic {
        Diagnostic(
            code: .tooDeep,
            message: "Too deeply nested",
            hint: "Nesting is limited to \(maximumNestingDepth) levels; bind inner values with 'let'.",
            range: range,
            sourceName: sourceName
        )
    }

    private func range(of argument: CommandArgument) -> SourceRange {
        switch argument {
        case .value(let value): value.range
        case .option(let name, let inlineValue): inlineValue.map { name.range.union($0.range) } ?? name.range
        }
    }

    /// An error at the empty range right after `token`, where something is missing.
    private func error(_ code: ErrorCode, _ message: String, hint: String?, justAfter token: Token) -> Diagnostic {
        Diagnostic(
            code: code,
            message: message,
            hint: hint,
            range: SourceRange(start: token.range.end, end: token.range.end),
            sourceName: sourceName
        )
    }

    /// An error at `token`; when `token` is a line break or the end, the error points just
    /// after the last token before it instead, where the missing piece belongs.
    private func error(_ code: ErrorCode, _ message: String, hint: String?, at token: Token) -> Diagnostic {
        var range = token.range
        if token.kind == .newline || token.kind == .end,
            let last = tokens[..<index].last(where: { $0.kind != .newline })
        {
            range = SourceRange(start: last.range.end, end: last.range.end)
        }
        return Diagnostic(code: code, message: message, hint: hint, range: range, sourceName: sourceName)
    }
}

/// The value of a word that reads as a number: `3`, `-1`, `2.5`, `1e3`. Integers without
/// a fraction or exponent are `.int`, as JSON's are. `nil` for a word that is not a number,
/// and for one written as a number but out of range (see `isNumberSyntax`).
func numberValue(_ text: String) -> Value? {
    guard isNumberSyntax(text) else { return nil }
    return inRangeNumberValue(text)
}

/// Whether `text` is written as a number (NUMBER in the grammar), whatever its size.
func isNumberSyntax(_ text: String) -> Bool {
    // One pass over the string's own bytes: every bare word of a script comes through here.
    var digits = 0
    var sawPoint = false
    var sawExponent = false
    var previousWasExponent = false
    var isFirst = true
    var last: UInt8 = 0
    for byte in text.utf8 {
        if isFirst {
            isFirst = false
            if byte == .minus { continue }
        }
        last = byte
        if isDigit(byte) {
            digits += 1
            previousWasExponent = false
        } else if byte == .dot, !sawPoint, !sawExponent, digits > 0 {
            sawPoint = true
        } else if byte | 0x20 == UInt8(ascii: "e"), !sawExponent, digits > 0 {
            sawExponent = true
            previousWasExponent = true
        } else if byte == .plus || byte == .minus, previousWasExponent {
            previousWasExponent = false
        } else {
            return false
        }
    }
    return digits > 0 && isDigit(last)
}

/// The value of a word with number syntax, or `nil` when it does not fit: an integer beyond
/// `Int` (which must not silently become an inexact double) or a number beyond `Double`'s
/// range (which would be infinite).
func inRangeNumberValue(_ text: String) -> Value? {
    if let value = plainIntegerValue(text) { return value }
    let isInteger = !text.utf8.contains { $0 == .dot || $0 | 0x20 == UInt8(ascii: "e") }
    if isInteger { return Int(text).map(Value.int) }
    guard let double = Double(text), double.isFinite else { return nil }
    return .double(double)
}

/// The value of a word of 1 to 18 digits, after an optional `-`: most numbers in scripts,
/// read in one pass (eighteen digits cannot overflow). `nil` for anything else.
func plainIntegerValue(_ text: String) -> Value? {
    var value = 0
    var digits = 0
    var isNegative = false
    var isPlain = true
    for byte in text.utf8 {
        if byte == .minus, digits == 0, !isNegative {
            isNegative = true
        } else if isDigit(byte), digits < 18 {
            value = value &* 10 &+ Int(byte &- UInt8(ascii: "0"))
            digits += 1
        } else {
            isPlain = false
            break
        }
    }
    return isPlain && digits > 0 ? .int(isNegative ? -value : value) : nil
}

func optionSpelling(_ name: Identifier) -> String {
    let dashes = max(1, min(2, name.range.end.offset - name.range.start.offset - name.name.utf8.count))
    return String(repeating: "-", count: dashes) + name.name
}
