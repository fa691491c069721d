import Foundation
import GFSLanguage
import Yams

/// Alerting files in Grafana's provisioning format (`AlertingFileExport`: `apiVersion`,
/// `groups`, `contactPoints`, `policies`, `muteTimes`, `templates`), as YAML or JSON by the
/// file's extension.
///
/// Reading names the `file:line:col` of a syntax error (Yams marks for YAML, the GFSValue
/// reader's positions for JSON) before anything is sent. Writing is stable: keys in byte
/// order, so an unchanged org exports byte-identical files.
enum AlertingFiles {
    /// Whether a path is written as JSON (`.json`) rather than YAML.
    static func isJSON(_ path: String) -> Bool { path.lowercased().hasSuffix(".json") }

    static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// The files a list of paths names: files as given, directories' alerting files
    /// (`*.yaml`, `*.yml`, `*.json`, recursively), sorted.
    static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CommandFailure(
                    code: .unreadable,
                    message: "No such file or directory '\(path)'",
                    hint: "Check the path; nothing was sent."
                )
            }
            if isDirectory.boolValue {
                let enumerator = FileManager.default.enumerator(atPath: path)
                var found: [String] = []
                while let relative = enumerator?.nextObject() as? String {
                    let ext = (relative as NSString).pathExtension.lowercased()
                    if extensions.contains(ext) { found.append((path as NSString).appendingPathComponent(relative)) }
                }
                files += found.sorted()
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Reads one file as a value.
    static func read(_ path: String) throws -> Value {
        try parse(readText(path), path: path)
    }

    /// Reads one file's text.
    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(
                code: .unreadable,
                message: "Cannot read '\(path)'",
                hint: "Check that the file exists and is readable; nothing was sent."
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure(message: "'\(path)' is not UTF-8 text", hint: "Nothing was sent.")
        }
        return text
    }

    static func parse(_ text: String, path: String) throws -> Value {
        if isJSON(path) {
            do {
                return try Value(json: text)
            } catch {
                throw CommandFailure(
                    message: "\(path):\(error.line):\(error.column): \(error.message)",
                    hint: "Fix the JSON; nothing was sent."
                )
            }
        }
        do {
            guard let node = try Yams.compose(yaml: text) else { return .null }
            return try value(of: node, path: path)
        } catch let error as CommandFailure {
            throw error
        } catch {
            if let (line, column, problem) = ContextResolver.position(of: error) {
                throw CommandFailure(
                    message: "\(path):\(line):\(column): \(problem)",
                    hint: "Fix the YAML; nothing was sent."
                )
            }
            throw CommandFailure(message: "\(path): \(error)", hint: "Fix the YAML; nothing was sent.")
        }
    }

    /// A YAML node as a value, with the types YAML 1.1's core schema resolves.
    static func value(of node: Node, path: String) throws -> Value {
        switch node {
        case .scalar(let scalar):
            // The composer resolved the tag (plain scalars by the core schema, quoted ones as
            // strings); `Tag.description` is its name.
            switch Tag.Name(rawValue: node.tag.description) {
            case .null: return .null
            case .bool: return node.bool.map(Value.bool) ?? .string(scalar.string)
            case .int: return node.int.map(Value.int) ?? .string(scalar.string)
            case .float: return node.float.map(Value.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .list(try sequence.map { try value(of: $0, path: path) })
        case .mapping(let mapping):
            var record = Record()
            for (key, item) in mapping {
                guard let name = key.string else {
                    let mark = key.mark
                    throw CommandFailure(
                        message: "\(path):\(mark?.line ?? 0):\(mark?.column ?? 0): Expected a text key",
                        hint: "Fix the YAML; nothing was sent."
                    )
                }
                record[name] = try value(of: item, path: path)
            }
            return .record(record)
        case .alias:
            let mark = node.mark
            throw CommandFailure(
                message: "\(path):\(mark?.line ?? 0):\(mark?.column ?? 0): YAML aliases are not supported",
                hint: "Write the value out in full; nothing was sent."
            )
        }
    }

    // MARK: Writing

    /// The text of a file for `path`: pretty JSON with sorted keys, or YAML with sorted keys.
    static func text(of value: Value, path: String) throws -> String {
        if isJSON(path) { return value.jsonString(options: JSONWritingOptions(pretty: true, sortsKeys: true)) + "\n" }
        return try Yams.serialize(node: node(of: value), indent: 2, width: -1, allowUnicode: true, sortKeys: true)
    }

    static func node(of value: Value) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .int(let number): return Node(String(number), Tag(.int))
        case .double(let number): return Node(String(number), Tag(.float))
        case .bigNumber(let text): return Node(text, Tag(.float))
        case .string(let text):
            // A string that would read back as another type (`true`, `10`, `null`) or that
            // YAML cannot write plainly is quoted.
            let resolved = Resolver.default.resolveTag(of: Node(text))
            let style: Node.Scalar.Style = resolved == .str ? .any : .doubleQuoted
            return Node(text, Tag(.str), style == .any && text.contains("\n") ? .literal : style)
        case .list(let items): return Node(items.map(node(of:)))
        case .record(let record): return Node(record.map { (Node($0.key, Tag(.str)), node(of: $0.value)) })
        }
    }

    /// Writes `value` to `path`, making its directory; true when the file changed.
    @discardableResult
    static func write(_ value: Value, to path: String) throws -> Bool {
        let text = try text(of: value, path: path)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        if let old = FileManager.default.contents(atPath: path), old == Data(text.utf8) { return false }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure(
                code: .writeFailed,
                message: "Cannot write '\(path)'",
                hint: "Check that the directory exists and is writable."
            )
        }
        return true
    }
}
