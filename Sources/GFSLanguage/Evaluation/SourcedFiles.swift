// MARK: Public interface

/// The files a script sources with a fixed path (`source lib/common.gfs`, not
/// `source $file`), read and parsed before the script is checked.
///
/// Reading them first lets the checker treat a sourced file as if it were written where it
/// is sourced: a syntax error, an unknown command or an undefined variable in it stops the
/// script before anything runs (exit status 65). A file that cannot be read is left out and
/// reported when its `source` runs, as is any file sourced through a variable.
public struct SourcedFiles: Sendable {
    /// A sourced file as read.
    public enum File: Sendable {
        /// It parsed.
        case parsed(Script)
        /// Its syntax error.
        case invalid(Diagnostic)
    }

    /// Each file by its resolved path (`resolve(_:relativeTo:)`).
    public var files: [String: File] = [:]
    /// Every file read, in the order read, for showing the lines diagnostics point into.
    public var sources: [SourceFile] = []

    /// No files: every `source` is checked when it runs.
    public init() {}

    /// The most files one script may pull in before checking; the rest are checked when
    /// they run. Paths that spell one file differently (`./a.gfs`, `././a.gfs`) count
    /// apart, so this bounds a file that sources itself under ever new names.
    public static let maximumFileCount = 1000

    /// Reads and parses the files `script` sources with a fixed path, the files those
    /// source, and so on, at most `Interpreter.maximumSourceDepth` deep.
    public static func load(
        for script: Script,
        readSource: @Sendable (String) async throws -> String
    ) async -> SourcedFiles {
        var result = SourcedFiles()
        var seen: Set<String> = [script.source.name]
        var pending: [(script: Script, depth: Int)] = [(script, 1)]
        while let (current, depth) = pending.popLast() {
            guard depth < Interpreter.maximumSourceDepth else { continue }
            for path in fixedSourcePaths(in: current.statements) {
                let resolved = resolve(path, relativeTo: current.source.name)
                guard result.files.count < maximumFileCount, seen.insert(resolved).inserted,
                    let text = try? await readSource(resolved)
                else { continue }
                let file = SourceFile(name: resolved, text: text)
                result.sources.append(file)
                do {
                    let parsed = try Interpreter.parseScript(file)
                    result.files[resolved] = .parsed(parsed)
                    pending.append((parsed, depth + 1))
                } catch {
                    result.files[resolved] = .invalid(error)
                }
            }
        }
        return result
    }

    /// A path relative to the directory of the including file; sources without a file
    /// (`<stdin>`, `<command line>`, prompt lines) resolve against the working directory.
    public static func resolve(_ path: String, relativeTo sourceName: String) -> String {
        guard !path.hasPrefix("/"), !sourceName.hasPrefix("<"), let slash = sourceName.lastIndex(of: "/") else {
            return path
        }
        return String(sourceName[...slash]) + path
    }
}

// MARK: Implementation

extension SourcedFiles {
    /// The fixed paths of the `source` statements in `statements`, blocks included.
    static func fixedSourcePaths(in statements: [Statement]) -> [String] {
        var paths: [String] = []
        func visit(_ statements: [Statement]) {
            for statement in statements { visit(statement) }
        }
        func visit(_ statement: Statement) {
            switch statement.kind {
            case let .source(path):
                if let text = path.fixedText { paths.append(text) }
            case let .conditional(_, then, otherwise):
                visit(then.statements)
                switch otherwise {
                case let .block(block)?: visit(block.statements)
                case let .conditional(nested)?: visit(nested)
                case nil: break
                }
            case let .loop(_, _, body):
                visit(body.statements)
            case .expression, .binding, .assertion, .echo, .exit:
                break
            }
        }
        visit(statements)
        return paths
    }
}

extension Expression {
    /// The string this `source` path evaluates to when it holds no variable, command or
    /// interpolation: exactly what the interpreter would compute, so the checker and the
    /// run agree on the file. `nil` for anything else, including a word that reads as a
    /// number (the interpreter refuses it as a path).
    var fixedText: String? {
        switch kind {
        case let .word(word):
            if case let .string(text) = Value(word: word) { return text }
            return nil
        case let .literal(.string(text)):
            return text
        case .string, .concatenation:
            return fixedPieceText
        default:
            return nil
        }
    }

    /// The text a piece of a fixed path adds, as the interpreter's `description` gives it.
    private var fixedPieceText: String? {
        switch kind {
        case let .word(word):
            return Value(word: word).description
        case let .literal(value):
            return value.description
        case let .string(parts):
            var text = ""
            for part in parts {
                guard case let .text(piece) = part else { return nil }
                text += piece
            }
            return text
        case let .concatenation(pieces):
            var text = ""
            for piece in pieces {
                guard let pieceText = piece.fixedPieceText else { return nil }
                text += pieceText
            }
            return text
        default:
            return nil
        }
    }
}
