// A tiny shell over a fake evaluator, so the real-terminal tests can drive libedit through
// a pty before `gfs` runs the shell itself. Not part of the product.
//
//     gfs-shell-demo            edits when stdin and stdout are terminals
//
// Inputs: `sleep SECONDS` waits (cancellable), `fail` fails, `let NAME = VALUE` binds a
// variable, `exit [CODE]` ends; anything else is echoed as `ran: INPUT`. A line ending in
// `{` opens a block that `}` closes (the demo's stand-in for the parser's continuation rule).
import Foundation
import GFSLanguage
import GFSShell

Terminal.routeTerminalSignalsToEditor()

let table = CommandTable(commands: [
    CommandSpec(path: ["org", "create"], summary: "Create an org", arguments: [ArgumentSpec("NAME")], binds: "org"),
    CommandSpec(path: ["org", "list"], summary: "List orgs"),
    CommandSpec(path: ["org", "use"], summary: "Switch org", arguments: [ArgumentSpec("NAME", completion: .orgName)]),
    CommandSpec(
        path: ["dashboard", "push"],
        summary: "Push dashboards",
        arguments: [ArgumentSpec("PATH", completion: .path, isVariadic: true)],
        options: [OptionSpec("folder", valueName: "FOLDER", completion: .folder)]
    ),
    CommandSpec(
        path: ["connect"],
        summary: "Connect",
        arguments: [ArgumentSpec("URL", completion: .url)],
        options: [
            OptionSpec("user", valueName: "LOGIN"),
            OptionSpec("password", valueName: "PASSWORD", isSecret: true),
            OptionSpec("password-env", valueName: "NAME", completion: .environmentVariable, isSecret: true),
        ]
    ),
])

final class DemoEvaluator: InputEvaluator, @unchecked Sendable {
    private let lock = NSLock()
    private var variables: [String: Value] = [
        "org": .record(Record([("id", 2), ("name", "apiorg")]))
    ]

    func evaluate(_ input: String) async -> EvaluationOutcome {
        let words = input.split(separator: " ").map(String.init)
        switch words.first {
        case "sleep":
            let seconds = Double(words.dropFirst().first ?? "1") ?? 1
            do {
                try await Task.sleep(for: .seconds(seconds))
                print("slept")
                return .success
            } catch {
                return .failure
            }
        case "fail":
            FileHandle.standardError.write(Data("error: failed on purpose\n".utf8))
            return .failure
        case "exit":
            return .exit(Int32(words.dropFirst().first ?? "0") ?? 0)
        case "let" where words.count >= 4:
            lock.withLock { variables[words[1]] = .string(words[3...].joined(separator: " ")) }
            return .success
        default:
            print("ran: \(input)")
            return .success
        }
    }

    func shellState() async -> ShellState {
        ShellState(
            prompt: PromptContext(server: "localhost:3000", identity: "admin", organization: "apiorg"),
            variables: lock.withLock { variables }
        )
    }
}

struct DemoNames: LiveNameProvider {
    func names(for kind: CompletionKind) async throws -> [String] {
        kind == .orgName ? ["Main Org.", "apiorg", "apiother"] : []
    }
}

let historyStore = HistoryStore(path: HistoryStore.path(), policy: HistoryPolicy(commandTable: table))
let completer = Completer(commandTable: table, liveNameProvider: DemoNames())
let reader: any LineReader = Terminal.makeLineReader(history: historyStore, completer: completer)
let session = ShellSession(
    reader: reader,
    evaluator: DemoEvaluator(),
    history: historyStore,
    completer: completer,
    prompt: Prompt(usesColour: Prompt.usesColour()),
    needsContinuation: { text in
        text.filter { $0 == "{" }.count > text.filter { $0 == "}" }.count
    }
)
exit(await session.run())
