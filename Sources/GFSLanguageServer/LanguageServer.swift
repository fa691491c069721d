public import Foundation
public import GFSLanguage
public import GFSShell

// MARK: Public interface

/// A Language Server Protocol server for gfs scripts: diagnostics, completion and hover,
/// computed from the command table and the language, with no Grafana server contacted.
///
/// Transport-free: `handle(_:)` takes one decoded JSON-RPC message and returns the messages
/// to send back (a response, notifications), so tests drive it without a process.
/// `LanguageServer.serve(input:output:)` runs it over byte streams (stdio for `gfs lsp`).
public actor LanguageServer {
    /// Checks one document the way `gfs check` does: its diagnostics, errors or warnings.
    public typealias Check = @Sendable (SourceFile) async -> [Diagnostic]

    /// The commands offered by completion and described by hover.
    public let table: CommandTable
    private let check: Check
    private let completer: Completer
    private var documents: [String: Document] = [:]
    private var isInitialized = false
    private var isShuttingDown = false
    /// Set by the `exit` notification: 0 after `shutdown`, 1 without it, as the protocol says.
    public private(set) var exitStatus: Int32?

    /// A server for `table` that checks documents with `check`.
    public init(table: CommandTable, check: @escaping Check) {
        self.table = table
        self.check = check
        // The statement keywords of the language; `quit` only means something at the prompt.
        self.completer = Completer(
            commandTable: table,
            keywords: Completer.defaultKeywords.filter { $0 != "quit" },
            environment: [:]
        )
    }

    /// The messages to send in answer to `message`, in order.
    public func handle(_ message: Value) async -> [Value] {
        guard case .record(let record) = message else {
            return [
                Self.errorResponse(id: .null, code: ErrorCodes.invalidRequest, message: "A message must be an object")
            ]
        }
        let id = record["id"]
        let params = record["params"] ?? .null
        guard case .string(let method)? = record["method"] else {
            // A response to a request of ours: this server sends none, so there is nothing to match.
            if id != nil { return [] }
            return [Self.errorResponse(id: .null, code: ErrorCodes.invalidRequest, message: "A message needs a method")]
        }
        if let id {
            return [await respond(to: method, id: id, params: params)]
        }
        return await notify(method, params: params)
    }

    // MARK: Requests

    private func respond(to method: String, id: Value, params: Value) async -> Value {
        if method == "initialize" {
            isInitialized = true
            return Self.response(id: id, result: Self.initializeResult)
        }
        guard isInitialized else {
            return Self.errorResponse(
                id: id,
                code: ErrorCodes.serverNotInitialized,
                message: "The server is not initialized"
            )
        }
        guard !isShuttingDown else {
            return Self.errorResponse(id: id, code: ErrorCodes.invalidRequest, message: "The server is shutting down")
        }
        switch method {
        case "shutdown":
            isShuttingDown = true
            return Self.response(id: id, result: .null)
        case "textDocument/completion":
            return Self.response(id: id, result: await completion(params))
        case "textDocument/hover":
            return Self.response(id: id, result: hover(params))
        default:
            return Self.errorResponse(id: id, code: ErrorCodes.methodNotFound, message: "Unknown method '\(method)'")
        }
    }

    /// What the server offers, sent in answer to `initialize`.
    static let initializeResult: Value = [
        "capabilities": [
            "positionEncoding": "utf-16",
            // 1: the whole document arrives with every change.
            "textDocumentSync": ["openClose": true, "change": 1, "save": ["includeText": true]],
            "completionProvider": ["triggerCharacters": ["$", "-"]],
            "hoverProvider": true,
        ],
        "serverInfo": ["name": "gfs"],
    ]

    // MARK: Notifications

    private func notify(_ method: String, params: Value) async -> [Value] {
        // Before `initialize` the protocol drops every notification but `exit`.
        guard isInitialized || method == "exit" else { return [] }
        switch method {
        case "exit":
            exitStatus = isShuttingDown ? 0 : 1
            return []
        case "initialized":
            return []
        case "textDocument/didOpen":
            guard let document = params.field("textDocument"), let uri = document.field("uri")?.text,
                let text = document.field("text")?.text
            else { return [] }
            documents[uri] = Document(uri: uri, text: text)
            return [await diagnostics(for: uri)]
        case "textDocument/didChange":
            guard let uri = params.field("textDocument")?.field("uri")?.text, documents[uri] != nil,
                case .list(let changes)? = params.field("contentChanges"),
                let text = changes.last?.field("text")?.text
            else { return [] }
            documents[uri] = Document(uri: uri, text: text)
            return [await diagnostics(for: uri)]
        case "textDocument/didSave":
            // Saved files may be sourced by this one: check again, with the saved text if sent.
            guard let uri = params.field("textDocument")?.field("uri")?.text, documents[uri] != nil else { return [] }
            if let text = params.field("text")?.text { documents[uri] = Document(uri: uri, text: text) }
            return [await diagnostics(for: uri)]
        case "textDocument/didClose":
            guard let uri = params.field("textDocument")?.field("uri")?.text else { return [] }
            documents[uri] = nil
            return [Self.publish(uri: uri, diagnostics: [])]
        default:
            // Other notifications (`$/cancelRequest`, `workspace/...`) need no answer.
            return []
        }
    }

    private func diagnostics(for uri: String) async -> Value {
        guard let document = documents[uri] else { return Self.publish(uri: uri, diagnostics: []) }
        let found = await check(SourceFile(name: document.path, text: document.text))
        let items = found.map { diagnostic -> Value in
            // A mistake in a sourced file is shown at the start of this one, naming the file.
            let inThisFile = diagnostic.sourceName == document.path
            let range = inThisFile ? document.range(diagnostic.range) : document.range(offsets: 0, 0)
            var message = diagnostic.message
            if !inThisFile {
                message =
                    "\(diagnostic.sourceName):\(diagnostic.range.start.line):\(diagnostic.range.start.column): "
                    + message
            }
            if let hint = diagnostic.hint { message += "\n" + hint }
            return [
                "range": range,
                "severity": diagnostic.severity == .error ? 1 : 2,
                "code": .string(diagnostic.code.name),
                "source": "gfs",
                "message": .string(message),
            ]
        }
        return Self.publish(uri: uri, diagnostics: items)
    }

    static func publish(uri: String, diagnostics: [Value]) -> Value {
        [
            "jsonrpc": "2.0",
            "method": "textDocument/publishDiagnostics",
            "params": ["uri": .string(uri), "diagnostics": .list(diagnostics)],
        ]
    }

    // MARK: Completion and hover

    private func completion(_ params: Value) async -> Value {
        guard let (document, line, offset) = location(params) else { return .list([]) }
        let lineText = document.positions.lineText(line: line, upTo: offset)
        // Found once per version of the document: typing in a long script asks again and again.
        let bound = document.variables ?? document.boundVariables(in: table)
        documents[document.uri]?.variables = bound
        completer.updateVariables(Dictionary(uniqueKeysWithValues: bound.map { ($0, Value.null) }))
        let found = await completer.complete(line: lineText, cursor: lineText.utf8.count)
        let lineStart = document.positions.lineStarts[line]
        let start = document.range(offsets: lineStart + found.wordStart, offset)
        let items = zip(found.candidates, found.displayNames).map { candidate, display -> Value in
            [
                "label": .string(display),
                "kind": .int(Self.completionKind(candidate)),
                "filterText": .string(candidate),
                "textEdit": ["range": start, "newText": .string(candidate)],
            ]
        }
        return ["isIncomplete": false, "items": .list(items)]
    }

    /// LSP's `CompletionItemKind` for a candidate: Variable 6, Property 10 (options),
    /// Keyword 14, and Function 3 for the rest (commands, subcommands, values).
    private static func completionKind(_ candidate: String) -> Int {
        if candidate.hasPrefix("$") { return 6 }
        if candidate.hasPrefix("-") { return 10 }
        if Keyword(rawValue: candidate) != nil { return 14 }
        return 3
    }

    private func hover(_ params: Value) -> Value {
        guard let (document, _, offset) = location(params), let tokens = try? tokenize(document.source) else {
            return .null
        }
        guard let index = tokens.firstIndex(where: { $0.range.start.offset <= offset && offset < $0.range.end.offset }),
            case .word = tokens[index].kind
        else { return .null }
        // The words of the command the hovered word belongs to, from the statement's start.
        var first = index
        while first > 0, case .word = tokens[first - 1].kind { first -= 1 }
        var last = index
        while last + 1 < tokens.count, case .word = tokens[last + 1].kind { last += 1 }
        guard Self.startsStatement(tokens, at: first) else { return .null }
        let words = tokens[first...last].compactMap { token -> String? in
            if case .word(let text) = token.kind { return text }
            return nil
        }
        let position = index - first
        let topic: [String]
        if let match = table.longestMatch(words), position < match.wordCount {
            topic = match.spec.path
        } else if !table.nextWords(after: Array(words[...position])).isEmpty {
            topic = Array(words[...position])
        } else {
            return .null
        }
        let help = HelpFormatter(table: table).help(for: topic)
        let range = document.range(
            offsets: tokens[first].range.start.offset,
            tokens[first + min(topic.count, words.count) - 1].range.end.offset
        )
        return ["contents": ["kind": "markdown", "value": .string("```text\n" + help + "```")], "range": range]
    }

    /// Whether the token at `index` starts a command: first in the script, after a line break,
    /// `;`, `{` or `(`, after `try`, or after `let NAME =`.
    static func startsStatement(_ tokens: [Token], at index: Int) -> Bool {
        guard index > 0 else { return true }
        switch tokens[index - 1].kind {
        case .newline, .punctuation(.semicolon), .punctuation(.leftBrace), .punctuation(.leftParenthesis),
            .keyword(.try):
            return true
        case .punctuation(.equals):
            guard index >= 3, case .name = tokens[index - 2].kind, case .keyword(.let) = tokens[index - 3].kind else {
                return false
            }
            return true
        default:
            return false
        }
    }

    /// The document, LSP line and byte offset a position request points at.
    private func location(_ params: Value) -> (Document, Int, Int)? {
        guard let uri = params.field("textDocument")?.field("uri")?.text, let document = documents[uri],
            case .int(let line)? = params.field("position")?.field("line"),
            case .int(let character)? = params.field("position")?.field("character"),
            line >= 0, line < document.positions.lineStarts.count
        else { return nil }
        return (document, line, document.positions.offset(line: line, character: character))
    }

    // MARK: JSON-RPC

    /// JSON-RPC's and LSP's error codes.
    enum ErrorCodes {
        static let parseError = -32700
        static let invalidRequest = -32600
        static let methodNotFound = -32601
        static let serverNotInitialized = -32002
    }

    static func response(id: Value, result: Value) -> Value {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    static func errorResponse(id: Value, code: Int, message: String) -> Value {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .int(code), "message": .string(message)]]
    }
}

extension LanguageServer {
    /// Serves messages read from `input` until `exit` or the end of input, writing answers to
    /// `output`; returns the exit status (0 after `shutdown` then `exit`, 1 otherwise).
    public func serve(input: FileHandle, output: FileHandle) async -> Int32 {
        var buffer = MessageBuffer()
        while exitStatus == nil {
            let chunk = input.availableData
            if chunk.isEmpty { return 1 }
            buffer.append(chunk)
            do {
                while exitStatus == nil, let body = try buffer.nextBody() {
                    let answers: [Value]
                    do {
                        answers = await handle(try Value(json: String(decoding: body, as: UTF8.self)))
                    } catch {
                        answers = [
                            Self.errorResponse(id: .null, code: ErrorCodes.parseError, message: "Parse error: \(error)")
                        ]
                    }
                    for answer in answers { output.write(Data(MessageFraming.frame(answer))) }
                }
            } catch {
                // A broken header leaves no way to find the next message.
                FileHandle.standardError.write(Data("gfs lsp: \(error.message)\n".utf8))
                return 1
            }
        }
        return exitStatus ?? 1
    }
}

// MARK: Implementation

/// An open document: its text, where its lines start, and its path on disk.
struct Document: Sendable {
    var uri: String
    var text: String
    var positions: TextPositions
    /// What `boundVariables(in:)` found in this text, once asked.
    var variables: Set<String>?

    init(uri: String, text: String) {
        self.uri = uri
        self.text = text
        self.positions = TextPositions(text)
    }

    /// The file's path for a `file:` URI (so `source` resolves next to it), else the URI.
    var path: String {
        guard let url = URL(string: uri), url.isFileURL else { return uri }
        return url.path
    }

    var source: SourceFile { SourceFile(name: path, text: text) }

    /// An LSP range for a source range, converted from its byte offsets.
    func range(_ range: SourceRange) -> Value {
        self.range(offsets: range.start.offset, range.end.offset)
    }

    func range(offsets start: Int, _ end: Int) -> Value {
        let from = positions.position(ofOffset: start)
        let to = positions.position(ofOffset: end)
        return [
            "start": ["line": .int(from.line), "character": .int(from.character)],
            "end": ["line": .int(to.line), "character": .int(to.character)],
        ]
    }

    /// The variables a script binds, for completion after `$`: `let` and `for` names, what
    /// its commands bind, and those every script has. A document that does not tokenize
    /// offers only the latter.
    func boundVariables(in table: CommandTable) -> Set<String> {
        var names: Set<String> = ["_", "error", "args"]
        guard let tokens = try? tokenize(source) else { return names }
        var words: [String] = []
        for (index, token) in tokens.enumerated() {
            if case .name(let name) = token.kind, index > 0,
                tokens[index - 1].kind == .keyword(.let) || tokens[index - 1].kind == .keyword(.for)
            {
                names.insert(name)
            }
            if case .word(let word) = token.kind {
                words.append(word)
                if let match = table.longestMatch(words), match.wordCount == words.count, let binds = match.spec.binds {
                    names.insert(binds)
                }
            } else {
                words = []
            }
        }
        return names
    }
}

extension Value {
    /// The value under `key` of a record.
    func field(_ key: String) -> Value? {
        guard case .record(let record) = self else { return nil }
        return record[key]
    }

    /// The text of a string.
    var text: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }
}
