import Foundation
import GFSValue

/// A small evaluator of TextMate grammars, enough for the rules `editors/gfs.tmLanguage.json`
/// uses: `match` with `captures`, `begin`/`end` with their captures and inner `patterns`,
/// `include` of the repository and of `$self`. No TextMate engine is available here; the
/// regexes run on ICU (NSRegularExpression), which reads the same syntax for these patterns.
///
/// Semantics as TextMate's: at each position every candidate pattern is searched from there,
/// the leftmost match wins, ties go to the `end` pattern and then to the first listed.
struct TextMateEvaluator {
    indirect enum Rule {
        case match(NSRegularExpression, name: String?, captures: [Int: String])
        case region(
            begin: NSRegularExpression,
            end: String,
            name: String?,
            beginCaptures: [Int: String],
            endCaptures: [Int: String],
            patterns: [Rule]
        )
        case include(String)
        case group([Rule])
    }

    struct EvaluationError: Error, CustomStringConvertible {
        var description: String
    }

    let patterns: [Rule]
    let repository: [String: Rule]

    init(json: String) throws {
        let grammar = try Value(json: json)
        patterns = try Self.rules(grammar.field("patterns"))
        var repository: [String: Rule] = [:]
        if case .record(let entries)? = grammar.field("repository") {
            for (key, value) in entries { repository[key] = try Self.rule(value) }
        }
        self.repository = repository
    }

    static func rules(_ value: Value?) throws -> [Rule] {
        guard case .list(let list)? = value else { return [] }
        return try list.map(rule)
    }

    static func rule(_ value: Value) throws -> Rule {
        if case .string(let include)? = value.field("include") { return .include(include) }
        if case .string(let match)? = value.field("match") {
            return .match(
                try regex(match),
                name: value.field("name")?.text,
                captures: captures(value.field("captures"))
            )
        }
        if case .string(let begin)? = value.field("begin"), case .string(let end)? = value.field("end") {
            return .region(
                begin: try regex(begin),
                end: end,
                name: value.field("name")?.text,
                beginCaptures: captures(value.field("beginCaptures")),
                endCaptures: captures(value.field("endCaptures")),
                patterns: try rules(value.field("patterns"))
            )
        }
        return .group(try rules(value.field("patterns")))
    }

    static func captures(_ value: Value?) -> [Int: String] {
        guard case .record(let entries)? = value else { return [:] }
        var captures: [Int: String] = [:]
        for (key, value) in entries {
            if let group = Int(key), let name = value.field("name")?.text { captures[group] = name }
        }
        return captures
    }

    static func regex(_ pattern: String) throws -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            throw EvaluationError(description: "Bad regex \(pattern): \(error)")
        }
    }

    /// The patterns a list stands for once includes and groups are expanded.
    func expanded(_ rules: [Rule], depth: Int = 0) -> [Rule] {
        guard depth < 16 else { return [] }
        return rules.flatMap { rule -> [Rule] in
            switch rule {
            case .include("$self"): return expanded(patterns, depth: depth + 1)
            case .include(let name) where name.hasPrefix("#"):
                guard let included = repository[String(name.dropFirst())] else { return [] }
                return expanded([included], depth: depth + 1)
            case .include: return []
            case .group(let inner): return expanded(inner, depth: depth + 1)
            default: return [rule]
            }
        }
    }

    /// An open `begin`/`end` region.
    struct Frame {
        var name: String?
        var end: NSRegularExpression
        var endCaptures: [Int: String]
        var patterns: [Rule]
    }

    /// The scopes of every UTF-16 unit of every line of `text` (lines split at `\n`).
    func scopes(of text: String) throws -> [[[String]]] {
        var stack: [Frame] = []
        var result: [[[String]]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(line)
            let length = (line as NSString).length
            var scopes = [[String]](repeating: [], count: length)
            var position = 0
            let options: NSRegularExpression.MatchingOptions = [.withTransparentBounds, .withoutAnchoringBounds]
            func fill(_ range: NSRange, with names: [String]) {
                guard range.location != NSNotFound else { return }
                for index in range.location..<min(range.location + range.length, length) { scopes[index] = names }
            }
            func add(_ name: String, over range: NSRange) {
                guard range.location != NSNotFound else { return }
                for index in range.location..<min(range.location + range.length, length) { scopes[index].append(name) }
            }
            var steps = 0
            while position <= length {
                steps += 1
                guard steps < 10_000 else { throw EvaluationError(description: "No progress in line: \(line)") }
                let base = stack.compactMap(\.name)
                let candidates = expanded(stack.last?.patterns ?? patterns)
                let searchRange = NSRange(location: position, length: length - position)
                var best: (match: NSTextCheckingResult, rule: Rule?)?
                if let frame = stack.last,
                    let end = frame.end.firstMatch(in: line, options: options, range: searchRange)
                {
                    best = (end, nil)
                }
                for rule in candidates {
                    let regex: NSRegularExpression
                    switch rule {
                    case .match(let expression, _, _): regex = expression
                    case .region(let begin, _, _, _, _, _): regex = begin
                    default: continue
                    }
                    guard let found = regex.firstMatch(in: line, options: options, range: searchRange) else { continue }
                    if best == nil || found.range.location < best!.match.range.location { best = (found, rule) }
                }
                guard let (match, rule) = best else { break }
                fill(NSRange(location: position, length: match.range.location - position), with: base)
                switch rule {
                case nil:
                    let frame = stack.removeLast()
                    fill(match.range, with: base)
                    for (group, name) in frame.endCaptures { add(name, over: match.range(at: group)) }
                case .match(_, let name, let captures)?:
                    fill(match.range, with: base + (name.map { [$0] } ?? []))
                    for (group, name) in captures.sorted(by: { $0.key < $1.key }) {
                        add(name, over: match.range(at: group))
                    }
                case .region(_, let end, let name, let beginCaptures, let endCaptures, let inner)?:
                    fill(match.range, with: base + (name.map { [$0] } ?? []))
                    for (group, name) in beginCaptures { add(name, over: match.range(at: group)) }
                    stack.append(Frame(name: name, end: try Self.regex(end), endCaptures: endCaptures, patterns: inner))
                default:
                    break
                }
                let next = match.range.location + match.range.length
                // A zero-length match must not stall the scan.
                position = next > position ? next : position + 1
            }
            if position < length {
                fill(NSRange(location: position, length: length - position), with: stack.compactMap(\.name))
            }
            result.append(scopes)
        }
        return result
    }
}

extension Value {
    /// The value under `key` of a record.
    func field(_ key: String) -> Value? {
        guard case .record(let record) = self else { return nil }
        return record[key]
    }

    var text: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }
}
