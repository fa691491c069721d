// MARK: Public interface

/// Splits a gfs source into tokens, ending with one `.end` token.
///
/// One pass over the UTF-8 bytes; the rules are the lexical section of `grammar/gfs.ebnf`.
/// Throws the first lexical error (unterminated string, invalid escape, unexpected
/// character) with its exact range.
public func tokenize(_ source: SourceFile) throws(Diagnostic) -> [Token] {
    var lexer = Lexer(source)
    return try lexer.lexScript()
}

/// Why an interactive line cannot run yet: something it opened is still open.
public enum ContinuationReason: Hashable, Sendable {
    /// A `'` or `"` string.
    case string
    /// A `${` inside a double-quoted string.
    case interpolation
    case parenthesis
    case bracket
    case brace
    /// A `\` at the very end.
    case lineContinuation
}

/// What keeps `text` from being complete, or `nil` when the shell can parse it now.
///
/// A line with a lexical error that more input cannot fix (an invalid escape) is complete:
/// the parser reports it.
public func continuationReason(_ text: String) -> ContinuationReason? {
    var lexer = Lexer(SourceFile(name: "", text: text))
    do {
        _ = try lexer.lexScript()
    } catch {
        return lexer.openConstruct
    }
    switch lexer.openBrackets.last {
    case UInt8(ascii: "("): return .parenthesis
    case UInt8(ascii: "["): return .bracket
    case UInt8(ascii: "{"): return .brace
    default: return lexer.openConstruct
    }
}

/// Whether the shell should read another line before parsing `text`: a string, `(`, `[`,
/// `{` or `${` is still open, or the text ends with `\`.
public func needsContinuation(_ text: String) -> Bool {
    continuationReason(text) != nil
}

// MARK: Implementation

/// The maximum nesting of `${...}` inside strings inside `${...}`.
let maximumInterpolationDepth = 32

struct Lexer {
    private let bytes: [UInt8]
    private let sourceName: String
    private var index = 0
    private var line = 1
    private var column = 1
    private var interpolationDepth = 0

    /// Set when the input ended inside something still open (for `continuationReason`).
    private(set) var openConstruct: ContinuationReason?
    /// The brackets still open when the top-level token sequence ended.
    private(set) var openBrackets: [UInt8] = []
    /// Words and names read lately, by a hash of their bytes (see `word(from:to:)`); empty
    /// until the first word.
    private var recentWords: [(packed: UInt64, text: String)] = []

    init(_ source: SourceFile) {
        bytes = Array(source.text.utf8)
        sourceName = source.name
    }

    /// What `nextToken()` needs to know of the tokens it made so far in one sequence (the
    /// script, or one `${...}`).
    struct SequenceState {
        var insideInterpolation: Bool
        var brackets: [UInt8] = []
        var precededBySpace: Bool
        var atStatementStart = true
        var expectsName = false
        /// No token made yet.
        var isEmpty = true
        // What the rules need to know of the last token, kept as flags: `emit` clears them;
        // the cases that make a newline, a `.` or the end of an operand (a variable, a field
        // name, a closing bracket: a `.` right after one is a field access) set theirs.
        var lastIsNewline = true
        var lastEndsOperand = false
        var lastIsDot = false

        init(insideInterpolation: Bool) {
            self.insideInterpolation = insideInterpolation
            precededBySpace = !insideInterpolation
        }
    }

    /// The sequence being lexed: the script's, or while a `${...}` is lexed, its own.
    private var stream = SequenceState(insideInterpolation: false)

    mutating func lexScript() throws(Diagnostic) -> [Token] {
        try lexSequence(insideInterpolation: false)
    }

    /// The script's next token, for a parser that takes them one at a time rather than as
    /// one array (a long script's array of tokens takes tens of megabytes). After the `.end`
    /// token it returns `.end` again.
    mutating func nextScriptToken() throws(Diagnostic) -> Token {
        try nextToken()
    }

    // MARK: Positions

    private var position: SourcePosition {
        SourcePosition(lexedOffset: index, line: line, column: column)
    }

    private func byte(at offset: Int) -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    private var current: UInt8? { byte(at: index) }
    private var next: UInt8? { byte(at: index + 1) }

    /// Moves past one byte. Columns count Unicode scalars, so only a scalar's first byte
    /// moves the column.
    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == .newline {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func advance(by count: Int) {
        for _ in 0..<count where index < bytes.count { advance() }
    }

    private func text(from start: Int, to end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func error(_ code: ErrorCode, _ message: String, hint: String?, from start: SourcePosition) -> Diagnostic {
        Diagnostic(
            code: code,
            message: message,
            hint: hint,
            range: SourceRange(start: start, end: position),
            sourceName: sourceName
        )
    }

    // MARK: Token sequences

    /// Lexes tokens until the end of the input or, inside `${`, until the `}` that closes
    /// it (left unconsumed). Ends the list with an `.end` token.
    private mutating func lexSequence(insideInterpolation: Bool) throws(Diagnostic) -> [Token] {
        var tokens: [Token] = []
        // `stream` holds the sequence being lexed; an interpolation's is lexed inside the
        // script's, which is put back afterwards.
        let outer = stream
        stream = SequenceState(insideInterpolation: insideInterpolation)
        defer { stream = outer }
        while true {
            let token = try nextToken()
            tokens.append(token)
            if case .end = token.kind { return tokens }
        }
    }

    /// The next token of the sequence `stream` describes, ending with `.end` at the end of the
    /// input or, inside `${`, at the `}` that closes it (left unconsumed).
    private mutating func nextToken() throws(Diagnostic) -> Token {
        func emit(_ kind: Token.Kind, from start: SourcePosition) -> Token {
            (stream.lastIsNewline, stream.lastEndsOperand, stream.lastIsDot) = (false, false, false)
            let token = Token(
                kind,
                range: SourceRange(start: start, end: position),
                isPrecededBySpace: stream.precededBySpace
            )
            stream.precededBySpace = false
            stream.isEmpty = false
            return token
        }

        while let byte = current {
            let start = position
            switch byte {
            case .space, .tab, .carriageReturn:
                advance()
                stream.precededBySpace = true
                continue
            case .newline:
                advance()
                stream.precededBySpace = true
                // Line breaks separate statements only outside `( )`, `[ ]` and `${ }`.
                let suppressed =
                    stream.insideInterpolation || stream.brackets.last == .leftParenthesis
                    || stream.brackets.last == .leftBracket
                if !suppressed, !stream.isEmpty, !stream.lastIsNewline {
                    let token = emit(.newline, from: start)
                    stream.lastIsNewline = true
                    stream.precededBySpace = true
                    stream.atStatementStart = true
                    return token
                }
                continue
            case .hash:
                while let byte = current, byte != .newline { advance() }
                stream.precededBySpace = true
                continue
            case .backslash where isLineContinuation(at: index):
                advance()
                if current == .carriageReturn { advance() }
                if current == .newline { advance() } else { openConstruct = .lineContinuation }
                stream.precededBySpace = true
                continue
            case .rightBrace where stream.insideInterpolation && stream.brackets.isEmpty:
                return Token(
                    .end,
                    range: SourceRange(start: start, end: start),
                    isPrecededBySpace: stream.precededBySpace
                )
            default:
                break
            }

            let wasStatementStart = stream.atStatementStart
            let wantsName = stream.expectsName
            stream.atStatementStart = false
            stream.expectsName = false

            switch byte {
            case .doubleQuote:
                let segments = try lexString()
                return emit(.string(segments), from: start)
            case .singleQuote:
                let text = try lexRawString()
                return emit(.rawString(text), from: start)
            case .dollar:
                let name = try lexVariable()
                let token = emit(.variable(name), from: start)
                stream.lastEndsOperand = true
                return token
            case .leftParenthesis, .leftBracket, .leftBrace:
                advance()
                stream.brackets.append(byte)
                let token = emit(.punctuation(Punctuation(openingBracket: byte)), from: start)
                if byte == .leftBrace { stream.atStatementStart = true }
                return token
            case .rightParenthesis, .rightBracket, .rightBrace:
                advance()
                let opener: UInt8 =
                    byte == .rightParenthesis ? .leftParenthesis : byte == .rightBracket ? .leftBracket : .leftBrace
                // A stray closer leaves the stack alone; the parser reports it.
                if let match = stream.brackets.lastIndex(of: opener) { stream.brackets.removeSubrange(match...) }
                let token = emit(.punctuation(Punctuation(closingBracket: byte)), from: start)
                stream.lastEndsOperand = true
                if byte == .rightBrace { stream.atStatementStart = true }
                return token
            case .comma:
                advance()
                return emit(.punctuation(.comma), from: start)
            case .colon:
                advance()
                return emit(.punctuation(.colon), from: start)
            case .semicolon:
                advance()
                let token = emit(.punctuation(.semicolon), from: start)
                stream.atStatementStart = true
                return token
            case .equals:
                advance()
                if current == .equals {
                    advance()
                    return emit(.operator(.equal), from: start)
                }
                return emit(.punctuation(.equals), from: start)
            case .exclamation:
                advance()
                guard current == .equals else {
                    throw error(
                        .unexpectedCharacter,
                        "Unexpected '!'",
                        hint: "Use 'not' to negate a condition.",
                        from: start
                    )
                }
                advance()
                return emit(.operator(.notEqual), from: start)
            case .less, .greater:
                advance()
                if current == .equals {
                    advance()
                    return emit(.operator(byte == .less ? .lessOrEqual : .greaterOrEqual), from: start)
                }
                return emit(.operator(byte == .less ? .less : .greater), from: start)
            case .plus:
                advance()
                return emit(.operator(.plus), from: start)
            case .minus:
                if let option = try lexOption() {
                    return emit(.option(option), from: start)
                } else if startsNumber(at: index + 1) || next == .minus {
                    // `-1`, `-0.5`, `--`: words.
                    return emit(.word(lexWord()), from: start)
                }
                advance()
                return emit(.operator(.minus), from: start)
            case .dot
            where !stream.precededBySpace && stream.lastEndsOperand
                && (isIdentifierStart(next) || nonASCIINameCharacterLength(at: index + 1) != nil):
                advance()
                let token = emit(.punctuation(.dot), from: start)
                stream.lastIsDot = true
                stream.expectsName = true
                return token
            default:
                // Printable ASCII other than '`' is never unexpected: most words skip the test.
                if byte < 0x20 || byte >= 0x7F || byte == .backtick, let problem = unexpectedCharacter(at: index) {
                    advance(by: problem.length)
                    throw error(.unexpectedCharacter, problem.message, hint: problem.hint, from: start)
                }
                if wantsName, isIdentifierStart(byte) || nonASCIINameCharacterLength(at: index) != nil {
                    let name = try lexIdentifier()
                    // After `let` and `for` a keyword stays a keyword (`for in`); after `.` any
                    // name is a field.
                    if !stream.lastIsDot, let keyword = Keyword(utf8: bytes[start.offset..<index]) {
                        return emit(.keyword(keyword), from: start)
                    }
                    let token = emit(.name(name), from: start)
                    stream.lastEndsOperand = true
                    return token
                }
                let wordStart = index
                skipWord()
                if let keyword = Keyword(utf8: bytes[wordStart..<index]) {
                    let token = emit(.keyword(keyword), from: start)
                    // After `let` and `for` a name follows, so `let x=3` reads as `x` `=` `3`.
                    if wasStatementStart, keyword == .let || keyword == .for { stream.expectsName = true }
                    return token
                }
                return emit(.word(word(from: wordStart, to: index)), from: start)
            }
        }

        if stream.insideInterpolation {
            // The caller reports the unclosed `${`.
            openConstruct = .interpolation
            throw Diagnostic(
                code: .unclosed,
                message: "",
                range: SourceRange(start: position, end: position),
                sourceName: sourceName
            )
        }
        openBrackets = stream.brackets
        return Token(
            .end,
            range: SourceRange(start: position, end: position),
            isPrecededBySpace: stream.precededBySpace
        )
    }

    private func isLineContinuation(at offset: Int) -> Bool {
        switch byte(at: offset + 1) {
        case nil, .newline?: true
        case .carriageReturn?: byte(at: offset + 2) == .newline
        default: false
        }
    }

    // MARK: Words, names, options and variables

    /// Reads a bare word: everything up to white space or a character that means something
    /// on its own (quotes, `$`, brackets, `,`, `:`, `;`, `<`, `>`, `==`, `!=`).
    private mutating func lexWord() -> String {
        let start = index
        skipWord()
        return word(from: start, to: index)
    }

    /// Moves past a bare word (see `lexWord`). A word holds no line break, so only the
    /// column moves.
    private mutating func skipWord() {
        advance()
        while index < bytes.count {
            // Letters and digits, most of any word, continue it without the full test.
            let byte = bytes[index]
            if isIdentifierContinue(byte) {
                column += 1
                index += 1
                continue
            }
            guard continuesWord(at: index) else { break }
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
    }

    /// The text of a word or name, from `recentWords` when the same bytes were read lately:
    /// a script repeats its names and numbers, and a cached string (short ones are stored
    /// inline) is copied for less than it costs to validate and build a new one.
    private mutating func word(from start: Int, to end: Int) -> String {
        let count = end - start
        guard count > 0, count <= 8 else { return text(from: start, to: end) }
        // Distinct for distinct words of at most eight bytes: none holds a NUL byte, so the
        // highest non-zero byte marks the length.
        var packed: UInt64 = 0
        for offset in start..<end { packed = packed << 8 | UInt64(bytes[offset]) }
        let slot = Int(truncatingIfNeeded: (packed &* 0x9E37_79B9_7F4A_7C15) >> 56)
        if recentWords.isEmpty {
            recentWords = Array(repeating: (0, ""), count: 256)
        } else if recentWords[slot].packed == packed {
            return recentWords[slot].text
        }
        let text = text(from: start, to: end)
        recentWords[slot] = (packed, text)
        return text
    }

    private func continuesWord(at offset: Int) -> Bool {
        let byte = bytes[offset]
        switch byte {
        case .space, .tab, .carriageReturn, .newline, .doubleQuote, .singleQuote, .dollar,
            .leftParenthesis, .rightParenthesis, .leftBracket, .rightBracket, .leftBrace, .rightBrace,
            .comma, .colon, .semicolon, .less, .greater, .backtick:
            return false
        case .equals, .exclamation:
            return self.byte(at: offset + 1) != .equals
        case .backslash:
            return !isLineContinuation(at: offset)
        case 0x21...0x7E:
            // Printable ASCII not listed above continues a word; only control characters and
            // some characters beyond ASCII need `unexpectedCharacter`'s closer look.
            return true
        default:
            return unexpectedCharacter(at: offset) == nil
        }
    }

    /// Reads a name. Names are ASCII: a letter beyond ASCII touching one (`café`) is an
    /// error rather than the end of the name, which would silently read `$café` as `$caf`
    /// followed by the text `é`.
    private mutating func lexIdentifier() throws(Diagnostic) -> String {
        let start = position
        // ASCII only, so each byte is a column.
        while index < bytes.count, isIdentifierContinue(bytes[index]) {
            index += 1
            column += 1
        }
        // Only a byte beyond ASCII can continue a name wrongly.
        guard index < bytes.count, bytes[index] >= 0xC2, nonASCIINameCharacterLength(at: index) != nil else {
            return word(from: start.offset, to: index)
        }
        while index < bytes.count {
            if isIdentifierContinue(bytes[index]) {
                advance()
            } else if let length = nonASCIINameCharacterLength(at: index) {
                advance(by: length)
            } else {
                break
            }
        }
        let name = text(from: start.offset, to: index)
        throw error(
            .invalidName,
            "Invalid name '\(name)'",
            hint:
                "Names of variables, loops and fields use ASCII letters, digits and '_'; other letters can be in strings, words and record keys ($record[\"\(name)\"]).",
            from: start
        )
    }

    /// The length in bytes of the character at `offset` when it is a letter, digit or mark
    /// beyond ASCII, the kind a name could be mistaken to contain.
    private func nonASCIINameCharacterLength(at offset: Int) -> Int? {
        guard let lead = byte(at: offset), lead >= 0xC2, lead <= 0xF4 else { return nil }
        let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard offset + length <= bytes.count,
            let scalar = String(validating: bytes[offset..<offset + length], as: UTF8.self)?.unicodeScalars.first
        else { return nil }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber:
            return length
        default:
            return properties.isAlphabetic ? length : nil
        }
    }

    /// Reads `--name` or `-n` (dashes included), or returns `nil` when the `-` at the
    /// current position does not start an option.
    private mutating func lexOption() throws(Diagnostic) -> String? {
        let dashes = next == .minus ? 2 : 1
        guard let first = byte(at: index + dashes), isLetter(first) else { return nil }
        let start = position
        advance(by: dashes)
        let nameStart = index
        // The name runs to `=` (an inline value follows) or to the end of the word.
        while index < bytes.count, bytes[index] != .equals, continuesWord(at: index) { advance() }
        let name = text(from: nameStart, to: index)
        guard name.utf8.allSatisfy({ isIdentifierContinue($0) || $0 == .minus || $0 == .dot }) else {
            throw error(
                .invalidName,
                "Invalid option name '\(text(from: start.offset, to: index))'",
                hint: "Option names use letters, digits, '-' and '_'; quote the argument to pass it as text.",
                from: start
            )
        }
        return text(from: start.offset, to: index)
    }

    private mutating func lexVariable() throws(Diagnostic) -> String {
        let start = position
        advance()
        if let byte = current, isIdentifierStart(byte) || nonASCIINameCharacterLength(at: index) != nil {
            return try lexIdentifier()
        }
        if let byte = current, isDigit(byte) {
            let digitsStart = index
            while let byte = current, isDigit(byte) { advance() }
            return text(from: digitsStart, to: index)
        }
        switch current {
        case .leftBrace?:
            advance()
            throw error(
                .unexpectedToken,
                "Unexpected '${' outside a string",
                hint: "Write $name here, or use \"${...}\" inside a double-quoted string.",
                from: start
            )
        case .leftParenthesis?:
            advance()
            throw error(
                .unexpectedToken,
                "Unexpected '$('",
                hint: "Write a command in parentheses without '$' to use its result: (org list).",
                from: start
            )
        default:
            throw error(
                .expectedToken,
                "Expected a variable name after '$'",
                hint: "Variable names start with a letter or '_', as in $org; write '$' in quotes for a dollar sign.",
                from: start
            )
        }
    }

    // MARK: Strings

    private mutating func lexRawString() throws(Diagnostic) -> String {
        let start = position
        advance()
        let textStart = index
        while let byte = current, byte != .singleQuote { advance() }
        guard current == .singleQuote else {
            openConstruct = .string
            throw unterminatedString(at: start, quote: "'")
        }
        let text = text(from: textStart, to: index)
        advance()
        return text
    }

    private func unterminatedString(at start: SourcePosition, quote: String) -> Diagnostic {
        var end = start
        end.offset += 1
        end.column += 1
        return Diagnostic(
            code: .unclosed,
            message: "Unterminated string",
            hint: "The string that starts here needs a closing \(quote).",
            range: SourceRange(start: start, end: end),
            sourceName: sourceName
        )
    }

    private mutating func lexString() throws(Diagnostic) -> [StringSegment] {
        let start = position
        advance()
        var segments: [StringSegment] = []
        var buffer: [UInt8] = []

        func flush() {
            if !buffer.isEmpty {
                segments.append(.text(String(decoding: buffer, as: UTF8.self)))
                buffer.removeAll(keepingCapacity: true)
            }
        }

        while true {
            guard let byte = current else {
                openConstruct = .string
                throw unterminatedString(at: start, quote: "\"")
            }
            switch byte {
            case .doubleQuote:
                advance()
                flush()
                return segments
            case .backslash:
                try lexEscape(into: &buffer)
            case .dollar
            where isIdentifierStart(next) || next.map(isDigit) == true
                || nonASCIINameCharacterLength(at: index + 1) != nil:
                flush()
                let variableStart = position
                let name = try lexVariable()
                segments.append(.variable(name, range: SourceRange(start: variableStart, end: position)))
            case .dollar where next == .leftBrace:
                flush()
                segments.append(try lexInterpolation())
            default:
                buffer.append(byte)
                advance()
            }
        }
    }

    private mutating func lexInterpolation() throws(Diagnostic) -> StringSegment {
        let start = position
        advance(by: 2)
        let unterminated = error(
            .unclosed,
            "Unterminated interpolation",
            hint: "Close the '${' that starts here with '}'.",
            from: start
        )
        guard interpolationDepth < maximumInterpolationDepth else {
            throw error(
                .tooDeep,
                "Too deeply nested interpolation",
                hint: "Interpolations nest at most \(maximumInterpolationDepth) deep; bind inner values with 'let'.",
                from: start
            )
        }
        interpolationDepth += 1
        defer { interpolationDepth -= 1 }
        let tokens: [Token]
        do {
            tokens = try lexSequence(insideInterpolation: true)
        } catch {
            // A string that runs to the end inside `${` is this `${` left open.
            guard openConstruct == .string || openConstruct == .interpolation else { throw error }
            openConstruct = .interpolation
            throw unterminated
        }
        advance()  // the closing `}`
        return .interpolation(tokens, range: SourceRange(start: start, end: position))
    }

    private mutating func lexEscape(into buffer: inout [UInt8]) throws(Diagnostic) {
        let start = position
        advance()
        guard let byte = current else { return }  // the caller reports the open string
        switch byte {
        case UInt8(ascii: "n"): buffer.append(.newline)
        case UInt8(ascii: "t"): buffer.append(.tab)
        case UInt8(ascii: "r"): buffer.append(.carriageReturn)
        case .doubleQuote, .backslash, .dollar: buffer.append(byte)
        case .newline,
            .carriageReturn where next == .newline:
            // A `\` before a line break joins the lines.
            if byte == .carriageReturn { advance() }
            advance()
            return
        case UInt8(ascii: "u"):
            advance()
            try lexUnicodeEscape(into: &buffer, from: start)
            return
        default:
            advance()
            while let byte = current, byte & 0xC0 == 0x80 { advance() }
            let written = text(from: start.offset, to: index)
            throw error(
                .invalidEscape,
                "Invalid escape sequence '\(written)'",
                hint: #"Valid escapes are \n, \t, \r, \", \\, \$ and \u{...}; use '...' for text with backslashes."#,
                from: start
            )
        }
        advance()
    }

    private mutating func lexUnicodeEscape(into buffer: inout [UInt8], from start: SourcePosition) throws(Diagnostic) {
        var value: UInt32 = 0
        var digits = 0
        var valid = current == .leftBrace
        if valid {
            advance()
            while let byte = current, let digit = hexValue(byte), digits < 8 {
                value = value << 4 | UInt32(digit)
                digits += 1
                advance()
            }
            valid = current == .rightBrace && digits > 0
            if valid { advance() }
        }
        guard valid, let scalar = Unicode.Scalar(value) else {
            // Cover the whole written escape, up to its `}`.
            while let byte = current, isIdentifierContinue(byte) { advance() }
            if current == .rightBrace { advance() }
            throw error(
                .invalidEscape,
                "Invalid Unicode escape",
                hint: "Write 1 to 8 hexadecimal digits of a Unicode scalar in braces, as in \\u{1F600}.",
                from: start
            )
        }
        buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    // MARK: Character classes

    /// Characters that are never part of a script outside strings and comments, with a
    /// message and hint for each, and how many bytes they take.
    private func unexpectedCharacter(at offset: Int) -> (message: String, hint: String, length: Int)? {
        let byte = bytes[offset]
        if byte < 0x20 || byte == 0x7F {
            let code = "U+" + String(byte, radix: 16, uppercase: true).leftPadded(to: 4)
            return ("Unexpected character \(code)", "Remove the control character.", 1)
        }
        if byte == .backtick {
            return ("Unexpected '`'", "Use parentheses to run a command for its value: (org list).", 1)
        }
        guard byte >= 0xC2 else { return nil }
        // Characters pasted from documents that look like syntax but are not.
        let next1 = self.byte(at: offset + 1)
        let next2 = self.byte(at: offset + 2)
        if byte == 0xC2, next1 == 0xA0 {
            return ("Unexpected no-break space", "Replace it with a plain space.", 2)
        }
        if byte == 0xE2, next1 == 0x80, let last = next2 {
            switch last {
            case 0x98, 0x99, 0x9C, 0x9D:
                let quote = text(from: offset, to: offset + 3)
                return ("Unexpected '\(quote)'", "Use straight quotes (' or \") to write a string.", 3)
            default:
                return nil
            }
        }
        return nil
    }

    /// Whether a number starts at `offset`: a digit, or `.` and a digit.
    private func startsNumber(at offset: Int) -> Bool {
        guard let first = byte(at: offset) else { return false }
        if isDigit(first) { return true }
        return first == .dot && byte(at: offset + 1).map(isDigit) == true
    }
}

extension Punctuation {
    /// The token of `(`, `[` or `{`, without building a string to look up its raw value.
    init(openingBracket byte: UInt8) {
        self = byte == .leftParenthesis ? .leftParenthesis : byte == .leftBracket ? .leftBracket : .leftBrace
    }

    /// The token of `)`, `]` or `}`.
    init(closingBracket byte: UInt8) {
        self = byte == .rightParenthesis ? .rightParenthesis : byte == .rightBracket ? .rightBracket : .rightBrace
    }
}

extension Keyword {
    /// The keyword `text` spells, if any.
    init?(spelling text: String) {
        var text = text
        guard let keyword = text.withUTF8({ Keyword(utf8: $0) }) else { return nil }
        self = keyword
    }

    /// The keyword these UTF-8 bytes spell, if any. Most words (names, numbers, paths) are
    /// not keywords, and names such as `a12` pass any test of length and first letter, so
    /// this compares the bytes packed into one integer against each keyword's instead of
    /// `init(rawValue:)`, whose string switch hashes the word.
    init?<Bytes: Collection<UInt8>>(utf8 bytes: Bytes) {
        let count = bytes.count
        // Every keyword starts with a lower-case letter; numbers and names such as `B1` do not.
        guard count >= 2, count <= 6, let first = bytes.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "y")
        else { return nil }
        // The spellings packed by `pack`, written out so the compiler makes one search of
        // constants; `LexerTests` checks them against every case's `rawValue`.
        switch Self.pack(bytes) {
        case 0x6c_6574: self = .let
        case 0x6966: self = .if
        case 0x656c_7365: self = .else
        case 0x66_6f72: self = .for
        case 0x696e: self = .in
        case 0x6173_7365_7274: self = .assert
        case 0x6563_686f: self = .echo
        case 0x70_7269_6e74: self = .print
        case 0x736f_7572_6365: self = .source
        case 0x6578_6974: self = .exit
        case 0x74_7279: self = .try
        case 0x61_6e64: self = .and
        case 0x6f72: self = .or
        case 0x6e_6f74: self = .not
        case 0x7472_7565: self = .true
        case 0x66_616c_7365: self = .false
        case 0x6e75_6c6c: self = .null
        default: return nil
        }
    }

    /// Up to eight bytes in one integer, first byte highest; distinct for distinct words of
    /// at most eight bytes.
    private static func pack(_ bytes: some Collection<UInt8>) -> UInt64 {
        var packed: UInt64 = 0
        for byte in bytes { packed = packed << 8 | UInt64(byte) }
        return packed
    }

}

func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

func isLetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
}

func isIdentifierStart(_ byte: UInt8) -> Bool { isLetter(byte) || byte == .underscore }

func isIdentifierStart(_ byte: UInt8?) -> Bool { byte.map(isIdentifierStart) ?? false }

func isIdentifierContinue(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

private func hexValue(_ byte: UInt8) -> UInt8? {
    if isDigit(byte) { return byte - UInt8(ascii: "0") }
    let lower = byte | 0x20
    if lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "f") { return lower - UInt8(ascii: "a") + 10 }
    return nil
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: Swift.max(0, length - count)) + self
    }
}

extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let exclamation = UInt8(ascii: "!")
    static let doubleQuote = UInt8(ascii: "\"")
    static let hash = UInt8(ascii: "#")
    static let dollar = UInt8(ascii: "$")
    static let singleQuote = UInt8(ascii: "'")
    static let leftParenthesis = UInt8(ascii: "(")
    static let rightParenthesis = UInt8(ascii: ")")
    static let plus = UInt8(ascii: "+")
    static let comma = UInt8(ascii: ",")
    static let minus = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let less = UInt8(ascii: "<")
    static let equals = UInt8(ascii: "=")
    static let greater = UInt8(ascii: ">")
    static let leftBracket = UInt8(ascii: "[")
    static let backslash = UInt8(ascii: "\\")
    static let rightBracket = UInt8(ascii: "]")
    static let underscore = UInt8(ascii: "_")
    static let backtick = UInt8(ascii: "`")
    static let leftBrace = UInt8(ascii: "{")
    static let rightBrace = UInt8(ascii: "}")
}
