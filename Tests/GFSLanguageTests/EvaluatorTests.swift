import GFSTestSupport
import Testing

@testable import GFSLanguage

/// The interpreter over hand-built trees and a recording host.
@Suite struct EvaluatorTests {
    /// Checks and runs `statements` over `layout`'s source, without the parser.
    func run(
        _ layout: ASTLayout,
        _ statements: [Statement],
        host: RecordingHost = RecordingHost(),
        interpreter: Interpreter? = nil
    ) async throws -> RunOutcome {
        let interpreter = interpreter ?? Interpreter(host: host)
        let checked = try Checker(table: host.commandTable, knownVariables: await interpreter.session.variableNames)
            .check(layout.script(statements))
        return await interpreter.run(checked)
    }

    func missionLayout() -> (ASTLayout, [Statement]) {
        let layout = ASTLayout(
            """
            org create apiorg
            use $org
            key create apikeycurl admin
            use $key
            dashboard push examples/production-overview.json
            """
        )
        return (
            layout,
            [
                layout.run("org create apiorg"),
                layout.run("use $org"),
                layout.run("key create apikeycurl admin"),
                layout.run("use $key"),
                layout.run("dashboard push examples/production-overview.json"),
            ]
        )
    }

    // MARK: The mission

    @Test func missionCallsTheHostInOrderAndBindsEachResult() async throws {
        let host = RecordingHost()
        let org: Value = ["id": 2, "name": "apiorg"]
        let key: Value = ["name": "apikeycurl", "key": "glsa_secret", "role": "Admin", "orgId": 2]
        let dashboard: Value = ["uid": "prod-overview", "status": "success", "version": 1]
        host.willReturn(org, for: "org create")
        host.willReturn(.null, for: "use")
        host.willReturn(key, for: "key create")
        host.willReturn(.null, for: "use")
        host.willReturn(dashboard, for: "dashboard push")
        let interpreter = Interpreter(host: host)
        let (layout, statements) = missionLayout()

        let outcome = try await run(layout, statements, host: host, interpreter: interpreter)

        #expect(outcome.status == .success)
        #expect(
            host.callLines == [
                "org create apiorg",
                "use {\"id\":2,\"name\":\"apiorg\"}",
                "key create apikeycurl admin",
                "use {\"name\":\"apikeycurl\",\"key\":\"glsa_secret\",\"role\":\"Admin\",\"orgId\":2}",
                "dashboard push examples/production-overview.json",
            ]
        )
        #expect(host.calls[1].arguments == [org])
        #expect(host.calls[3].arguments == [key])
        #expect(await interpreter.variable("org") == org)
        #expect(await interpreter.variable("key") == key)
        #expect(await interpreter.variable("dashboard") == dashboard)
        #expect(await interpreter.variable("_") == dashboard)
        // `use` returned nothing, so only the three created resources were shown.
        #expect(host.displayed == [org, key, dashboard])
        #expect(host.calls.map(\.range.start.line) == [1, 2, 3, 4, 5])
        #expect(host.calls.allSatisfy { $0.sourceName == "test.gfs" })
    }

    @Test func failingCommandStopsTheScriptAtItsLocation() async throws {
        let host = RecordingHost()
        host.willFail(
            CommandFailure(message: "Organization name taken", hint: "Use --if-missing to reuse it."),
            for: "org create"
        )
        let (layout, statements) = missionLayout()

        let outcome = try await run(layout, statements, host: host)

        #expect(outcome.status == .failed)
        #expect(outcome.exitStatus == 1)
        #expect(host.callLines == ["org create apiorg"])
        let diagnostic = try #require(outcome.diagnostics.first)
        #expect(diagnostic.message == "Organization name taken")
        #expect(diagnostic.hint == "Use --if-missing to reuse it.")
        #expect(diagnostic.range.start == SourcePosition(offset: 0, line: 1, column: 1))
        #expect(diagnostic.range.end.column == 18)
    }

    @Test func tryTurnsAFailureIntoNullAndBindsError() async throws {
        let host = RecordingHost()
        host.willFail(
            CommandFailure(message: "Organization name taken", details: Record([("status", 409)])),
            for: "org create"
        )
        let layout = ASTLayout("let o = try org create apiorg\nlet again = try org create apiorg")
        let interpreter = Interpreter(host: host)
        let first = layout.commandExpression("org create apiorg", 1, isTry: true)
        let outcome = try await run(layout, [layout.bind("o", first)], host: host, interpreter: interpreter)

        #expect(outcome.status == .success)
        #expect(await interpreter.variable("o") == .null)
        #expect(await interpreter.variable("org") == nil)
        let error: Value = [
            "code": "command-failed", "message": "Organization name taken", "hint": nil, "command": "org create",
            "file": "test.gfs",
            "line": 1, "column": 13, "status": 409,
        ]
        #expect(await interpreter.variable("error") == error)

        let second = layout.commandExpression("org create apiorg", 2, isTry: true)
        _ = try await run(layout, [layout.bind("again", second)], host: host, interpreter: interpreter)
        #expect(await interpreter.variable("error") == .null)
        #expect(await interpreter.variable("org") != nil)
    }

    // MARK: Values and expressions

    @Test func fieldOfACommandResultInAnExpression() async throws {
        let host = RecordingHost()
        host.willReturn(["id": 7, "name": "x"], for: "org create")
        let layout = ASTLayout("let id = (org create x).id")
        let command = layout.commandExpression("org create x")
        let member = layout.member(command, "id")
        let interpreter = Interpreter(host: host)
        let outcome = try await run(layout, [layout.bind("id", member)], host: host, interpreter: interpreter)
        #expect(outcome.status == .success)
        #expect(await interpreter.variable("id") == 7)
        #expect(await interpreter.variable("org") == ["id": 7, "name": "x"])
    }

    @Test func expressionStatementsAreDisplayedAndBoundToUnderscore() async throws {
        let host = RecordingHost()
        let layout = ASTLayout("1 + 2")
        let sum = layout.binary(.plus, layout.literal(1, "1"), layout.literal(2, "2"))
        let interpreter = Interpreter(host: host)
        _ = try await run(layout, [layout.expression(sum)], host: host, interpreter: interpreter)
        #expect(host.displayed == [3])
        #expect(await interpreter.variable("_") == 3)
    }

    // MARK: Runtime errors

    func failure(_ layout: ASTLayout, _ statements: [Statement], variables: [String: Value] = [:]) async throws
        -> Diagnostic?
    {
        let host = RecordingHost()
        let interpreter = Interpreter(host: host, session: Session(variables: variables))
        let outcome = try await run(layout, statements, host: host, interpreter: interpreter)
        #expect(outcome.status == .failed)
        return outcome.diagnostics.first
    }

    @Test func fieldOfANonRecordIsAnError() async throws {
        let layout = ASTLayout("echo $name.id")
        let diagnostic = try #require(
            try await failure(
                layout,
                [layout.echo([layout.member(layout.variable("name"), "id")])],
                variables: ["name": "apiorg"]
            )
        )
        #expect(diagnostic.message == "Cannot read field 'id' of a string")
        #expect(diagnostic.hint == "Only records have fields.")
        #expect(diagnostic.range.start.column == 12)
        #expect(diagnostic.range.end.column == 14)
    }

    @Test func missingFieldSuggestsANearKey() async throws {
        let layout = ASTLayout("echo $org.nmae")
        let diagnostic = try #require(
            try await failure(
                layout,
                [layout.echo([layout.member(layout.variable("org"), "nmae")])],
                variables: ["org": ["id": 1, "name": "a"]]
            )
        )
        #expect(diagnostic.message == "No field 'nmae' in the record")
        #expect(diagnostic.hint == "Did you mean 'name'?")
        #expect(diagnostic.range.start.column == 11)
    }

    @Test func indexOutOfRangeSaysHowLongTheListIs() async throws {
        let layout = ASTLayout("echo $orgs[2]")
        let diagnostic = try #require(
            try await failure(
                layout,
                [layout.echo([layout.index(layout.variable("orgs"), layout.literal(2, "2"))])],
                variables: ["orgs": [1, 2]]
            )
        )
        #expect(diagnostic.message == "Index 2 out of range")
        #expect(diagnostic.hint == "The list has 2 elements, indexed from 0 to 1.")
        #expect(diagnostic.range.start.column == 12)
    }

    @Test func indexOfANonListIsAnError() async throws {
        let layout = ASTLayout("echo $n[0]")
        let diagnostic = try #require(
            try await failure(
                layout,
                [layout.echo([layout.index(layout.variable("n"), layout.literal(0, "0"))])],
                variables: ["n": 3]
            )
        )
        #expect(diagnostic.message == "Cannot index a number")
        #expect(diagnostic.range.start.column == 6)
        #expect(diagnostic.range.end.column == 11)
    }

    @Test func failedAssertionGivesItsMessageAndCondition() async throws {
        let layout = ASTLayout("assert $n == 2 \"n must be two\"")
        let condition = layout.binary(.equal, layout.variable("n"), layout.literal(2, "2"))
        let diagnostic = try #require(
            try await failure(
                layout,
                [layout.assertion(condition, message: layout.string("n must be two"))],
                variables: ["n": 3]
            )
        )
        #expect(diagnostic.message == "Assertion failed: n must be two")
        #expect(diagnostic.range.start.column == 8)
        #expect(diagnostic.range.end.column == 15)
    }

    @Test func comparingANumberWithAStringIsAnError() async throws {
        let layout = ASTLayout("echo $n < \"a\"")
        let diagnostic = try #require(
            try await failure(
                layout,
                [layout.echo([layout.binary(.less, layout.variable("n"), layout.string("a"))])],
                variables: ["n": 3]
            )
        )
        #expect(diagnostic.message == "Cannot compare a number with a string")
        #expect(diagnostic.range.start.column == 6)
    }

    @Test func loopingOverANumberIsAnError() async throws {
        let layout = ASTLayout("for x in $n { }")
        let diagnostic = try #require(
            try await failure(
                layout,
                [layout.loop("x", in: layout.variable("n"), layout.block([]))],
                variables: ["n": 3]
            )
        )
        #expect(diagnostic.message == "Cannot loop over a number")
        #expect(diagnostic.range.start.column == 10)
    }

    @Test func cancellationStopsBeforeTheNextCommand() async throws {
        let host = RecordingHost()
        let (layout, statements) = missionLayout()
        let checked = try Checker(table: host.commandTable).check(layout.script(statements))
        let interpreter = Interpreter(host: host)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await interpreter.run(checked)
        }
        let outcome = await task.value
        #expect(outcome.status == .interrupted)
        #expect(outcome.exitStatus == 130)
        #expect(host.calls.isEmpty)
    }
}

/// A host whose command notices cancellation and fails with its own error, as an HTTP
/// client does when its request is cancelled.
private final class CancellingHost: CommandHost, @unchecked Sendable {
    let commandTable = LanguageTestCommands.table

    func run(_ call: CommandCall) async throws -> Value {
        withUnsafeCurrentTask { $0?.cancel() }
        throw CommandFailure(message: "Connection dropped")
    }

    func display(_ value: Value, of call: CommandCall?) async {}
    func write(_ text: String, to stream: OutputStreamKind) async {}
    func readSource(at path: String) async throws -> String { "" }
}

@Suite struct CancellationTests {
    @Test func aCommandCancelledMidRequestEndsTheRunAsInterruptedEvenUnderTry() async {
        let outcome = await Interpreter(host: CancellingHost()).run(
            SourceFile(name: "c.gfs", text: "try org create a\necho after")
        )
        #expect(outcome.status == .interrupted)
        #expect(outcome.diagnostics.isEmpty)
    }
}
