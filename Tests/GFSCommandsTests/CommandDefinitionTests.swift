import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// A command is one definition: the catalog's table, the host's dispatch and display all come
/// from it, and handlers read arguments by the names the spec gives them.
@Suite struct CommandDefinitionTests {
    static let range = SourceRange(
        start: SourcePosition(offset: 0, line: 1, column: 1),
        end: SourcePosition(offset: 0, line: 1, column: 1)
    )

    /// The arguments of `path`'s spec for a call with these values.
    func arguments(_ path: [String], _ values: [Value], options: [String: Value] = [:]) throws -> CommandArguments {
        let definition = try #require(GFSCommandCatalog.definition(path))
        let call = CommandCall(path: path, arguments: values, options: options, range: Self.range, sourceName: "t")
        return CommandArguments(call, spec: definition.spec)
    }

    @Test func theTableIsMadeFromTheDefinitions() {
        #expect(GFSCommandCatalog.table.commands.map(\.name) == GFSCommandCatalog.definitions.map(\.name))
        let names = GFSCommandCatalog.definitions.map(\.name)
        #expect(Set(names).count == names.count, "each command is defined once")
    }

    @Test func argumentsAndOptionsAreReadByName() throws {
        let rename = try arguments(["org", "rename"], ["apiorg", 7])
        #expect(try rename.required("org") == "apiorg")
        #expect(try rename.required("new-name") == "7")
        let push = try arguments(
            ["dashboard", "push"],
            ["a.json", "b.json"],
            options: ["overwrite": true, "input": ["A=1", "B=2"], "folder": "ops"]
        )
        #expect(try push.strings("path") == ["a.json", "b.json"])
        #expect(try push.flag("overwrite"))
        #expect(try push.options("input") == ["A=1", "B=2"])
        #expect(try push.option("folder") == "ops")
        #expect(try push.option("message") == nil)
        let show = try arguments(["org", "show"], [])
        #expect(try show.string("org") == nil)
    }

    @Test func aMisspeltNameFailsInsteadOfReadingAsAbsent() throws {
        let create = try arguments(["org", "create"], ["apiorg"])
        let argument = #expect(throws: CommandFailure.self) { try create.string("nmae") }
        #expect(argument?.message == "Command 'org create' has no argument 'nmae'")
        let option = #expect(throws: CommandFailure.self) { try create.flag("if-mising") }
        #expect(option?.message == "Command 'org create' has no option '--if-mising'")
        #expect(option?.hint == "This is a bug in gfs: the command reads a name its definition does not declare.")
    }

    /// Every handler reads only names its spec declares, at least up to its first request:
    /// run against a server that refuses connections, no command fails for an undeclared
    /// name. (The sandbox tests run each command past its requests.)
    @Test(arguments: GFSCommandCatalog.definitions.map(\.name))
    func everyHandlerReadsDeclaredNames(_ name: String) async throws {
        let definition = try #require(GFSCommandCatalog.definition(name.split(separator: " ").map(String.init)))
        let context = try ContextResolver(environment: [:], configPath: "/nonexistent").resolve(
            ConnectionOptions(url: "http://127.0.0.1:1", user: "admin", password: "admin")
        )
        // No retries: a refused connection fails at once.
        let host = GrafanaShellHost(
            context: context,
            options: .init(environment: [:], retries: 0),
            sink: CapturingSink()
        )
        let values: [Value] = definition.spec.arguments.map { .string($0.completion == .role ? "Admin" : "x") }
        let call = CommandCall(path: definition.spec.path, arguments: values, range: Self.range, sourceName: "t")
        do {
            _ = try await host.run(call)
        } catch let failure as CommandFailure {
            #expect(!failure.message.contains("has no argument"), "\(failure.message)")
            #expect(!failure.message.contains("has no option"), "\(failure.message)")
        }
    }

    @Test func anEmptyRequiredArgumentIsMissing() throws {
        let create = try arguments(["org", "create"], [""])
        let failure = #expect(throws: CommandFailure.self) { try create.required("name") }
        #expect(failure?.message == "Missing name")
    }

    @Test func displayComesFromTheDefinition() throws {
        let list = try #require(GFSCommandCatalog.definition(["org", "list"]))
        #expect(list.display.columns == ["id", "name"])
        let key = try #require(GFSCommandCatalog.definition(["key", "create"]))
        #expect(key.display.secretFields == ["key"])
        let diff = try #require(GFSCommandCatalog.definition(["dashboard", "diff"]))
        let text = ResultFormatter(secrets: []).text(
            ["file": "a.json", "status": "changed", "diff": ["- a", "+ b"]],
            display: diff.display
        )
        #expect(text == "a.json: changed\n- a\n+ b\n")
    }

    @Test func aNewKeyIsShownOnceOnATerminalAndMaskedInAPipe() async throws {
        let context = try ContextResolver(environment: [:], configPath: "/nonexistent").resolve(
            ConnectionOptions(url: "http://127.0.0.1:1")
        )
        let key: Value = ["name": "ci", "key": "glsa_0123456789abcdef"]
        let call = CommandCall(path: ["key", "create"], range: Self.range, sourceName: "t")
        for isTerminal in [true, false] {
            let sink = CapturingSink()
            let host = GrafanaShellHost(
                context: context,
                options: .init(isTerminal: isTerminal, environment: [:]),
                sink: sink
            )
            host.remember(secret: "glsa_0123456789abcdef")
            await host.display(key, of: call)
            // Another command's result holding the same secret is masked even on a terminal.
            await host.display(key, of: CommandCall(path: ["key", "list"], range: Self.range, sourceName: "t"))
            let shown = sink.standardOutput.components(separatedBy: "glsa_0123456789abcdef").count - 1
            #expect(shown == (isTerminal ? 1 : 0))
        }
    }

    @Test func aDryRunGivesEachWriteAPlaceholder() async throws {
        let harness = try await SandboxHarness.start(options: .init(dryRun: true, environment: [:]))
        defer { Task { await harness.stop() } }
        let outcome = await harness.run(
            """
            let f = (folder create Ops)
            assert $f.dryRun and $f.uid == "DRY-RUN-FOLDER"
            let d = (datasource create prom --type prometheus --url http://p:9090)
            assert $d.dryRun and $d.uid == "DRY-RUN-DATASOURCE" and $d.type == "prometheus"
            let gone = (dashboard delete nothing-here)
            assert $gone.dryRun and $gone.deleted == false
            let o = (org create planned)
            assert $o.dryRun and $o.id == 0
            """
        )
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message))")
        let stderr = harness.sink.standardError
        for operation in ["create folder", "create data source", "delete dashboard", "create organization"] {
            #expect(stderr.contains("dry run: \(operation): curl"), "\(operation)")
        }
        #expect(try await harness.adminClient().folders().isEmpty)
        #expect(try await harness.adminClient().orgs().count == 1)
    }
}
