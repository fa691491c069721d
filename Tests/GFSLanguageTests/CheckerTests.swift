import GFSTestSupport
import Testing

@testable import GFSLanguage

/// The checker over hand-built trees, so its positions and messages are tested apart from
/// the parser's.
@Suite struct CheckerTests {
    let table = LanguageTestCommands.table

    func check(_ layout: ASTLayout, _ statements: [Statement], known: Set<String> = []) -> [Diagnostic] {
        do {
            _ = try Checker(table: table, knownVariables: known).check(layout.script(statements))
            return []
        } catch {
            return error.diagnostics
        }
    }

    func checked(_ layout: ASTLayout, _ statements: [Statement]) throws -> CheckedScript {
        try Checker(table: table).check(layout.script(statements))
    }

    /// The only diagnostic, or a recorded issue.
    func single(_ diagnostics: [Diagnostic], sourceLocation: SourceLocation = #_sourceLocation) -> Diagnostic? {
        #expect(diagnostics.count == 1, "\(diagnostics.map(\.message))", sourceLocation: sourceLocation)
        return diagnostics.first
    }

    /// The quick tests the checker runs on every binding agree with the public sets.
    @Test func keywordAndReservedNameTestsMatchTheirSets() {
        #expect(Set(Keyword.allCases.map(\.rawValue)) == Checker.keywords)
        for name in Checker.keywords.union(Checker.reservedVariables).union(["x", "errors", "_x", "lets", "i"]) {
            #expect(Checker.isKeyword(name) == Checker.keywords.contains(name), "\(name)")
            #expect(Checker.isReservedVariable(name) == Checker.reservedVariables.contains(name), "\(name)")
        }
    }

    // MARK: Resolution

    @Test func resolvesTheMissionByTheLongestPathOfWords() throws {
        let layout = ASTLayout(
            """
            org create apiorg
            use $org
            key create apikeycurl admin
            use $key
            dashboard push examples/production-overview.json
            """
        )
        let statements = [
            layout.run("org create apiorg"),
            layout.run("use $org"),
            layout.run("key create apikeycurl admin"),
            layout.run("use $key"),
            layout.run("dashboard push examples/production-overview.json"),
        ]
        let checked = try checked(layout, statements)
        let paths = statements.map { statement -> [String] in
            guard case let .expression(expression) = statement.kind, case let .command(command) = expression.kind,
                case let .host(spec)? = checked.resolution(of: command)?.target
            else { return [] }
            return spec.path
        }
        #expect(paths == [["org", "create"], ["use"], ["key", "create"], ["use"], ["dashboard", "push"]])
        guard case let .expression(expression) = statements[2].kind, case let .command(command) = expression.kind else {
            Issue.record("not a command")
            return
        }
        let arguments = checked.resolution(of: command)?.arguments.compactMap { argument -> String? in
            if case let .word(word) = argument.kind { return word }
            return nil
        }
        #expect(arguments == ["apikeycurl", "admin"])
    }

    @Test func attachesTheNextValueToAnOptionThatTakesOne() throws {
        let layout = ASTLayout("dashboard push a.json --folder ops --overwrite b.json")
        let command = layout.command("dashboard push a.json --folder ops --overwrite b.json")
        let checked = try checked(
            layout,
            [Statement(.expression(Expression(.command(command), range: command.range)), range: command.range)]
        )
        let resolution = try #require(checked.resolution(of: command))
        #expect(resolution.arguments.map(\.range.start.column) == [16, 48])
        #expect(resolution.options.map(\.spec.name) == ["folder", "overwrite"])
        #expect(resolution.options[0].value?.range.start.column == 32)
        #expect(resolution.options[1].value == nil)
    }

    @Test func acceptsTheInlineFormOfAnOptionValue() throws {
        let layout = ASTLayout("org user add admin --role=Admin")
        let command = layout.command("org user add admin --role=Admin")
        let checked = try checked(
            layout,
            [Statement(.expression(Expression(.command(command), range: command.range)), range: command.range)]
        )
        let option = try #require(checked.resolution(of: command)?.options.first)
        #expect(option.spec.name == "role")
        #expect(option.value?.range.start.column == 27)
    }

    // MARK: Commands and options

    @Test func unknownCommandSuggestsTheNearestName() throws {
        let layout = ASTLayout("org create a\ndashbord push x.json")
        let diagnostic = try #require(
            single(check(layout, [layout.run("org create a"), layout.run("dashbord push x.json")]))
        )
        #expect(diagnostic.message == "Unknown command 'dashbord'")
        #expect(diagnostic.hint == "Did you mean 'dashboard'?")
        #expect(diagnostic.range.start == SourcePosition(offset: 13, line: 2, column: 1))
        #expect(diagnostic.range.end.column == 9)
    }

    @Test func unknownCommandWithNothingCloseSaysHowToList() throws {
        let layout = ASTLayout("frobnicate")
        let diagnostic = try #require(single(check(layout, [layout.run("frobnicate")])))
        #expect(diagnostic.message == "Unknown command 'frobnicate'")
        #expect(diagnostic.hint == "Type 'help' to list the commands.")
    }

    @Test func unknownSubcommandBlamesTheWrongWord() throws {
        let layout = ASTLayout("org craete apiorg")
        let diagnostic = try #require(single(check(layout, [layout.run("org craete apiorg")])))
        #expect(diagnostic.message == "Unknown subcommand 'craete' for 'org'")
        #expect(diagnostic.hint == "Did you mean 'create'?")
        #expect(diagnostic.range.start.column == 5)
        #expect(diagnostic.range.end.column == 11)
    }

    @Test func groupWithoutSubcommandListsTheChoices() throws {
        let layout = ASTLayout("key")
        let diagnostic = try #require(single(check(layout, [layout.run("key")])))
        #expect(diagnostic.message == "Missing subcommand for 'key'")
        #expect(diagnostic.hint == "'key' has: create, list, delete.")
    }

    @Test func unknownOptionSuggestsTheNearestOption() throws {
        let layout = ASTLayout("dashboard push a.json --foldr ops")
        let diagnostics = check(layout, [layout.run("dashboard push a.json --foldr ops")])
        // `ops` then counts as a second path: only the option is wrong.
        let diagnostic = try #require(single(diagnostics))
        #expect(diagnostic.message == "Unknown option '--foldr' for 'dashboard push'")
        #expect(diagnostic.hint == "Did you mean '--folder'?")
        #expect(diagnostic.range.start.column == 23)
        #expect(diagnostic.range.end.column == 30)
    }

    @Test func flagGivenAValueIsAnError() throws {
        let layout = ASTLayout("dashboard push a.json --overwrite=yes")
        let diagnostic = try #require(single(check(layout, [layout.run("dashboard push a.json --overwrite=yes")])))
        #expect(diagnostic.message == "Option '--overwrite' takes no value")
        #expect(diagnostic.range.start.column == 35)
    }

    @Test func optionWithoutItsValueIsAnError() throws {
        let layout = ASTLayout("dashboard push a.json --folder")
        let diagnostic = try #require(single(check(layout, [layout.run("dashboard push a.json --folder")])))
        #expect(diagnostic.message == "Missing value for option '--folder'")
        #expect(diagnostic.hint == "Usage: --folder FOLDER")
        #expect(diagnostic.range.start.column == 23)
    }

    @Test func repeatedOptionIsAnErrorUnlessRepeatable() throws {
        let layout = ASTLayout("dashboard push a.json --folder a --folder b\ndashboard list --tag a --tag b")
        let diagnostic = try #require(
            single(
                check(
                    layout,
                    [
                        layout.run("dashboard push a.json --folder a --folder b"),
                        layout.run("dashboard list --tag a --tag b"),
                    ]
                )
            )
        )
        #expect(diagnostic.message == "Option '--folder' given more than once")
        #expect(diagnostic.range.start == SourcePosition(offset: 33, line: 1, column: 34))
    }

    @Test func missingArgumentPointsAtTheEndOfTheCommand() throws {
        let layout = ASTLayout("key create apikeycurl")
        let diagnostic = try #require(single(check(layout, [layout.run("key create apikeycurl")])))
        #expect(diagnostic.message == "Missing argument ROLE for 'key create'")
        #expect(diagnostic.hint == "Usage: key create NAME ROLE [--ttl DURATION] [--save FILE]")
        #expect(diagnostic.range.start.column == 22)
        #expect(diagnostic.range.end.column == 22)
    }

    @Test func variadicArgumentNeedsAtLeastOneValue() throws {
        let layout = ASTLayout("dashboard push --overwrite")
        let diagnostic = try #require(single(check(layout, [layout.run("dashboard push --overwrite")])))
        #expect(diagnostic.message == "Missing argument PATH for 'dashboard push'")
    }

    @Test func tooManyArgumentsCoversTheExtraOnes() throws {
        let layout = ASTLayout("org create a b c")
        let diagnostic = try #require(single(check(layout, [layout.run("org create a b c")])))
        #expect(diagnostic.message == "Too many arguments for 'org create'")
        #expect(diagnostic.hint == "Usage: org create NAME [--if-missing]")
        #expect(diagnostic.range.start.column == 14)
        #expect(diagnostic.range.end.column == 17)
    }

    @Test func keywordCannotStartACommand() throws {
        let layout = ASTLayout("else x")
        let diagnostic = try #require(single(check(layout, [layout.run("else x")])))
        #expect(diagnostic.message == "Unexpected keyword 'else'")
        #expect(diagnostic.hint == "'else' must follow the closing '}' of an 'if' block.")
    }

    @Test func reportsEveryProblemInSourceOrder() {
        let layout = ASTLayout("org craete a\nkey create k\n")
        let diagnostics = check(layout, [layout.run("org craete a"), layout.run("key create k")])
        #expect(diagnostics.map(\.range.start.line) == [1, 2])
    }

    // MARK: Variables

    @Test func implicitBindsDefineTheirVariables() {
        let layout = ASTLayout("org create apiorg\nuse $org\nkey create k admin\nuse $key\necho $_")
        let diagnostics = check(
            layout,
            [
                layout.run("org create apiorg"), layout.run("use $org"), layout.run("key create k admin"),
                layout.run("use $key"),
                layout.echo([layout.variable("_")]),
            ]
        )
        #expect(diagnostics.isEmpty)
    }

    @Test func variableUsedBeforeItsCommandSaysWhichCommandBindsIt() throws {
        let layout = ASTLayout("use $org\norg create apiorg")
        let diagnostic = try #require(single(check(layout, [layout.run("use $org"), layout.run("org create apiorg")])))
        #expect(diagnostic.message == "Undefined variable '$org'")
        #expect(diagnostic.hint == "'$org' is set by 'org create'; run it first, or bind it with 'let org = ...'.")
        #expect(diagnostic.range.start.column == 5)
        #expect(diagnostic.range.end.column == 9)
    }

    @Test func undefinedVariableSuggestsADefinedOne() throws {
        let layout = ASTLayout("let name = 3\necho $nmae")
        let diagnostic = try #require(
            single(
                check(
                    layout,
                    [
                        layout.bind("name", layout.literal(3, "3")), layout.echo([layout.variable("nmae")]),
                    ]
                )
            )
        )
        #expect(diagnostic.message == "Undefined variable '$nmae'")
        #expect(diagnostic.hint == "Did you mean '$name'?")
        #expect(diagnostic.range.start == SourcePosition(offset: 18, line: 2, column: 6))
    }

    @Test func errorIsOnlyDefinedAfterATry() throws {
        let layout = ASTLayout("echo $error\ntry org create a\necho $error")
        let tryCommand = layout.commandExpression("org create a", isTry: true)
        let diagnostic = try #require(
            single(
                check(
                    layout,
                    [
                        layout.echo([layout.variable("error")], 1),
                        Statement(.expression(tryCommand), range: tryCommand.range),
                        layout.echo([layout.variable("error", 2)], 2),
                    ]
                )
            )
        )
        #expect(diagnostic.hint == "'$error' is set by a command prefixed with 'try'.")
        #expect(diagnostic.range.start.line == 1)
    }

    @Test func knownVariablesComeFromTheSessionAndParameters() {
        let layout = ASTLayout("echo $env $args")
        #expect(
            check(layout, [layout.echo([layout.variable("env"), layout.variable("args")])], known: ["env", "args"])
                .isEmpty
        )
    }

    @Test func eitherBranchOfAnIfMayDefineAVariable() {
        let layout = ASTLayout("if true { let a = 1 } else { let b = 2 }\necho $a $b")
        let conditional = layout.conditional(
            layout.literal(true, "true"),
            layout.block([layout.bind("a", layout.literal(1, "1"))], open: 1, close: 1),
            else: layout.block([layout.bind("b", layout.literal(2, "2"))], open: 2, close: 2)
        )
        #expect(check(layout, [conditional, layout.echo([layout.variable("a"), layout.variable("b")])]).isEmpty)
    }

    @Test func aLaterIterationSeesWhatAnEarlierOneBound() {
        let layout = ASTLayout("for x in [1] { echo $last; let last = $x }")
        let sequence = Expression(.list([layout.literal(1, "1")]), range: layout.range(of: "[1]"))
        let loop = layout.loop(
            "x",
            in: sequence,
            layout.block([
                layout.echo([layout.variable("last")]), layout.bind("last", layout.variable("x")),
            ])
        )
        #expect(check(layout, [loop]).isEmpty)
    }

    @Test func cannotBindTheLanguagesOwnVariables() throws {
        let layout = ASTLayout("let _ = 1")
        let diagnostic = try #require(single(check(layout, [layout.bind("_", layout.literal(1, "1"))])))
        #expect(diagnostic.message == "Cannot bind '$_'")
        #expect(diagnostic.range.start.column == 5)
    }

    @Test func afterSourceAnyVariableMayBeDefined() {
        let layout = ASTLayout("source lib.gfs\necho $fromlib")
        let source = Statement(.source(layout.word("lib.gfs")), range: layout.range(of: "source lib.gfs"))
        #expect(check(layout, [source, layout.echo([layout.variable("fromlib")])]).isEmpty)
    }

    // MARK: help

    @Test func helpIsABuiltinWithACheckedTopic() throws {
        let layout = ASTLayout("help org create\nhelp org craete")
        let good = layout.command("help org create")
        let checkedGood = try checked(
            layout,
            [Statement(.expression(Expression(.command(good), range: good.range)), range: good.range)]
        )
        guard case let .help(topic)? = checkedGood.resolution(of: good)?.target else {
            Issue.record("help was not resolved as the builtin")
            return
        }
        #expect(topic == ["org", "create"])

        let diagnostic = try #require(single(check(layout, [layout.run("help org craete")])))
        #expect(diagnostic.message == "Unknown subcommand 'craete' for 'org'")
        #expect(diagnostic.hint == "Did you mean 'create'?")
        #expect(diagnostic.range.start == SourcePosition(offset: 25, line: 2, column: 10))
    }
}

@Suite struct StringMatchingTests {
    @Test(arguments: [
        ("dashbord", "dashboard"), ("craete", "create"), ("ogr", "org"), ("foldr", "folder"), ("dash", "dashboard"),
    ])
    func suggestsTheIntendedWord(typo: String, intended: String) {
        #expect(typo.bestMatch(in: ["org", "key", "dashboard", "folder", "create", "connect", "context"]) == intended)
    }

    @Test func suggestsNothingForUnrelatedWords() {
        #expect("zebra".bestMatch(in: ["org", "key", "dashboard"]) == nil)
        #expect("x".bestMatch(in: ["org", "key"]) == nil)
    }

    @Test func editDistanceCountsATranspositionAsOneEdit() {
        #expect("craete".editDistance(to: "create") == 1)
        #expect("kitten".editDistance(to: "sitting") == 3)
        #expect("".editDistance(to: "abc") == 3)
    }
}
