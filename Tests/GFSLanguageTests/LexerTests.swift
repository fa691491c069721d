import GFSTestSupport
import Testing

@testable import GFSLanguage

/// Tokens in a compact form: `word org`, `var org`, `opt --folder`, `'=='`, `nl`, `end`.
/// A `_` before a token means white space preceded it.
private func lex(_ text: String) throws -> [String] {
    try tokenize(SourceFile(name: "test.gfs", text: text)).map(describe)
}

private func describe(_ token: Token) -> String {
    let body: String
    switch token.kind {
    case .word(let text): body = "word \(text)"
    case .name(let text): body = "name \(text)"
    case .keyword(let keyword): body = "kw \(keyword.rawValue)"
    case .variable(let name): body = "var \(name)"
    case .option(let text): body = "opt \(text)"
    case .rawString(let text): body = "raw \(text)"
    case .string(let segments): body = "str " + segments.map(describe).joined(separator: "|")
    case .punctuation(let punctuation): body = "'\(punctuation.rawValue)'"
    case .operator(let op): body = "'\(op.rawValue)'"
    case .newline: body = "nl"
    case .end: body = "end"
    }
    return body
}

private func describe(_ segment: StringSegment) -> String {
    switch segment {
    case .text(let text): "text(\(text))"
    case .variable(let name, _): "$\(name)"
    case .interpolation(let tokens, _): "${" + tokens.map(describe).joined(separator: " ") + "}"
    }
}

/// Which tokens had white space before them, as a string of `_` (spaced) and `.` (touching).
private func spacing(_ text: String) throws -> String {
    String(try tokenize(SourceFile(name: "test.gfs", text: text)).map { $0.isPrecededBySpace ? "_" : "." })
}

@Suite struct LexerTests {
    /// Every keyword's spelling reads as that keyword; words one letter off, longer, shorter
    /// or differently cased read as plain words.
    @Test func keywordsAndNearMisses() throws {
        for keyword in Keyword.allCases {
            #expect(try lex("x \(keyword.rawValue)") == ["word x", "kw \(keyword.rawValue)", "end"])
            for miss in [keyword.rawValue + "s", String(keyword.rawValue.dropLast()), keyword.rawValue.uppercased()]
            where Keyword(rawValue: miss) == nil {
                #expect(try lex("x \(miss)") == ["word x", "word \(miss)", "end"])
            }
        }
        #expect(try lex("a1 b22 c333 iff") == ["word a1", "word b22", "word c333", "word iff", "end"])
    }

    /// The lexer reuses the text of words and names it read lately (by a hash of their
    /// bytes): over more distinct words than it keeps, of every length around its limit of
    /// eight bytes, each token still carries its own text.
    @Test func wordsReadAgainKeepTheirOwnText() throws {
        var words: [String] = []
        for number in 0..<2000 {
            let digits = String(number)
            words.append("w" + digits)
            // Seven to nine bytes.
            words.append(
                String(repeating: "x", count: 3 + number % 3) + String(repeating: "0", count: 4 - digits.count) + digits
            )
            words.append("long" + digits + "name")
        }
        let text = (words + words.reversed()).map { "let \($0) = \($0)\n" }.joined()
        var expected: [String] = []
        for word in words + words.reversed() {
            expected += ["kw let", "name \(word)", "'='", "word \(word)", "nl"]
        }
        #expect(try lex(text) == expected + ["end"])
    }

    /// Positions are stored in 32 bits: a value beyond that range is clamped, not trapped on.
    @Test func positionsBeyondThirtyTwoBitsAreClamped() {
        var position = SourcePosition(offset: Int.max, line: 2, column: Int.min)
        #expect(position.offset == Int(Int32.max))
        #expect(position.column == Int(Int32.min))
        position.line += 40
        #expect(position.line == 42)
    }

    @Test(arguments: [
        ("org create apiorg", ["word org", "word create", "word apiorg", "end"]),
        ("use $org", ["word use", "var org", "end"]),
        ("key create apikeycurl admin", ["word key", "word create", "word apikeycurl", "word admin", "end"]),
        (
            "dashboard push examples/production-overview.json",
            ["word dashboard", "word push", "word examples/production-overview.json", "end"]
        ),
    ])
    func missionLines(text: String, expected: [String]) throws {
        #expect(try lex(text) == expected)
    }

    @Test(arguments: [
        ("dashboards/*.json", ["word dashboards/*.json", "end"]),
        ("admin@example.com", ["word admin@example.com", "end"]),
        ("./x.gfs ../up ~/home", ["word ./x.gfs", "word ../up", "word ~/home", "end"]),
        ("3 2.5 -1 -0.5 1e3", ["word 3", "word 2.5", "word -1", "word -0.5", "word 1e3", "end"]),
        ("a=b x?y=1&z=2", ["word a=b", "word x?y=1&z=2", "end"]),
        ("user+tag@example.com", ["word user+tag@example.com", "end"]),
        ("C:\\dir", ["word C", "':'", "word \\dir", "end"]),
        ("héllo wörld", ["word héllo", "word wörld", "end"]),
        ("--", ["word --", "end"]),
    ])
    func bareWords(text: String, expected: [String]) throws {
        #expect(try lex(text) == expected)
    }

    @Test func urlsSplitAtColonsButTouch() throws {
        #expect(
            try lex("http://localhost:3000/d/abc#/x")
                == ["word http", "':'", "word //localhost", "':'", "word 3000/d/abc#/x", "end"]
        )
        #expect(try spacing("open http://localhost:3000/d/abc") == "__.....")
    }

    @Test(arguments: [
        ("--folder ops", ["opt --folder", "word ops", "end"]),
        ("-n 3", ["opt -n", "word 3", "end"]),
        ("--dry-run --a.b", ["opt --dry-run", "opt --a.b", "end"]),
        ("--name=value", ["opt --name", "'='", "word value", "end"]),
        ("--name=\"a b\"", ["opt --name", "'='", "str text(a b)", "end"]),
        ("--name='a b'", ["opt --name", "'='", "raw a b", "end"]),
        ("--url=http://x", ["opt --url", "'='", "word http", "':'", "word //x", "end"]),
    ])
    func options(text: String, expected: [String]) throws {
        #expect(try lex(text) == expected)
    }

    @Test func variables() throws {
        #expect(try lex("$org $_ $1 $org_2") == ["var org", "var _", "var 1", "var org_2", "end"])
    }

    @Test func fieldAccessOnlyWhenTouching() throws {
        #expect(try lex("$org.id") == ["var org", "'.'", "name id", "end"])
        #expect(
            try lex("$orgs[0].name")
                == ["var orgs", "'['", "word 0", "']'", "'.'", "name name", "end"]
        )
        #expect(try lex("$org .id") == ["var org", "word .id", "end"])
        #expect(
            try lex("(x).id {a: 1}.a") == [
                "'('", "word x", "')'", "'.'", "name id", "'{'", "word a", "':'", "word 1", "'}'", "'.'", "name a",
                "end",
            ]
        )
        // Keywords are field names after a dot.
        #expect(try lex("$x.in") == ["var x", "'.'", "name in", "end"])
        // A dot before a non-name belongs to a word.
        #expect(try lex("$x./y") == ["var x", "word ./y", "end"])
    }

    @Test func concatenationPiecesTouch() throws {
        #expect(try lex("$dir/file.json") == ["var dir", "word /file.json", "end"])
        #expect(try spacing("echo $dir/file.json") == "__..")
        #expect(try lex("\"${name}\"-2") == ["str ${word name end}", "word -2", "end"])
    }

    @Test func strings() throws {
        #expect(try lex("'raw $x \\n'") == ["raw raw $x \\n", "end"])
        #expect(try lex(#""a\n\t\"\\\$b""#) == ["str text(a\n\t\"\\$b)", "end"])
        #expect(try lex(#""\u{1F600}\u{41}""#) == ["str text(😀A)", "end"])
        #expect(try lex("\"line one\\\nline two\"") == ["str text(line oneline two)", "end"])
        #expect(try lex("'multi\nline'") == ["raw multi\nline", "end"])
        #expect(try lex("\"\"") == ["str ", "end"])
    }

    @Test func interpolation() throws {
        #expect(try lex("\"$org\"") == ["str $org", "end"])
        #expect(try lex("\"id=$org.\"") == ["str text(id=)|$org|text(.)", "end"])
        #expect(try lex("\"${org.id}\"") == ["str ${word org.id end}", "end"])
        #expect(try lex("\"${key.name}-2\"") == ["str ${word key.name end}|text(-2)", "end"])
        #expect(try lex("\"${ {a: 1}.a }\"") == ["str ${'{' word a ':' word 1 '}' '.' name a end}", "end"])
        #expect(try lex("\"${\"${x}\"}\"") == ["str ${str ${word x end} end}", "end"])
        #expect(try lex("\"cost $ 5 $\"") == ["str text(cost $ 5 $)", "end"])
    }

    @Test func punctuationAndOperators() throws {
        #expect(
            try lex("( ) [ ] { } , : ; = == != < <= > >= + -")
                == [
                    "'('", "')'", "'['", "']'", "'{'", "'}'", "','", "':'", "';'", "'='", "'=='", "'!='", "'<'",
                    "'<='", "'>'", "'>='", "'+'", "'-'", "end",
                ]
        )
        #expect(try lex("$a==$b") == ["var a", "'=='", "var b", "end"])
        #expect(try lex("1==2 a!=b") == ["word 1", "'=='", "word 2", "word a", "'!='", "word b", "end"])
        #expect(try lex("$x<10") == ["var x", "'<'", "word 10", "end"])
        #expect(try lex("- $x -$x") == ["'-'", "var x", "'-'", "var x", "end"])
    }

    @Test func keywords() throws {
        #expect(
            try lex("if else in assert echo print source exit try and or not true false null")
                == [
                    "kw if", "kw else", "kw in", "kw assert", "kw echo", "kw print", "kw source", "kw exit",
                    "kw try", "kw and", "kw or", "kw not", "kw true", "kw false", "kw null", "end",
                ]
        )
        #expect(try lex("iffy letter") == ["word iffy", "word letter", "end"])
    }

    @Test func namesAfterLetAndFor() throws {
        #expect(try lex("let x=3") == ["kw let", "name x", "'='", "word 3", "end"])
        #expect(try lex("for x in $xs") == ["kw for", "name x", "kw in", "var xs", "end"])
        #expect(try lex("let if") == ["kw let", "kw if", "end"])
        // Only at the start of a statement.
        #expect(try lex("echo let x=3") == ["kw echo", "kw let", "word x=3", "end"])
        #expect(try lex("a; let b=1") == ["word a", "';'", "kw let", "name b", "'='", "word 1", "end"])
    }

    @Test func commentsStartOnlyAtATokenStart() throws {
        #expect(try lex("echo a # note\necho b") == ["kw echo", "word a", "nl", "kw echo", "word b", "end"])
        #expect(try lex("open http://x/#/d") == ["word open", "word http", "':'", "word //x/#/d", "end"])
        #expect(try lex("# only a comment") == ["end"])
        #expect(try lex("a#b") == ["word a#b", "end"])
    }

    @Test func separators() throws {
        #expect(try lex("a\n\n\nb;c") == ["word a", "nl", "word b", "';'", "word c", "end"])
        #expect(try lex("\n\na") == ["word a", "end"])
        #expect(try lex("a\r\nb") == ["word a", "nl", "word b", "end"])
    }

    @Test func lineContinuation() throws {
        #expect(try lex("org create \\\n  apiorg") == ["word org", "word create", "word apiorg", "end"])
        #expect(try lex("a\\\r\nb") == ["word a", "word b", "end"])
        #expect(try spacing("a\\\nb") == "__.")
        #expect(try lex("a\\b") == ["word a\\b", "end"])
    }

    @Test func lineBreaksInsideBracketsAreSpace() throws {
        #expect(try lex("(a\nb)") == ["'('", "word a", "word b", "')'", "end"])
        #expect(try lex("[1,\n2]") == ["'['", "word 1", "','", "word 2", "']'", "end"])
        #expect(try lex("{\na\n}") == ["'{'", "nl", "word a", "nl", "'}'", "end"])
        #expect(try lex("\"${a +\n b}\"") == ["str ${word a '+' word b end}", "end"])
        // After a closing bracket the enclosing one decides again.
        #expect(try lex("([\n]\n)") == ["'('", "'['", "']'", "')'", "end"])
    }

    @Test func spacingIsRecorded() throws {
        #expect(try spacing("$orgs[0].name") == "_......")
        #expect(try spacing("$x [0]") == "__...")
        #expect(try spacing("# c\na") == "_.")
    }

    @Test func rangesCountScalarsAndBytes() throws {
        let tokens = try tokenize(SourceFile(name: "t", text: "é $x\n  \"ü\" y"))
        #expect(tokens[1].range.start == SourcePosition(offset: 3, line: 1, column: 3))
        #expect(tokens[1].range.end == SourcePosition(offset: 5, line: 1, column: 5))
        #expect(tokens[3].range.start == SourcePosition(offset: 8, line: 2, column: 3))
        #expect(tokens[3].range.end == SourcePosition(offset: 12, line: 2, column: 6))
        #expect(tokens[4].range.start == SourcePosition(offset: 13, line: 2, column: 7))
    }

    @Test func markedPositionsMatchTheLexer() throws {
        let marked = MarkedText("echo 1️⃣\"ü${ 2️⃣x }\" 3️⃣$y")
        let tokens = try tokenize(marked.source())
        #expect(tokens[1].range.start == marked["1️⃣"])
        #expect(tokens[2].range.start == marked["3️⃣"])
        guard case .string(let segments) = tokens[1].kind, case .interpolation(let inner, _) = segments[1] else {
            Issue.record("Expected an interpolation in \(tokens[1])")
            return
        }
        #expect(inner[0].range.start == marked["2️⃣"])
    }

    @Test(arguments: [
        ("echo \"abc", ContinuationReason.string),
        ("echo 'abc", .string),
        ("echo \"${org", .interpolation),
        ("echo \"${\"x", .interpolation),
        ("echo (org list", .parenthesis),
        ("let x = [1,", .bracket),
        ("if $x {", .brace),
        ("if $x {\n  echo (a", .parenthesis),
        ("org create \\", .lineContinuation),
    ])
    func continuation(text: String, reason: ContinuationReason) {
        #expect(continuationReason(text) == reason)
        #expect(needsContinuation(text))
    }

    @Test(arguments: [
        "org create apiorg", "if $x { echo a }", "echo ')'", "echo \"(\"", "echo )", "echo \"\\q\"", "# (", "",
        "echo a\\b",
    ])
    func noContinuation(text: String) {
        #expect(continuationReason(text) == nil)
        #expect(!needsContinuation(text))
    }
}
