import Dispatch
import Foundation
public import GFSLanguage

/// Names on the server that completion can offer: org names, dashboard UIDs, folder and data
/// source names. The `gfs` executable implements it with the Grafana client.
public protocol LiveNameProvider: Sendable {
    /// The names of one kind, such as `.orgName`. May be slow or fail: the completer waits
    /// only briefly, caches what arrives and never shows an error.
    func names(for kind: CompletionKind) async throws -> [String]
}

/// What Tab offers for the word under the cursor.
public struct Completion: Equatable, Sendable {
    /// Where the word being completed starts: a byte offset into the line's UTF-8.
    public var wordStart: Int
    /// The word as typed so far, from `wordStart` to the cursor.
    public var partial: String
    /// Each candidate as the full text that would replace `partial`.
    public var candidates: [String]
    /// The candidates as listed to the user (a file's name without its directory, a field
    /// without its `$variable.`).
    public var displayNames: [String]
    /// The text to put in place of `partial` now: the one candidate followed by a space, or
    /// the candidates' common prefix when it is longer than `partial`; `nil` when Tab can only
    /// list the candidates.
    public var replacement: String?

    /// No candidates for the word at `offset`.
    public static func none(at offset: Int, partial: String = "") -> Completion {
        Completion(wordStart: offset, partial: partial, candidates: [], displayNames: [], replacement: nil)
    }
}

/// Completes the word under the cursor from the command table, the session's variables,
/// the file system and the server.
///
/// Positions are byte offsets into the line's UTF-8, as libedit's `el_line` gives them.
public final class Completer: @unchecked Sendable {
    public let commandTable: CommandTable
    /// Words that start a statement (`let`, `for`, ...), offered with the command names.
    public let keywords: [String]
    /// The directory relative paths are completed against; `nil` is the process's.
    public let currentDirectory: String?
    /// How long completion waits for live names before offering none.
    public let liveTimeout: Duration

    private let liveNames: LiveNameCache?
    private let environmentNames: [String]
    private let lock = NSLock()
    private var variables: [String: Value] = [:]

    /// The words that start a statement in the gfs language (grammar/gfs.ebnf), and the
    /// shell's own `help` and `quit`.
    public static let defaultKeywords = [
        "let", "if", "for", "assert", "echo", "print", "source", "exit", "try", "help", "quit",
    ]

    /// Roles an org member can have (Grafana's `org.RoleType`, pkg/models/roletype).
    public static let roles = ["Viewer", "Editor", "Admin"]

    /// - Parameters:
    ///   - cacheLifetime: how long live names are kept before the server is asked again.
    ///   - liveTimeout: how long a Tab waits for live names.
    ///   - clock: the clock both are measured on; tests pass one they advance themselves.
    public init(
        commandTable: CommandTable,
        liveNameProvider: (any LiveNameProvider)? = nil,
        keywords: [String] = Completer.defaultKeywords,
        currentDirectory: String? = nil,
        environment: [String: String]? = nil,
        cacheLifetime: Duration = .seconds(10),
        liveTimeout: Duration = .milliseconds(300),
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.commandTable = commandTable
        self.keywords = keywords
        self.currentDirectory = currentDirectory
        self.liveTimeout = liveTimeout
        self.liveNames = liveNameProvider.map { LiveNameCache(provider: $0, lifetime: cacheLifetime, clock: clock) }
        self.environmentNames = (environment ?? ProcessInfo.processInfo.environment).keys.sorted()
    }

    /// Replaces the snapshot of session variables offered after `$`.
    public func updateVariables(_ variables: [String: Value]) {
        lock.withLock { self.variables = variables }
    }

    /// The completion for the word that ends at byte `cursor` of `line`.
    public func complete(line: String, cursor: Int) async -> Completion {
        let bytes = Array(line.utf8)
        let cursor = min(max(cursor, 0), bytes.count)
        let before = String(decoding: bytes[..<cursor], as: UTF8.self)
        let words = ShellWords(before)

        var partial = ""
        var wordStart = cursor
        if let last = words.words.last, !last.isSeparator, last.range.upperBound == cursor {
            partial = last.text
            wordStart = last.range.lowerBound
        }
        // Inside quotes the word's extent is unclear; offer nothing rather than damage it.
        if partial.contains("\"") || partial.contains("'") { return .none(at: wordStart, partial: partial) }

        let context = words.commandWords(before: wordStart).map(\.value)
        let found = await candidates(for: partial, after: context)
        return Self.completion(wordStart: wordStart, partial: partial, found: found)
    }

    /// `complete(line:cursor:)` for libedit's callback, which cannot await: blocks the calling
    /// thread (never a cooperative one) for at most a moment past `liveTimeout`.
    func completeWaiting(line: String, cursor: Int) -> Completion {
        let box = CompletionBox()
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            box.value = await self.complete(line: line, cursor: cursor)
            semaphore.signal()
        }
        let (seconds, attoseconds) = liveTimeout.components
        let limit = Double(seconds) + Double(attoseconds) / 1e18 + 0.5
        if semaphore.wait(timeout: .now() + limit) == .timedOut { return .none(at: cursor) }
        return box.value ?? .none(at: cursor)
    }

    // MARK: Positions

    /// A candidate: the replacement text, how it is listed, and whether a space follows it
    /// when it is the only one.
    struct Found {
        var text: String
        var display: String
        var isFinal: Bool = true
    }

    private func candidates(for partial: String, after context: [String]) async -> [Found] {
        if partial.hasPrefix("$") { return variableCandidates(for: partial) }

        var context = context[...]
        // `let NAME = COMMAND ...`: the command starts after `=`.
        if context.first == "let" {
            guard context.count >= 3, context[context.startIndex + 2] == "=" else { return [] }
            context = context.dropFirst(3)
        }
        if context.isEmpty {
            return words(keywords + commandTable.nextWords(after: []), matching: partial)
        }
        switch context.first {
        case "help":
            return words(commandTable.nextWords(after: Array(context.dropFirst())), matching: partial)
        case "source":
            return context.count == 1 ? pathCandidates(for: partial) : []
        case "echo", "print", "if", "for", "assert", "exit", "quit":
            return []
        case "try":
            return await candidates(for: partial, after: Array(context.dropFirst()))
        default:
            break
        }
        return await commandCandidates(for: partial, after: Array(context))
    }

    /// Candidates inside a command: subcommands, options, option values and arguments.
    private func commandCandidates(for partial: String, after context: [String]) async -> [Found] {
        let subcommands = commandTable.nextWords(after: context)
        let match = commandTable.longestMatch(context)
        guard let match, match.wordCount == context.count || subcommands.isEmpty else {
            return words(subcommands, matching: partial)
        }
        if !subcommands.isEmpty, match.wordCount == context.count, !partial.hasPrefix("-") {
            // `org` may be a command and a group at once: offer its subcommands first.
            let offered = words(subcommands, matching: partial)
            if !offered.isEmpty { return offered }
        }
        let spec = match.spec
        let rest = Array(context.dropFirst(match.wordCount))

        if partial.hasPrefix("-") {
            if let equals = partial.firstIndex(of: "=") {
                let name = String(partial[..<equals].drop { $0 == "-" })
                guard let option = spec.option(named: name) else { return [] }
                let prefix = String(partial[...equals])
                let value = String(partial[partial.index(after: equals)...])
                return await valueCandidates(for: value, kind: option.completion).map {
                    Found(text: prefix + $0.text, display: $0.display, isFinal: $0.isFinal)
                }
            }
            return optionCandidates(for: partial, of: spec, used: rest)
        }

        // Walk the words typed after the command: options, their values, positionals.
        var positionals: [String] = []
        var index = 0
        var awaitingValue: OptionSpec?
        while index < rest.count {
            let word = rest[index]
            if awaitingValue != nil {
                awaitingValue = nil
            } else if word.hasPrefix("-"), word.count > 1 {
                let name = String(word.drop { $0 == "-" }.prefix { $0 != "=" })
                if let option = spec.option(named: name), !option.isFlag, !word.contains("=") {
                    awaitingValue = option
                }
            } else {
                positionals.append(word)
            }
            index += 1
        }
        if let option = awaitingValue {
            return await valueCandidates(for: partial, kind: option.completion)
        }
        guard let argument = Self.argument(at: positionals.count, of: spec) else { return [] }
        if argument.completion == .apiPath {
            // `api METHOD PATH`: the word before the path is the method to keep to.
            return await apiPathCandidates(for: partial, method: positionals.last)
        }
        return await valueCandidates(for: partial, kind: argument.completion)
    }

    private static func argument(at position: Int, of spec: CommandSpec) -> ArgumentSpec? {
        guard let last = spec.arguments.last else { return nil }
        if position < spec.arguments.count { return spec.arguments[position] }
        return last.isVariadic ? last : nil
    }

    private func optionCandidates(for partial: String, of spec: CommandSpec, used: [String]) -> [Found] {
        let usedNames = Set(
            used.filter { $0.hasPrefix("-") }.map { String($0.drop { $0 == "-" }.prefix { $0 != "=" }) }
        )
        let names = spec.options.filter { $0.isRepeatable || !usedNames.contains($0.name) }.map { "--" + $0.name }
        return words(names, matching: partial)
    }

    // MARK: Values

    private func valueCandidates(for partial: String, kind: CompletionKind) async -> [Found] {
        switch kind {
        case .none, .url:
            return []
        case .path:
            return pathCandidates(for: partial)
        case .role:
            // The mission types `admin`; the host takes roles in any case.
            return words(Self.roles, matching: partial, ignoringCase: true)
        case .environmentVariable:
            return words(environmentNames, matching: partial)
        case .httpMethod:
            return words(Self.httpMethods, matching: partial, ignoringCase: true)
        case .apiPath:
            return await apiPathCandidates(for: partial, method: nil)
        default:
            guard let liveNames else { return [] }
            let names = await liveNames.names(for: kind, timeout: liveTimeout) ?? []
            return words(names.map(Self.quotedIfNeeded), matching: partial)
        }
    }

    private func words(_ words: [String], matching partial: String, ignoringCase: Bool = false) -> [Found] {
        var seen = Set<String>()
        let matches: (String) -> Bool =
            ignoringCase ? { $0.lowercased().hasPrefix(partial.lowercased()) } : { $0.hasPrefix(partial) }
        return words.filter { matches($0) && seen.insert($0).inserted }.sorted()
            .map { Found(text: $0, display: $0) }
    }

    /// A name with spaces or quotes becomes a double-quoted string, so it stays one word.
    static func quotedIfNeeded(_ name: String) -> String {
        let plain = name.unicodeScalars.allSatisfy {
            !$0.properties.isWhitespace && !"\"'$;{}()|#\\".unicodeScalars.contains($0)
        }
        if plain && !name.isEmpty { return name }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }

    // MARK: API paths

    /// The methods `api` sends.
    public static let httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]

    /// The next segment of the API paths that match what is typed, as file paths complete:
    /// `/api/da` offers `/api/dashboards/` and `/api/datasources/`. A typed segment matches a
    /// `{param}` of the spec, so `/api/dashboards/uid/abc/` goes on to `versions`; a `{param}`
    /// itself is offered as the spec writes it, so it matches only an empty or `{`-started
    /// word. Paths the spec does not give `method` are left out.
    private func apiPathCandidates(for partial: String, method: String?) async -> [Found] {
        guard let liveNames else { return [] }
        let entries = await liveNames.names(for: .apiPath, timeout: liveTimeout) ?? []
        let wanted = method?.uppercased()
        let keepsToMethod = wanted.map(Self.httpMethods.contains) ?? false
        let typed = partial.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let done = typed.dropLast()
        let last = typed.last ?? ""
        let stem = done.isEmpty ? "" : done.joined(separator: "/") + "/"
        var found: [String: Found] = [:]
        for entry in entries {
            guard let space = entry.firstIndex(of: " ") else { continue }
            if keepsToMethod, entry[..<space] != wanted! { continue }
            let segments = entry[entry.index(after: space)...].split(separator: "/", omittingEmptySubsequences: false)
            guard segments.count >= typed.count else { continue }
            let matches = zip(done, segments).allSatisfy { typedSegment, segment in
                typedSegment == segment || (Self.isParameter(segment) && !typedSegment.isEmpty)
            }
            guard matches else { continue }
            let next = String(segments[typed.count - 1])
            guard next.hasPrefix(last) else { continue }
            if segments.count == typed.count {
                found[stem + next] = Found(text: stem + next, display: next)
            } else {
                found[stem + next + "/"] = Found(text: stem + next + "/", display: next + "/", isFinal: false)
            }
        }
        return found.values.sorted { $0.text < $1.text }
    }

    private static func isParameter(_ segment: Substring) -> Bool {
        segment.hasPrefix("{") && segment.hasSuffix("}")
    }

    // MARK: Variables

    /// `$na` offers variable names; `$org.na` offers the fields of the record in `$org`.
    private func variableCandidates(for partial: String) -> [Found] {
        let variables = lock.withLock { self.variables }
        let path = partial.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if path.count == 1 {
            return variables.keys.filter { $0.hasPrefix(path[0]) }.sorted().map { name in
                Found(text: "$" + name, display: "$" + name, isFinal: !Self.hasFields(variables[name]))
            }
        }
        guard var value = variables[path[0]] else { return [] }
        for field in path.dropFirst().dropLast() {
            guard case .record(let record) = value, let next = record[field] else { return [] }
            value = next
        }
        guard case .record(let record) = value else { return [] }
        let stem = "$" + path.dropLast().joined(separator: ".") + "."
        let last = path.last!
        return record.keys.filter { $0.hasPrefix(last) }.map { key in
            Found(text: stem + key, display: key, isFinal: !Self.hasFields(record[key]))
        }
    }

    private static func hasFields(_ value: Value?) -> Bool {
        if case .record = value { return true }
        return false
    }

    // MARK: Paths

    private func pathCandidates(for partial: String) -> [Found] {
        let slash = partial.lastIndex(of: "/")
        let directoryPart = slash.map { String(partial[...$0]) } ?? ""
        let base = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial

        var directory = directoryPart.isEmpty ? "." : directoryPart
        if directory == "~/" || directory.hasPrefix("~/") {
            directory = NSHomeDirectory() + directory.dropFirst()
        }
        if !directory.hasPrefix("/"), let currentDirectory {
            directory = currentDirectory + "/" + directory
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasPrefix(base) && (base.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
            let suffix = isDirectory.boolValue ? "/" : ""
            return Found(text: directoryPart + name + suffix, display: name + suffix, isFinal: !isDirectory.boolValue)
        }
    }

    // MARK: Result

    static func completion(wordStart: Int, partial: String, found: [Found]) -> Completion {
        var result = Completion(
            wordStart: wordStart,
            partial: partial,
            candidates: found.map(\.text),
            displayNames: found.map(\.display),
            replacement: nil
        )
        if found.count == 1 {
            result.replacement = found[0].text + (found[0].isFinal ? " " : "")
        } else if let common = commonPrefix(found.map(\.text)), common.count > partial.count {
            result.replacement = common
        }
        return result
    }

    static func commonPrefix(_ words: [String]) -> String? {
        guard var prefix = words.first else { return nil }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}

private final class CompletionBox: @unchecked Sendable {
    var value: Completion?
}
