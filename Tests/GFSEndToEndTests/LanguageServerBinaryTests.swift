import Foundation
import GFSValue
import Testing

/// `gfs lsp` through the built binary, driven by a scripted client that speaks JSON-RPC with
/// Content-Length framing on the process's standard input and output, as an editor does.
@Suite struct LanguageServerBinaryTests {
    /// A document whose third line holds an unknown command after an emoji, so its range in
    /// UTF-16 columns (what LSP counts) differs from its bytes and its Unicode scalars.
    static let text = "let a = 1\norg list\necho \"😀\" $a; dashbord list\n"
    static let uri = "file:///tmp/gfs-lsp-test/deploy.gfs"

    @Test func aScriptedSessionGetsDiagnosticsCompletionHoverAndExitsCleanly() async throws {
        let client = try LSPClient()
        let initialized = try await client.request(
            "initialize",
            ["processId": .null, "rootUri": .null, "capabilities": [:]]
        )
        let capabilities = initialized.field("result")?.field("capabilities")
        #expect(capabilities?.field("textDocumentSync")?.field("change") == .int(1), "full sync")
        #expect(capabilities?.field("hoverProvider") == .bool(true))
        #expect(capabilities?.field("completionProvider") != nil)
        client.notify("initialized", [:])

        // The unknown command is reported at its range, in UTF-16 columns.
        client.notify(
            "textDocument/didOpen",
            ["textDocument": ["uri": .string(Self.uri), "languageId": "gfs", "version": 1, "text": .string(Self.text)]]
        )
        let opened = try await client.notification("textDocument/publishDiagnostics")
        #expect(opened.field("params")?.field("uri") == .string(Self.uri))
        guard case .list(let diagnostics)? = opened.field("params")?.field("diagnostics") else {
            Issue.record("No diagnostics list in \(opened)")
            return
        }
        #expect(diagnostics.count == 1, "\(diagnostics)")
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.field("range") == Self.range(line: 2, from: 14, to: 22))
        #expect(diagnostic.field("severity") == .int(1))
        #expect(diagnostic.field("code") == "unknown-command")
        #expect(diagnostic.field("message") == "Unknown command 'dashbord'\nDid you mean 'dashboard'?")

        // Completion after `dash` offers `dashboard`, replacing the four characters typed.
        let completion = try await client.request(
            "textDocument/completion",
            ["textDocument": ["uri": .string(Self.uri)], "position": ["line": 2, "character": 18]]
        )
        guard case .list(let items)? = completion.field("result")?.field("items") else {
            Issue.record("No completion items in \(completion)")
            return
        }
        let dashboard = try #require(items.first { $0.field("label") == "dashboard" }, "\(items)")
        #expect(dashboard.field("textEdit")?.field("range") == Self.range(line: 2, from: 14, to: 18))
        #expect(dashboard.field("textEdit")?.field("newText") == "dashboard")

        // A variable the script binds is offered after `$`.
        let variables = try await client.request(
            "textDocument/completion",
            ["textDocument": ["uri": .string(Self.uri)], "position": ["line": 2, "character": 11]]
        )
        guard case .list(let variableItems)? = variables.field("result")?.field("items") else {
            Issue.record("No completion items in \(variables)")
            return
        }
        #expect(variableItems.contains { $0.field("label") == "$a" }, "\(variableItems)")

        // Hovering `org` shows the help of `org list`, as `help org list` prints it.
        let hover = try await client.request(
            "textDocument/hover",
            ["textDocument": ["uri": .string(Self.uri)], "position": ["line": 1, "character": 1]]
        )
        let help = try await GFSBinaryTests.gfs(["-c", "help org list"])
        #expect(help.status == 0)
        #expect(
            hover.field("result")?.field("contents")?.field("value")
                == .string("```text\n" + help.standardOutput + "```")
        )
        #expect(hover.field("result")?.field("range") == Self.range(line: 1, from: 0, to: 8))

        // Fixing the command clears the diagnostic.
        client.notify(
            "textDocument/didChange",
            [
                "textDocument": ["uri": .string(Self.uri), "version": 2],
                "contentChanges": [
                    ["text": .string(Self.text.replacingOccurrences(of: "dashbord", with: "dashboard"))]
                ],
            ]
        )
        let changed = try await client.notification("textDocument/publishDiagnostics")
        #expect(changed.field("params")?.field("diagnostics") == .list([]))

        // An unknown method is an error, not silence.
        let unknown = try await client.request("textDocument/definition", ["textDocument": ["uri": .string(Self.uri)]])
        #expect(unknown.field("error")?.field("code") == .int(-32601))

        let shutdown = try await client.request("shutdown", .null)
        #expect(shutdown.field("result") == .null)
        #expect(shutdown.field("error") == nil)
        client.notify("exit", .null)
        #expect(await client.exitStatus() == 0)
    }

    @Test func exitWithoutShutdownExits1() async throws {
        let client = try LSPClient()
        _ = try await client.request("initialize", ["processId": .null, "capabilities": [:]])
        client.notify("exit", .null)
        #expect(await client.exitStatus() == 1)
    }

    @Test func aRequestBeforeInitializeIsRefused() async throws {
        let client = try LSPClient()
        let early = try await client.request("textDocument/hover", [:])
        #expect(early.field("error")?.field("code") == .int(-32002))
        client.closeInput()
        #expect(await client.exitStatus() == 1)
    }

    static func range(line: Int, from start: Int, to end: Int) -> Value {
        [
            "start": ["line": .int(line), "character": .int(start)],
            "end": ["line": .int(line), "character": .int(end)],
        ]
    }
}

/// A minimal LSP client over the pipes of a `gfs lsp` process. Messages are framed and read
/// here, independently of the server's own framing code.
final class LSPClient: @unchecked Sendable {
    private let process = Process()
    private let input: FileHandle
    private var incoming: AsyncStream<Value>.Iterator
    /// Notifications that arrived while a response was awaited.
    private var pending: [Value] = []
    private var nextID = 1

    init() throws {
        let binary =
            ProcessInfo.processInfo.environment["GFS_BINARY"]
            ?? GFSBinaryTests.packageRoot.appendingPathComponent(".build/debug/gfs").path
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["lsp"]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "XDG_CONFIG_HOME": "/nonexistent"]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        input = stdin.fileHandleForWriting
        let (stream, continuation) = AsyncStream<Value>.makeStream()
        incoming = stream.makeAsyncIterator()
        try process.run()
        let output = stdout.fileHandleForReading
        // Blocking reads on a thread of their own, so no cooperative thread waits on the pipe.
        Thread {
            var buffer: [UInt8] = []
            while true {
                let chunk = output.availableData
                if chunk.isEmpty { break }
                buffer += chunk
                while let (body, rest) = Self.split(buffer) {
                    buffer = rest
                    if let message = try? Value(json: String(decoding: body, as: UTF8.self)) {
                        continuation.yield(message)
                    }
                }
            }
            continuation.finish()
        }.start()
    }

    /// One framed body and what follows it, once a whole message has arrived.
    static func split(_ bytes: [UInt8]) -> ([UInt8], [UInt8])? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headerEnd = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator })
        else {
            return nil
        }
        let header = String(decoding: bytes[..<headerEnd], as: UTF8.self)
        guard let line = header.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
            let length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
        else { return nil }
        let start = headerEnd + 4
        guard bytes.count >= start + length else { return nil }
        return (Array(bytes[start..<start + length]), Array(bytes[(start + length)...]))
    }

    private func send(_ message: Value) {
        let body = message.jsonBytes()
        input.write(Data("Content-Length: \(body.count)\r\n\r\n".utf8 + body))
    }

    func notify(_ method: String, _ params: Value) {
        send(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }

    /// Sends a request and waits for the response with its id.
    func request(_ method: String, _ params: Value) async throws -> Value {
        let id = nextID
        nextID += 1
        send(["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params])
        while let message = await incoming.next() {
            if message.field("id") == .int(id) { return message }
            pending.append(message)
        }
        throw ClientError(message: "The server closed its output before answering \(method)")
    }

    /// The next notification named `method`.
    func notification(_ method: String) async throws -> Value {
        if let index = pending.firstIndex(where: { $0.field("method") == .string(method) }) {
            return pending.remove(at: index)
        }
        while let message = await incoming.next() {
            if message.field("method") == .string(method) { return message }
            pending.append(message)
        }
        throw ClientError(message: "The server closed its output before sending \(method)")
    }

    func closeInput() {
        try? input.close()
    }

    /// The process's exit status, waited for on a thread of its own.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread {
                self.process.waitUntilExit()
                continuation.resume(returning: self.process.terminationStatus)
            }.start()
        }
    }

    struct ClientError: Error {
        var message: String
    }
}

extension Value {
    /// The value under `key` of a record.
    fileprivate func field(_ key: String) -> Value? {
        guard case .record(let record) = self else { return nil }
        return record[key]
    }
}
