import GFSTestSupport
import Testing

@testable import GFSLanguage

/// One kind of bad syntax: the script with the expected range marked `⏩...⏪` (or just
/// `⏩` for an empty range), and the message and hint it must produce.
struct BadSyntax: CustomTestStringConvertible, Sendable {
    var marked: String
    var message: String
    var hint: String?

    init(_ marked: String, _ message: String, hint: String?) {
        self.marked = marked
        self.message = message
        self.hint = hint
    }

    var testDescription: String { message }
}

@Suite struct SyntaxDiagnosticTests {
    static let cases: [BadSyntax] = [
        // Strings and escapes.
        BadSyntax(
            "echo ⏩\"⏪abc",
            "Unterminated string",
            hint: "The string that starts here needs a closing \"."
        ),
        BadSyntax(
            "echo ok\necho ⏩'⏪abc\nmore",
            "Unterminated string",
            hint: "The string that starts here needs a closing '."
        ),
        BadSyntax(
            "echo \"a⏩\\q⏪b\"",
            "Invalid escape sequence '\\q'",
            hint: #"Valid escapes are \n, \t, \r, \", \\, \$ and \u{...}; use '...' for text with backslashes."#
        ),
        BadSyntax(
            "echo \"⏩\\u{zz}⏪\"",
            "Invalid Unicode escape",
            hint: "Write 1 to 8 hexadecimal digits of a Unicode scalar in braces, as in \\u{1F600}."
        ),
        BadSyntax(
            "echo \"⏩${⏪org.id\"",
            "Unterminated interpolation",
            hint: "Close the '${' that starts here with '}'."
        ),
        BadSyntax(
            "echo \"⏩${}⏪\"",
            "Empty interpolation",
            hint: "Write a name or an expression inside '${...}', or '\\$' for a dollar sign."
        ),
        BadSyntax(
            "echo \"${org ⏩name⏪}\"",
            "Unexpected 'name' in interpolation",
            hint: "An interpolation holds one expression, as in \"${org.id}\"."
        ),
        // Characters.
        BadSyntax("let x = ⏩!⏪$a", "Unexpected '!'", hint: "Use 'not' to negate a condition."),
        BadSyntax("echo ⏩`⏪ls`", "Unexpected '`'", hint: "Use parentheses to run a command for its value: (org list)."),
        BadSyntax("echo ⏩“⏪hi”", "Unexpected '“'", hint: "Use straight quotes (' or \") to write a string."),
        BadSyntax("echo a⏩\u{A0}⏪b", "Unexpected no-break space", hint: "Replace it with a plain space."),
        BadSyntax("echo ⏩\u{7}⏪", "Unexpected character U+0007", hint: "Remove the control character."),
        BadSyntax(
            "echo ⏩$⏪ x",
            "Expected a variable name after '$'",
            hint: "Variable names start with a letter or '_', as in $org; write '$' in quotes for a dollar sign."
        ),
        BadSyntax(
            "echo ⏩${⏪x}",
            "Unexpected '${' outside a string",
            hint: "Write $name here, or use \"${...}\" inside a double-quoted string."
        ),
        BadSyntax(
            "echo ⏩--a/b⏪",
            "Invalid option name '--a/b'",
            hint: "Option names use letters, digits, '-' and '_'; quote the argument to pass it as text."
        ),
        // Blocks and brackets.
        BadSyntax(
            "echo a\nif $x {\n  echo b⏩\n",
            "Expected '}' to close the block opened at 2:7",
            hint: "Add '}' after the block's last statement."
        ),
        BadSyntax("echo a ⏩}⏪", "Unexpected '}'", hint: "This '}' has no matching '{'."),
        BadSyntax("echo ⏩)⏪", "Unexpected ')'", hint: "This ')' has no matching '('."),
        BadSyntax("let x = 1⏩]⏪", "Unexpected ']'", hint: "This ']' has no matching '['."),
        BadSyntax(
            "echo (a b⏩",
            "Expected ')' to close the '(' opened at 1:6",
            hint: "Add ')' after the command or expression."
        ),
        BadSyntax(
            "let x = (1 + 2 ⏩}⏪",
            "Expected ')' to close the '(' opened at 1:9",
            hint: "Add ')' after the command or expression."
        ),
        BadSyntax(
            "echo [1, 2⏩",
            "Expected ',' or ']' in the list opened at 1:6",
            hint: "Separate list items with ','; put a command in parentheses: [(org list)]."
        ),
        BadSyntax(
            "let x = [1 ⏩2⏪]",
            "Expected ',' or ']' in the list opened at 1:9",
            hint: "Separate list items with ','; put a command in parentheses: [(org list)]."
        ),
        BadSyntax("echo ⏩()⏪", "Empty parentheses", hint: "Put a command or an expression inside: (org list)."),
        BadSyntax(
            "show $x[0⏩",
            "Expected ']' to close the index opened at 1:8",
            hint: "Write one index between '[' and ']'."
        ),
        BadSyntax(
            "echo file⏩[⏪1].json",
            "Unexpected '[' after a word",
            hint: "Quote a word that contains brackets, as in 'file[1].json'."
        ),
        // Records.
        BadSyntax("let r = {a ⏩1⏪}", "Expected ':' after the key 'a'", hint: "Write each entry as key: value."),
        BadSyntax(
            "let r = {a: 1 ⏩b⏪: 2}",
            "Expected ',' or '}' in the record opened at 1:9",
            hint: "Separate record entries with ','."
        ),
        BadSyntax(
            "let r = {a: 1, ⏩a⏪: 2}",
            "Duplicate key 'a' in record",
            hint: "Each key may appear once in a record."
        ),
        BadSyntax("let r = {a:⏩ }", "Expected a value after 'a:'", hint: "Write each entry as key: value."),
        BadSyntax(
            "let r = {⏩$k⏪: 1}",
            "Expected a record key",
            hint: "Write entries as key: value, with names or quoted strings as keys."
        ),
        BadSyntax(
            "let r = {a: 1,⏩\n",
            "Expected '}' to close the record opened at 1:9",
            hint: "Add '}' after the last entry."
        ),
        // Statements.
        BadSyntax("let x ⏩3⏪", "Expected '=' after 'let x'", hint: "Write: let x = VALUE."),
        BadSyntax("let x⏩", "Expected '=' after 'let x'", hint: "Write: let x = VALUE."),
        BadSyntax("let x =⏩", "Expected a value after '='", hint: "Write: let x = VALUE."),
        BadSyntax("let ⏩=⏪ 3", "Expected a variable name after 'let'", hint: "Write: let NAME = VALUE."),
        BadSyntax(
            "let ⏩$x⏪ = 3",
            "Expected a variable name after 'let'",
            hint: "Write the name without '$': let x = VALUE."
        ),
        BadSyntax("if ⏩{⏪ echo }", "Expected a condition after 'if'", hint: "Write: if CONDITION { ... }."),
        BadSyntax("if⏩\n{ }", "Expected a condition after 'if'", hint: "Write: if CONDITION { ... }."),
        BadSyntax(
            "if $x⏩\n{ }",
            "Expected '{' after the condition",
            hint: "Start the block on the same line: if CONDITION {."
        ),
        BadSyntax(
            "⏩else⏪ { }",
            "'else' without 'if'",
            hint: "Write 'else' right after the '}' that closes an 'if' block: } else {"
        ),
        BadSyntax(
            "if $x { } else ⏩echo⏪",
            "Expected '{' or 'if' after 'else'",
            hint: "Write: else { ... } or else if CONDITION { ... }."
        ),
        BadSyntax("for ⏩in⏪ [1] { }", "Expected a variable name after 'for'", hint: "Write: for NAME in LIST { ... }."),
        BadSyntax("for x ⏩[⏪1] { }", "Expected 'in' after 'for x'", hint: "Write: for x in LIST { ... }."),
        BadSyntax("for x in ⏩{⏪ }", "Expected a list after 'in'", hint: "Write: for x in LIST { ... }."),
        BadSyntax("assert⏩", "Expected a condition after 'assert'", hint: "Write: assert CONDITION ['message']."),
        BadSyntax(
            "assert $ok it ⏩failed⏪",
            "Unexpected 'failed' after the statement",
            hint: "Quote an assertion message that has spaces: assert $ok 'it failed'."
        ),
        BadSyntax("source⏩", "Expected a path after 'source'", hint: "Write: source other.gfs."),
        BadSyntax(
            "try ⏩$x⏪",
            "Expected a command after 'try'",
            hint: "'try' runs one command and yields its failure as a value: try org create apiorg."
        ),
        BadSyntax(
            "$x ⏩foo⏪",
            "Unexpected 'foo' after the statement",
            hint: "Put each statement on its own line, or separate statements with ';'."
        ),
        BadSyntax(
            "exit 1 ⏩2⏪",
            "Unexpected '2' after the statement",
            hint: "Put each statement on its own line, or separate statements with ';'."
        ),
        // Operators.
        BadSyntax("⏩==⏪ 3", "Unexpected '=='", hint: "An operator needs a value on each side, as in $a == $b."),
        BadSyntax(
            "org create a ⏩==⏪ b",
            "Unexpected '==' in command arguments",
            hint:
                "Quote it to pass it as text ('=='), or compare a command's result in parentheses: (org show 1).name == 'x'."
        ),
        BadSyntax("let x = (1 + ⏩)⏪", "Expected a value after '+'", hint: nil),
        BadSyntax("let x = 1 +⏩", "Expected a value after '+'", hint: nil),
        BadSyntax(
            "if 1 < 2 ⏩<⏪ 3 { }",
            "Comparisons cannot be chained",
            hint: "Combine two comparisons with 'and': a < b and b < c."
        ),
        BadSyntax("if $a ⏩&&⏪ $b { }", "Unexpected '&&'", hint: "Use 'and' to require both conditions."),
        BadSyntax("if $a ⏩||⏪ $b { }", "Unexpected '||'", hint: "Use 'or' to accept either condition."),
        BadSyntax("if $a ⏩=⏪ 1 { }", "Unexpected '='", hint: "Use '==' to compare two values."),
        BadSyntax(
            "let x = ⏩--x⏪",
            "Unexpected option '--x' in an expression",
            hint: "Options belong to commands; quote it to use it as text: '--x'."
        ),
        BadSyntax(
            "org create --name=⏩ x",
            "Expected a value after '--name='",
            hint: "Write the value right after '=', as in --name=value, or quote an empty value: --name=''."
        ),
    ]

    @Test(arguments: cases)
    func reportsMessageHintAndRange(_ bad: BadSyntax) {
        let marked = MarkedText(bad.marked)
        let source = marked.source()
        #expect {
            _ = try parse(source)
        } throws: { error in
            guard let diagnostic = error as? Diagnostic else { return false }
            #expect(diagnostic.message == bad.message)
            #expect(diagnostic.hint == bad.hint)
            #expect(diagnostic.range == marked.range, "range \(diagnostic.range) in \(marked.text.debugDescription)")
            #expect(diagnostic.sourceName == "test.gfs")
            #expect(diagnostic.severity == .error)
            return true
        }
    }

    @Test func coversAtLeastFifteenKinds() {
        #expect(Set(Self.cases.map(\.message)).count >= 15)
    }

    @Test func nestingBeyondTheLimitIsAnError() {
        let depth = maximumNestingDepth + 1
        let marked = MarkedText(
            "let x = " + String(repeating: "(", count: depth - 1) + "⏩(⏪1" + String(repeating: ")", count: depth)
        )
        #expect {
            _ = try parse(marked.source())
        } throws: { error in
            let diagnostic = error as? Diagnostic
            return diagnostic?.message == "Too deeply nested" && diagnostic?.range == marked.range
        }
        for text in [
            "let y = " + String(repeating: "not ", count: 200) + "x", "echo " + String(repeating: "[", count: 200),
            String(repeating: "if $x {", count: 200), "let y = " + String(repeating: "- ", count: 200) + "1",
            "echo " + String(repeating: "{a:", count: 200), "echo $x" + String(repeating: "[$x", count: 200),
            "if $x { } " + String(repeating: "else if $x { } ", count: 200),
            "let y = 1" + String(repeating: " + 1", count: 200), "let y = $a" + String(repeating: " -1", count: 200),
            "echo $x" + String(repeating: ".a", count: 200), "echo $x" + String(repeating: "[0]", count: 200),
            "let y = $a" + String(repeating: " and $a", count: 200),
            "let y = $a" + String(repeating: " or $a", count: 200),
        ] {
            #expect {
                _ = try parse(SourceFile(name: "t", text: text))
            } throws: { error in
                (error as? Diagnostic)?.message == "Too deeply nested"
            }
        }
    }

    @Test func deepInterpolationIsAnError() {
        var text = "x"
        for _ in 0..<40 { text = "\"${\(text)}\"" }
        #expect {
            _ = try parse(SourceFile(name: "t", text: "echo " + text))
        } throws: { error in
            (error as? Diagnostic)?.message == "Too deeply nested interpolation"
        }
    }
}

/// How diagnostics look at the edge: `file:line:col: error: message`, the line, a marker.
@Suite struct DiagnosticRenderingTests {
    private func rendered(_ text: String, color: Bool = false) -> String {
        let source = SourceFile(name: "deploy.gfs", text: text)
        do {
            _ = try parse(source)
            return "parsed"
        } catch {
            return error.rendered(in: source, usesColor: color)
        }
    }

    @Test func rendersLocationLineCaretAndHint() {
        #expect(
            rendered("echo ok\necho \"abc") == """
                deploy.gfs:2:6: error: Unterminated string
                  2 | echo "abc
                    |      ^
                hint: The string that starts here needs a closing ".

                """
        )
    }

    @Test func underlinesTheWholeRange() {
        #expect(
            rendered("org create a == b") == """
                deploy.gfs:1:14: error: Unexpected '==' in command arguments
                  1 | org create a == b
                    |              ^~
                hint: Quote it to pass it as text ('=='), or compare a command's result in parentheses: (org show 1).name == 'x'.

                """
        )
    }

    @Test func widensTheGutterForLongLineNumbers() {
        let text = String(repeating: "echo\n", count: 11) + "let x 3"
        #expect(
            rendered(text) == """
                deploy.gfs:12:7: error: Expected '=' after 'let x'
                  12 | let x 3
                     |       ^
                hint: Write: let x = VALUE.

                """
        )
    }

    @Test func keepsTabsAndCountsCharactersBeforeTheRange() {
        #expect(rendered("\tlet x = !a").contains("  1 | \tlet x = !a\n    | \t        ^\n"))
        #expect(rendered("echo é ü $").contains("  1 | echo é ü $\n    |          ^\n"))
    }

    @Test func pointsAfterTheLastTokenWhenSomethingIsMissing() {
        #expect(rendered("let x =\n").contains("  1 | let x =\n    |        ^\n"))
    }

    @Test func colorsOnlyWhenAsked() {
        let plain = rendered("echo )")
        let colored = rendered("echo )", color: true)
        #expect(!plain.contains("\u{1B}["))
        #expect(colored.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[1;32m^\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[1;36mhint:\u{1B}[0m This ')' has no matching '('."))
    }

    @Test func rendersWithoutSourceText() {
        let diagnostic = Diagnostic(
            code: .unknownCommand,
            message: "Unknown command 'dashbord'",
            hint: "Did you mean 'dashboard'?",
            range: SourceRange(
                start: SourcePosition(offset: 0, line: 3, column: 9),
                end: SourcePosition(offset: 8, line: 3, column: 17)
            ),
            sourceName: "x.gfs"
        )
        #expect(
            DiagnosticRenderer().render(diagnostic, in: nil) == """
                x.gfs:3:9: error: Unknown command 'dashbord'
                hint: Did you mean 'dashboard'?

                """
        )
    }

    @Test func rangesBeyondTheTextRenderOnlyTheMessage() {
        let diagnostic = Diagnostic(
            .warning,
            code: .internalError,
            message: "Odd",
            range: SourceRange(
                start: SourcePosition(offset: 99, line: 9, column: 1),
                end: SourcePosition(offset: 99, line: 9, column: 1)
            ),
            sourceName: "x.gfs"
        )
        #expect(diagnostic.rendered(in: SourceFile(name: "x.gfs", text: "short")) == "x.gfs:9:1: warning: Odd\n")
    }
}
