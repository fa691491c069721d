import Foundation
import GFSCommands
import GFSLanguage
import GFSLanguageServer
import Testing

/// The language server in process, message by message: framing, positions in UTF-16,
/// warnings, sourced files, option completion and hover.
@Suite struct LanguageServerTests {
    /// A server over the command catalog, checking as `gfs check` does (check, then lint).
    static func server() async -> LanguageServer {
        let server = LanguageServer(table: GFSCommandCatalog.table) { source in
            do {
                let checked = try await Interpreter.check(
                    source,
                    table: GFSCommandCatalog.table,
                    knownVariables: ["args"],
                    readSource: { path in try String(contentsOfFile: path, encoding: .utf8) }
                )
                return Linter(fileExists: { FileManager.default.fileExists(atPath: $0) }).warnings(for: checked)
            } catch let failure as CheckFailure {
                return failure.diagnostics
            } catch {
                Issue.record("Unexpected \(error)")
                return []
            }
        }
        _ = await server.handle(["jsonrpc": "2.0", "id": 0, "method": "initialize", "params": ["capabilities": [:]]])
        return server
    }

    static func open(_ server: LanguageServer, _ text: String, uri: String = "file:///tmp/doc.gfs") async -> [Value] {
        await server.handle([
            "jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": [
                "textDocument": ["uri": .string(uri), "languageId": "gfs", "version": 1, "text": .string(text)]
            ],
        ])
    }

    static func diagnostics(_ messages: [Value]) -> [Value] {
        guard case .list(let list)? = messages.first?.field("params")?.field("diagnostics") else { return [] }
        return list
    }

    static func range(_ line: Int, _ start: Int, _ end: Int) -> Value {
        [
            "start": ["line": .int(line), "character": .int(start)],
            "end": ["line": .int(line), "character": .int(end)],
        ]
    }

    @Test func framesSplitAnywhereAndBackToBackAreRead() throws {
        let one = MessageFraming.frame(["jsonrpc": "2.0", "method": "a"])
        let two = MessageFraming.frame(["jsonrpc": "2.0", "method": "b", "params": ["text": "é😀"]])
        var buffer = MessageBuffer()
        var bodies: [Value] = []
        for byte in one + two {
            buffer.append([byte])
            while let body = try buffer.nextBody() {
                bodies.append(try Value(json: String(decoding: body, as: UTF8.self)))
            }
        }
        #expect(bodies.map { $0.field("method") } == ["a", "b"])
        #expect(bodies.last?.field("params")?.field("text") == "é😀")

        var broken = MessageBuffer()
        broken.append(Array("Content-Type: x\r\n\r\n{}".utf8))
        #expect(throws: MessageFraming.FramingError.self) { try broken.nextBody() }
    }

    @Test func rangesCountUTF16AfterCRLFAndAstralCharacters() async {
        let server = await Self.server()
        // `𝄞` is one scalar, four UTF-8 bytes and two UTF-16 units; the line ends in CRLF.
        let published = await Self.open(server, "echo \"𝄞é\"\r\necho \"𝄞\"; dashbord list\r\n")
        let diagnostics = Self.diagnostics(published)
        #expect(diagnostics.count == 1, "\(published)")
        #expect(diagnostics.first?.field("range") == Self.range(1, 11, 19))
    }

    @Test func warningsArePublishedWithTheirCodeOnceTheScriptChecks() async {
        let server = await Self.server()
        let diagnostics = Self.diagnostics(await Self.open(server, "let unused = 1\n"))
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.field("severity") == .int(2))
        #expect(diagnostics.first?.field("code") == "warning.unused-variable")
        #expect(diagnostics.first?.field("range") == Self.range(0, 4, 10))
    }

    @Test func aMistakeInASourcedFileIsShownAtTheStartNamingTheFile() async throws {
        let directory = NSTemporaryDirectory() + "gfs-lsp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "org list\ndashbord list\n".write(toFile: directory + "/lib.gfs", atomically: true, encoding: .utf8)
        let server = await Self.server()
        let diagnostics = Self.diagnostics(
            await Self.open(
                server,
                "source lib.gfs\n",
                uri: URL(fileURLWithPath: directory + "/main.gfs").absoluteString
            )
        )
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.field("range") == Self.range(0, 0, 0))
        #expect(
            diagnostics.first?.field("message")?.text?.hasPrefix(directory + "/lib.gfs:2:1: Unknown command 'dashbord'")
                == true
        )
    }

    @Test func optionsAndSubcommandsComplete() async {
        let server = await Self.server()
        _ = await Self.open(server, "dashboard push a.json --fo\nalert ru\n")
        let labels = { (line: Int, character: Int) async -> [String] in
            let answer = await server.handle([
                "jsonrpc": "2.0", "id": 1, "method": "textDocument/completion",
                "params": [
                    "textDocument": ["uri": "file:///tmp/doc.gfs"],
                    "position": ["line": .int(line), "character": .int(character)],
                ],
            ])
            guard case .list(let items)? = answer.first?.field("result")?.field("items") else { return [] }
            return items.compactMap { $0.field("label")?.text }
        }
        #expect(await labels(0, 26) == ["--folder"])
        #expect(await labels(1, 8) == ["rule"])
    }

    @Test func hoverDescribesCommandWordsOnly() async throws {
        let server = await Self.server()
        _ = await Self.open(server, "let x = org list\necho org\n")
        let hover = { (line: Int, character: Int) async -> Value? in
            let answer = await server.handle([
                "jsonrpc": "2.0", "id": 1, "method": "textDocument/hover",
                "params": [
                    "textDocument": ["uri": "file:///tmp/doc.gfs"],
                    "position": ["line": .int(line), "character": .int(character)],
                ],
            ])
            return answer.first?.field("result")
        }
        let onList = try #require(await hover(0, 13))
        #expect(
            onList.field("contents")?.field("value")?.text?.contains(
                HelpFormatter(table: GFSCommandCatalog.table).help(for: ["org", "list"])
            ) == true
        )
        #expect(onList.field("range") == Self.range(0, 8, 16))
        // `org` as echo's argument is a plain word.
        #expect(await hover(1, 6) == .null)
        #expect(await hover(0, 1) == .null)
    }

    @Test func closingADocumentClearsItsDiagnostics() async {
        let server = await Self.server()
        _ = await Self.open(server, "dashbord list\n")
        let closed = await server.handle([
            "jsonrpc": "2.0", "method": "textDocument/didClose",
            "params": ["textDocument": ["uri": "file:///tmp/doc.gfs"]],
        ])
        #expect(closed.first?.field("method") == "textDocument/publishDiagnostics")
        #expect(closed.first?.field("params")?.field("diagnostics") == .list([]))
    }
}
