import Testing

@testable import GFSLanguage

/// The script parsed and printed with `ASTPrinter`: one line per top-level statement.
private func parsed(_ text: String) throws -> String {
    ASTPrinter.print(try parse(SourceFile(name: "test.gfs", text: text)))
}

@Suite struct ParserTests {
    @Test func missionScriptVerbatim() throws {
        let mission = """
            org create apiorg
            use $org
            key create apikeycurl admin
            use $key
            dashboard push examples/production-overview.json
            """
        #expect(
            try parsed(mission) == """
                (command org create apiorg)
                (command use $org)
                (command key create apikeycurl admin)
                (command use $key)
                (command dashboard push examples/production-overview.json)
                """
        )
    }

    @Test(arguments: [
        ("org create apiorg", "(command org create apiorg)"),
        ("key create apikeycurl admin", "(command key create apikeycurl admin)"),
        (
            "dashboard push dashboards/prod.json --folder ops --overwrite",
            "(command dashboard push dashboards/prod.json --folder ops --overwrite)"
        ),
        ("org create apiorg --role=Admin -v", "(command org create apiorg --role=Admin -v)"),
        ("user create --email=admin@example.com", "(command user create --email=admin@example.com)"),
        ("org get 1 -1", "(command org get (word 1) (word -1))"),
        ("open http://localhost:3000/d/abc#/panel", "(command open http://localhost:3000/d/abc#/panel)"),
        ("dashboard push dashboards/*.json ./x.gfs", "(command dashboard push dashboards/*.json ./x.gfs)"),
        ("org create -- x", "(command org create -- x)"),
        ("org create \\\n  apiorg", "(command org create apiorg)"),
        ("org create apiorg # make it", "(command org create apiorg)"),
        ("try org create apiorg", "(try (command org create apiorg))"),
        ("search --tag=\"a b\" --query='x y'", "(command search --tag=\"a b\" --query=\"x y\")"),
        ("search --tag=$tag", "(command search --tag=$tag)"),
    ])
    func commands(text: String, expected: String) throws {
        #expect(try parsed(text) == expected)
    }

    @Test(arguments: [
        ("use $org", "(command use $org)"),
        ("show $org.id", "(command show (. $org id))"),
        ("show $orgs[0].name", "(command show (. (index $orgs 0) name))"),
        ("show $x.a.b", "(command show (. (. $x a) b))"),
        ("dashboard push $dir/file.json", "(command dashboard push (concat $dir /file.json))"),
        ("org create \"${name}\"-2", "(command org create (concat (string $name) (word -2)))"),
        ("show $a$b pre$a \"$a\"$b", "(command show (concat $a $b) (concat pre $a) (concat (string $a) $b))"),
        ("show $org .id", "(command show $org .id)"),
        ("show $x [0]", "(command show $x (list 0))"),
        ("show (org list) [$a, 1] {a: $b}", "(command show (command org list) (list $a 1) (record (a $b)))"),
        ("show (org list).items[0]", "(command show (index (. (command org list) items) 0))"),
        ("show a,b key=value a: b", "(command show a,b key=value a: b)"),
        ("show true false null if", "(command show true false null (word if))"),
        ("show a + b - c", "(command show a + b - c)"),
    ])
    func argumentsAndAdjacency(text: String, expected: String) throws {
        #expect(try parsed(text) == expected)
    }

    @Test(arguments: [
        ("let n = 3", "(let n 3)"),
        ("let n=3", "(let n 3)"),
        ("let org = org create apiorg", "(let org (command org create apiorg))"),
        ("let id = (org create x).id", "(let id (. (command org create x) id))"),
        ("let x = apiorg", "(let x (command apiorg))"),
        ("let r = try org get 1", "(let r (try (command org get (word 1))))"),
        ("let x = (try org create apiorg)", "(let x (try (command org create apiorg)))"),
        ("let x = $n-1", "(let x (- $n 1))"),
        ("let x = $n -1", "(let x (- $n 1))"),
        ("let x = (org\n  create\n  y)", "(let x (command org create y))"),
    ])
    func bindings(text: String, expected: String) throws {
        #expect(try parsed(text) == expected)
    }

    @Test(arguments: [
        ("let x = 1.5", "(let x 1.5)"),
        ("let x = 1e3", "(let x 1000.0)"),
        ("let x = -3", "(let x -3)"),
        ("let x = true", "(let x true)"),
        ("let x = false", "(let x false)"),
        ("let x = null", "(let x null)"),
        ("let x = 'raw $x'", "(let x \"raw $x\")"),
        ("let x = [ ]", "(let x (list))"),
        ("let x = [1, [2, 3],]", "(let x (list 1 (list 2 3)))"),
        ("let x = [dev, prod]", "(let x (list dev prod))"),
        ("let r = { }", "(let r (record))"),
        (
            "let r = {name: \"a\", \"two words\": [1, 2], nested: {a: 1}}",
            "(let r (record (name \"a\") (\"two words\" (list 1 2)) (nested (record (a 1)))))"
        ),
        ("let r = {if: 1, 'c': 3, 4: 5}", "(let r (record (\"if\" 1) (c 3) (\"4\" 5)))"),
        ("let r = {\n  name: \"a\",\n  id: 2,\n}", "(let r (record (name \"a\") (id 2)))"),
        ("let x = [\n  1,\n  2\n]", "(let x (list 1 2))"),
        ("let x = {a: 1}.a", "(let x (. (record (a 1)) a))"),
        ("let x = $m[\"key-name\"]", "(let x (index $m \"key-name\"))"),
        ("let x = $list[1 + 1]", "(let x (index $list (+ 1 1)))"),
        ("let x = (1)", "(let x 1)"),
        ("$org.id", "(. $org id)"),
        ("3 + 4", "(+ 3 4)"),
        ("(org list)", "(command org list)"),
        ("\"text\"", "\"text\""),
    ])
    func primaries(text: String, expected: String) throws {
        #expect(try parsed(text) == expected)
    }

    @Test(arguments: [
        ("let x = 1 + 2 - 3", "(let x (- (+ 1 2) 3))"),
        ("let x = 1 - -2", "(let x (- 1 -2))"),
        ("let x = -$y", "(let x (- $y))"),
        ("let x = - - 1", "(let x (- (- 1)))"),
        ("let s = \"a\" + $b", "(let s (+ \"a\" $b))"),
        ("let b = $a or $b and not $c", "(let b (or $a (and $b (not $c))))"),
        ("let b = $a and $b or $c", "(let b (or (and $a $b) $c))"),
        ("let b = not $a == 1", "(let b (not (== $a 1)))"),
        ("let b = not not true", "(let b (not (not true)))"),
        ("let b = ($a or $b) and $c", "(let b (and (or $a $b) $c))"),
        ("let b = $a + 1 == $b - 1", "(let b (== (+ $a 1) (- $b 1)))"),
        ("let b = $a == [1, 2]", "(let b (== $a (list 1 2)))"),
        ("let b = $a != {a: 1}", "(let b (!= $a (record (a 1))))"),
        ("let b = $a < $b", "(let b (< $a $b))"),
        ("let b = $a <= $b", "(let b (<= $a $b))"),
        ("let b = $a > $b", "(let b (> $a $b))"),
        ("let b = $a >= $b", "(let b (>= $a $b))"),
        ("let b = $a==$b", "(let b (== $a $b))"),
        ("let b = $name == apiorg", "(let b (== $name apiorg))"),
    ])
    func operatorPrecedence(text: String, expected: String) throws {
        #expect(try parsed(text) == expected)
    }

    @Test(arguments: [
        ("echo \"$org\"", "(echo (string $org))"),
        ("echo \"${org.id}\"", "(echo (string (. $org id)))"),
        ("echo \"${key.name}-2\"", "(echo (string (. $key name) \"-2\"))"),
        ("echo \"id=$org.\"", "(echo (string \"id=\" $org \".\"))"),
        ("echo \"${orgs[0].name}!\"", "(echo (string (. (index $orgs 0) name) \"!\"))"),
        ("echo \"${count + 1}\"", "(echo (string (+ $count 1)))"),
        ("echo \"${$org.id}\"", "(echo (string (. $org id)))"),
        ("echo \"${(org get 1).name}\"", "(echo (string (. (command org get (word 1)) name)))"),
        ("echo \"${ \"${x}\" }\"", "(echo (string (string $x)))"),
        ("echo \"\\u{48}\\t$x\"", "(echo (string \"H\\t\" $x))"),
        ("echo \"multi\nline\"", "(echo \"multi\\nline\")"),
        ("echo \"\"", "(echo \"\")"),
        ("echo 'it''s'", "(echo (concat \"it\" \"s\"))"),
    ])
    func strings(text: String, expected: String) throws {
        #expect(try parsed(text) == expected)
    }

    @Test(arguments: [
        ("if $x { }", "(if $x (block))"),
        ("if $x >= 1 { a } else { b }", "(if (>= $x 1) (block (command a)) (block (command b)))"),
        ("if $a { if $b { echo c } }", "(if $a (block (if $b (block (echo c)))))"),
        (
            "if $org.id == 2 and not $x { echo yes } else if $y < 3 { echo no } else { exit 1 }",
            "(if (and (== (. $org id) 2) (not $x)) (block (echo yes)) (if (< $y 3) (block (echo no)) (block (exit 1))))"
        ),
        (
            "if $a {\n  echo a\n} else if $b {\n  echo b\n}\nelse {\n  echo c\n}",
            "(if $a (block (echo a)) (if $b (block (echo b)) (block (echo c))))"
        ),
        (
            "if (org get 1).name == 'x' { exit 2 }",
            "(if (== (. (command org get (word 1)) name) \"x\") (block (exit 2)))"
        ),
        ("if $x {\n\n  a\n\n  b; c\n}", "(if $x (block (command a) (command b) (command c)))"),
        ("for x in [1, 2, dev] {\n  echo $x\n}", "(for x (list 1 2 dev) (block (echo $x)))"),
        ("for x in (org list) { echo $x.name }", "(for x (command org list) (block (echo (. $x name))))"),
        (
            "for org in $orgs { use $org; dashboard push a.json }",
            "(for org $orgs (block (command use $org) (command dashboard push a.json)))"
        ),
    ])
    func controlFlow(text: String, expected: String) throws {
        #expect(try parsed(text) == expected)
    }

    @Test(arguments: [
        ("assert $ok", "(assert $ok)"),
        ("assert $x != null", "(assert (!= $x null))"),
        ("assert $x == 2 'x is 2'", "(assert (== $x 2) \"x is 2\")"),
        ("assert $x == 2 \"x is $x\"", "(assert (== $x 2) (string \"x is \" $x))"),
        ("echo a \"b c\" 'd'", "(echo a \"b c\" \"d\")"),
        ("print a", "(echo a)"),
        ("echo", "(echo)"),
        ("echo if else", "(echo (word if) (word else))"),
        ("echo --name=$x --n=a-b -v", "(echo (concat --name= $x) (concat --n= a-b) -v)"),
        ("source other.gfs", "(source other.gfs)"),
        ("source $dir/other.gfs", "(source (concat $dir /other.gfs))"),
        ("exit", "(exit)"),
        ("exit 3", "(exit 3)"),
        ("exit $code", "(exit $code)"),
    ])
    func builtins(text: String, expected: String) throws {
        #expect(try parsed(text) == expected)
    }

    @Test(arguments: [
        ("echo x; echo y", "(echo x)\n(echo y)"),
        ("echo x;; echo y;", "(echo x)\n(echo y)"),
        ("\n\n# comment\necho x\n\n\necho y\n", "(echo x)\n(echo y)"),
        ("", ""),
        ("# only a comment", ""),
        ("a\r\nb", "(command a)\n(command b)"),
    ])
    func separators(text: String, expected: String) throws {
        #expect(try parsed(text) == expected)
    }

    @Test func rangesCoverTheirSource() throws {
        let source = SourceFile(name: "t", text: "let id = (org create x).id\nif $a { b }")
        let script = try parse(source)
        #expect(script.statements[0].range.start.column == 1)
        #expect(script.statements[0].range.end.offset == 26)
        guard case .binding(let name, let value) = script.statements[0].kind else {
            Issue.record("Expected a binding")
            return
        }
        #expect(name.range.start.column == 5 && name.range.end.column == 7)
        #expect(value.range.start.column == 10 && value.range.end.column == 27)
        #expect(script.statements[1].range.start.line == 2)
        #expect(script.statements[1].range.end.column == 12)
    }

    @Test func optionNamesDropTheirDashes() throws {
        let script = try parse(SourceFile(name: "t", text: "x --folder ops -n --a=1"))
        guard case .expression(let expression) = script.statements[0].kind,
            case .command(let command) = expression.kind
        else {
            Issue.record("Expected a command")
            return
        }
        let names: [String] = command.arguments.compactMap {
            if case .option(let name, _) = $0 { name.name } else { nil }
        }
        #expect(names == ["folder", "n", "a"])
        #expect(!command.isTry)
    }

    @Test func nestingUpToTheLimitParses() throws {
        let depth = maximumNestingDepth
        let text = "let x = " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        #expect(try parsed(text) == "(let x 1)")
        let blocks = String(repeating: "if $x { ", count: depth) + String(repeating: "}", count: depth)
        #expect(throws: Never.self) { try parse(SourceFile(name: "t", text: blocks)) }
    }

    /// A bounded, seeded stand-in for `scripts/fuzz` that runs with every test: random
    /// inputs built from gfs fragments and raw bytes may fail to parse, but must never
    /// crash or hang, and every error must point inside the text.
    @Test(.timeLimit(.minutes(1)), arguments: [1, 2, 3, 4] as [UInt64])
    func randomInputNeverCrashes(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let fragments = [
            "org", "create", "apiorg", "let", "if", "else", "for", "in", "assert", "echo", "source", "exit", "try",
            "and", "or", "not", "true", "null", "$org", "$", ".", ".id", "[", "]", "(", ")", "{", "}", "${", "\"",
            "'", "\\", "\\n", "\\u{", "#", ";", ",", ":", "=", "==", "!=", "<", ">=", "+", "-", "-1", "--x",
            "--x=", "3", "2.5", "1e3", "http://h:1/#/d", " ", " ", "\n", "\t", "\r\n", "é", "😀", "\u{0}",
            "\u{A0}", "“", "`", "!",
        ]
        let seeds = [
            "org create apiorg\nuse $org\nkey create apikeycurl admin\nuse $key\n",
            "if $org.id == 2 { echo \"${org.id}\" } else { exit 1 }",
            "let r = {a: [1, 2], \"b\": (org get 1).name}\nfor x in $r.a { assert $x > 0 'x' }",
        ]
        for round in 0..<1500 {
            var text: String
            if round % 3 == 0 {
                // A known-good script with a few random edits.
                var scalars = Array(seeds[Int(random.next() % UInt64(seeds.count))].unicodeScalars)
                for _ in 0..<(1 + random.next() % 4) {
                    let position = Int(random.next() % UInt64(scalars.count + 1))
                    if random.next() % 2 == 0, position < scalars.count {
                        scalars.remove(at: position)
                    } else {
                        let fragment = fragments[Int(random.next() % UInt64(fragments.count))]
                        scalars.insert(contentsOf: fragment.unicodeScalars, at: position)
                    }
                }
                text = String(String.UnicodeScalarView(scalars))
            } else if round % 3 == 1 {
                text = (0..<(random.next() % 60)).map { _ in fragments[Int(random.next() % UInt64(fragments.count))] }
                    .joined(separator: random.next() % 2 == 0 ? " " : "")
            } else {
                let bytes = (0..<(random.next() % 80)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                text = String(decoding: bytes, as: UTF8.self)
            }
            let source = SourceFile(name: "random.gfs", text: text)
            _ = needsContinuation(text)
            do {
                _ = ASTPrinter.print(try parse(source))
            } catch {
                #expect(!error.message.isEmpty, "\(text.debugDescription)")
                #expect(error.range.start <= error.range.end, "\(text.debugDescription)")
                #expect(error.range.end.offset <= text.utf8.count, "\(text.debugDescription)")
                #expect(!error.rendered(in: source).isEmpty)
            }
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing round can be replayed.
private struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The parser takes its tokens from the lexer as it goes; what it reports must not depend on
/// that.
@Suite struct ParserStreamingTests {
    @Test func aLexicalErrorAfterASyntaxErrorIsStillTheOneReported() {
        // Lexed whole beforehand, the unterminated string was found first; it still is.
        let source = SourceFile(name: "t.gfs", text: "echo )\necho ok\necho \"open")
        do {
            _ = try parse(source)
            Issue.record("A lexical error must fail the parse")
        } catch {
            #expect(error.message == "Unterminated string")
            #expect(error.range.start.line == 3)
            #expect(error.range.start.column == 6)
        }
    }

    @Test func aLexicalErrorReportedWhereTheParserWouldAcceptTheRest() {
        // The tokens end at the error; the statements before it parse, but nothing runs.
        let source = SourceFile(name: "t.gfs", text: "let a = 1\necho `x`\n")
        do {
            _ = try parse(source)
            Issue.record("A lexical error must fail the parse")
        } catch {
            #expect(error.code == .unexpectedCharacter)
            #expect(error.range.start.line == 2)
        }
    }

    @Test func aLongScriptParsesWholeAcrossDroppedTokens() throws {
        // Far more statements than the parser keeps tokens for, with an `else` on the line
        // after a `}` (read ahead and given back) and an error at the very end.
        var lines: [String] = []
        for number in 0..<2000 {
            lines.append("let a\(number) = \(number)")
            lines.append("if $a\(number) > 5 { echo big }")
            lines.append("else { echo small }")
        }
        let script = try parse(SourceFile(name: "t.gfs", text: lines.joined(separator: "\n")))
        #expect(script.statements.count == 4000)
        do {
            _ = try parse(SourceFile(name: "t.gfs", text: lines.joined(separator: "\n") + "\nlet = 1"))
            Issue.record("A syntax error on the last line must fail the parse")
        } catch {
            #expect(error.range.start.line == 6001)
            #expect(error.message == "Expected a variable name after 'let'")
        }
    }
}

@Suite struct NameSetTests {
    @Test func insertsFindsAndTakesBackTheLastAcrossGrowth() {
        var set = NameSet(["b", "a"])
        var inserted = 0
        for number in 0..<1000 where set.insert("n\(number)") { inserted += 1 }
        #expect(inserted == 1000)
        let again = set.insert("a")
        #expect(!again)
        #expect(set.count == 1002)
        #expect(set.contains("n999") && set.contains("b") && !set.contains("n1000"))
        var removed: [String] = []
        while set.count > 502 { removed.append(set.removeLast()) }
        #expect(removed == (500..<1000).reversed().map { "n\($0)" })
        #expect(set.contains("n499") && !set.contains("n500"))
        let back = set.insert("n500")
        #expect(back && set.contains("n500"))
        #expect(set.names.prefix(3) == ["b", "a", "n0"])
    }
}
