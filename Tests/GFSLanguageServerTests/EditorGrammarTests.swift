import Foundation
import GFSCommands
import GFSLanguage
import GFSLanguageServer
import Testing

/// The editor grammars under `editors/` against the lexer: every example script and script
/// fixture is highlighted, and each token's scope must be the one its token kind calls for.
@Suite struct EditorGrammarTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let table = GFSCommandCatalog.table

    /// `examples/*.gfs` and the language tests' script fixtures.
    static let scripts: [String] = {
        let manager = FileManager.default
        var paths: [String] = []
        for directory in ["examples", "Tests/GFSLanguageTests/Scripts"] {
            let root = packageRoot.appendingPathComponent(directory).path
            let names = (try? manager.subpathsOfDirectory(atPath: root)) ?? []
            paths += names.filter { $0.hasSuffix(".gfs") }.map { root + "/" + $0 }
        }
        return paths.sorted()
    }()

    @Test func theCommittedFilesAreTheGeneratedOnes() throws {
        for file in EditorGrammars.files(table: Self.table) {
            let path = Self.packageRoot.appendingPathComponent("editors/" + file.path).path
            let committed = try String(contentsOfFile: path, encoding: .utf8)
            #expect(committed == file.text, "editors/\(file.path) is stale: run scripts/generate-editors")
        }
    }

    @Test func thereAreScriptsToHighlight() {
        #expect(Self.scripts.count > 50, "\(Self.scripts)")
    }

    @Test func theTextMateGrammarGivesEveryTokenTheScopeOfItsKind() throws {
        let grammarText = try String(
            contentsOfFile: Self.packageRoot.appendingPathComponent("editors/gfs.tmLanguage.json").path,
            encoding: .utf8
        )
        let grammar = try TextMateEvaluator(json: grammarText)
        var checked = 0
        for path in Self.scripts {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            // Fixtures that test lexical errors have no token list to compare with.
            guard let expectations = Self.expectations(for: text) else { continue }
            let lines = try grammar.scopes(of: text)
            let columns = UTF16Columns(text)
            for expectation in expectations {
                let (line, column) = columns.position(ofOffset: expectation.offset)
                let scopes = line < lines.count && column < lines[line].count ? lines[line][column] : []
                let actual = Self.decisiveScope(scopes, insideInterpolation: expectation.insideInterpolation)
                #expect(
                    actual == expectation.scope,
                    "\(path):\(line + 1):\(column + 1) \(expectation.what): \(actual ?? "no scope") instead of \(expectation.scope ?? "no scope")"
                )
                checked += 1
            }
        }
        #expect(checked > 1000, "only \(checked) tokens checked")
    }

    /// Vim, which scripts/bootstrap installs; without it the Vim test is skipped, saying so.
    static let vim = ["/usr/bin/vim", "/usr/local/bin/vim"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The Vim syntax file, run in a headless Vim with `synID` at every token.
    @Test(.enabled(if: vim != nil, "vim is not installed (scripts/bootstrap installs it)"))
    func theVimSyntaxGivesEveryTokenTheGroupOfItsKind() throws {
        let vim = try #require(Self.vim)
        let directory = NSTemporaryDirectory() + "gfs-vim-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var checked = 0
        for (index, path) in Self.scripts.enumerated() {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard let expectations = Self.expectations(for: text) else { continue }
            let lineStarts =
                [0] + text.utf8.enumerated().filter { $0.element == UInt8(ascii: "\n") }.map { $0.offset + 1 }
            let positions = expectations.map { expectation -> String in
                let line = lineStarts.lastIndex { $0 <= expectation.offset } ?? 0
                return "\(line + 1) \(expectation.offset - lineStarts[line] + 1)"
            }
            // A copy named .gfs, so file type detection (ftdetect) is what picks the syntax.
            let copy = directory + "/script\(index).gfs"
            try text.write(toFile: copy, atomically: true, encoding: .utf8)
            try positions.joined(separator: "\n").write(
                toFile: directory + "/positions",
                atomically: true,
                encoding: .utf8
            )
            let output = directory + "/groups"
            let query = """
                set nocompatible
                let &runtimepath = '\(Self.packageRoot.appendingPathComponent("editors/vim").path),' . &runtimepath
                filetype on
                syntax on
                edit \(copy)
                let out = [&filetype]
                for l in readfile('\(directory)/positions')
                  let p = split(l)
                  call add(out, synIDattr(synID(str2nr(p[0]), str2nr(p[1]), 1), 'name'))
                endfor
                call writefile(out, '\(output)')
                qall!
                """
            try query.write(toFile: directory + "/query.vim", atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: vim)
            process.arguments = ["-N", "-u", "NONE", "-i", "NONE", "-n", "-es", "-S", directory + "/query.vim"]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            let groups = try String(contentsOfFile: output, encoding: .utf8).split(
                separator: "\n",
                omittingEmptySubsequences: false
            )
            .map(String.init)
            #expect(groups.first == "gfs", "\(path): file type \(groups.first ?? "none")")
            for (expectation, (position, group)) in zip(expectations, zip(positions, groups.dropFirst())) {
                let actual = Self.vimScopes[group] ?? nil
                #expect(
                    actual == expectation.scope.map(Self.vimCategory),
                    "\(path):\(position) \(expectation.what): \(group.isEmpty ? "no group" : group) for \(expectation.scope ?? "no scope")"
                )
                checked += 1
            }
        }
        #expect(checked > 1000, "only \(checked) tokens checked")
    }

    /// The Vim groups by the scope category each stands for; groups that stand for none
    /// (plain words, the inside of `${ }`) map to `nil`.
    static let vimScopes: [String: String?] = [
        "": nil, "gfsWord": nil, "gfsInterpolation": nil, "gfsInterpolationDelimiter": nil,
        "gfsNumber": "constant.numeric.gfs", "gfsKeyword": "keyword.control.gfs",
        "gfsOperatorWord": "keyword.operator.word.gfs", "gfsConstant": "constant.language.gfs",
        "gfsCommand": "support.function.command.gfs", "gfsDefinition": "variable.other.definition.gfs",
        "gfsOption": "variable.parameter.option.gfs", "gfsUnknownOption": "invalid.illegal.unknown-option.gfs",
        "gfsVariable": "variable.other.gfs",
        "gfsMember": "variable.other.member.gfs", "gfsOperator": "keyword.operator",
        "gfsString": "string.quoted.double.gfs", "gfsRawString": "string.quoted.single.gfs",
        "gfsComment": "comment.line.number-sign.gfs",
    ]

    /// Vim has one operator group for comparison and arithmetic.
    static func vimCategory(_ scope: String) -> String {
        scope.hasPrefix("keyword.operator.") && scope != "keyword.operator.word.gfs" ? "keyword.operator" : scope
    }

    /// The scopes a highlighter colours by; `meta.*` and `punctuation.*` only mark regions.
    static func decisiveScope(_ scopes: [String], insideInterpolation: Bool) -> String? {
        var scopes = scopes[...]
        if insideInterpolation, let start = scopes.lastIndex(of: "meta.interpolation.gfs") {
            scopes = scopes[(start + 1)...]
        }
        return scopes.last { !$0.hasPrefix("meta.") && !$0.hasPrefix("punctuation.") }
    }

    struct Expectation {
        var offset: Int
        var scope: String?
        var what: String
        var insideInterpolation = false
    }

    /// What each token of `text` should look like, from the lexer's token kinds; plus every
    /// comment's `#` (the lexer drops comments, so they are the `#` between tokens).
    static func expectations(for text: String) -> [Expectation]? {
        guard let tokens = try? tokenize(SourceFile(name: "script.gfs", text: text)) else { return nil }
        var expectations: [Expectation] = []
        let bytes = Array(text.utf8)
        var previousEnd = 0
        for (index, token) in tokens.enumerated() {
            // Any `#` between two tokens starts a comment.
            if let hash = bytes[previousEnd..<token.range.start.offset].firstIndex(of: UInt8(ascii: "#")) {
                expectations.append(Expectation(offset: hash, scope: "comment.line.number-sign.gfs", what: "comment"))
            }
            previousEnd = token.range.end.offset
            expectations += self.expectations(for: token, at: index, in: tokens, insideInterpolation: false)
        }
        return expectations
    }

    static func expectations(for token: Token, at index: Int, in tokens: [Token], insideInterpolation: Bool)
        -> [Expectation]
    {
        let offset = token.range.start.offset
        func expect(_ scope: String?) -> [Expectation] {
            [
                Expectation(
                    offset: offset,
                    scope: scope,
                    what: token.displayName,
                    insideInterpolation: insideInterpolation
                )
            ]
        }
        switch token.kind {
        case .keyword(let keyword):
            if EditorGrammars.operatorKeywords.contains(keyword) { return expect("keyword.operator.word.gfs") }
            if EditorGrammars.constants.contains(keyword) { return expect("constant.language.gfs") }
            return expect("keyword.control.gfs")
        case .variable: return expect("variable.other.gfs")
        case .option(let text):
            // Known to some command of the catalog, or to none.
            let isKnown = EditorGrammars.optionNames(table).contains(String(text.drop { $0 == "-" }))
            return expect(isKnown ? "variable.parameter.option.gfs" : "invalid.illegal.unknown-option.gfs")
        case .rawString: return expect("string.quoted.single.gfs")
        case .string(let segments):
            var found = expect("string.quoted.double.gfs")
            for segment in segments {
                switch segment {
                case .text: break
                case .variable(let name, let range):
                    found.append(
                        Expectation(
                            offset: range.start.offset,
                            scope: "variable.other.gfs",
                            what: "$\(name) in a string"
                        )
                    )
                case .interpolation(let inner, _):
                    for (innerIndex, innerToken) in inner.enumerated() {
                        found += expectations(for: innerToken, at: innerIndex, in: inner, insideInterpolation: true)
                    }
                }
            }
            return found
        case .operator(let op):
            return expect(
                op == .plus || op == .minus ? "keyword.operator.arithmetic.gfs" : "keyword.operator.comparison.gfs"
            )
        case .name:
            if index > 0, tokens[index - 1].kind == .punctuation(.dot) { return expect("variable.other.member.gfs") }
            return expect("variable.other.definition.gfs")
        case .word(let text):
            // Inside `${ }` stands an expression, never a command.
            if !insideInterpolation, isCommandWord(at: index, in: tokens) {
                return expect("support.function.command.gfs")
            }
            if isNumber(text) { return expect("constant.numeric.gfs") }
            return expect(nil)
        case .punctuation, .newline, .end:
            return []
        }
    }

    /// NUMBER of `grammar/gfs.ebnf`.
    static func isNumber(_ text: String) -> Bool {
        text.range(of: #"^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil
    }

    /// Whether the word at `index` is one of a command's path words: the words from where a
    /// statement starts that the catalog matches (longest first), not a record key (one word
    /// before `:`).
    static func isCommandWord(at index: Int, in tokens: [Token]) -> Bool {
        var first = index
        while first > 0, case .word = tokens[first - 1].kind { first -= 1 }
        guard startsStatement(tokens, at: first) else { return false }
        var words: [String] = []
        var last = first
        while last < tokens.count, case .word(let text) = tokens[last].kind {
            words.append(text)
            last += 1
        }
        if words.count == 1, last < tokens.count, tokens[last].kind == .punctuation(.colon) { return false }
        guard let match = table.longestMatch(words) else { return false }
        return index - first < match.wordCount
    }

    /// A statement starts first in the script, after a line break, `;`, `{` or `(`, after
    /// `try`, and after `let NAME =`.
    static func startsStatement(_ tokens: [Token], at index: Int) -> Bool {
        guard index > 0 else { return true }
        switch tokens[index - 1].kind {
        case .newline, .punctuation(.semicolon), .punctuation(.leftBrace), .punctuation(.leftParenthesis),
            .keyword(.try):
            return true
        case .punctuation(.equals):
            guard index >= 3, case .name = tokens[index - 2].kind else { return false }
            return tokens[index - 3].kind == .keyword(.let)
        default:
            return false
        }
    }
}

/// Byte offsets to (0-based line, UTF-16 column), as the evaluator indexes its scopes.
struct UTF16Columns {
    var positions: [Int: (Int, Int)] = [:]

    init(_ text: String) {
        var offset = 0
        var line = 0
        var column = 0
        for scalar in text.unicodeScalars {
            positions[offset] = (line, column)
            offset += scalar.utf8.count
            if scalar == "\n" {
                line += 1
                column = 0
            } else {
                column += scalar.utf16.count
            }
        }
        positions[offset] = (line, column)
    }

    func position(ofOffset offset: Int) -> (Int, Int) { positions[offset] ?? (0, 0) }
}
