import Foundation
import GFSLanguage
import GrafanaAPI

/// Typed access to a call's arguments and options. The checker has already matched them to
/// the command's spec; these turn values into the types the commands need.
extension CommandCall {
    /// The positional argument at `index` as text (numbers as written), or nil if absent.
    func string(_ index: Int) -> String? {
        guard index < arguments.count else { return nil }
        return Self.text(arguments[index])
    }

    /// The positional argument at `index`, which the spec makes required.
    func requiredString(_ index: Int, _ name: String) throws -> String {
        guard let text = string(index), !text.isEmpty else {
            throw CommandFailure(message: "Missing \(name)")
        }
        return text
    }

    /// An option's value as text.
    func option(_ name: String) -> String? {
        guard let value = options[name] else { return nil }
        if case .list(let values) = value { return values.last.flatMap(Self.text) }
        return Self.text(value)
    }

    /// A repeatable option's values as text.
    func optionList(_ name: String) -> [String] {
        guard let value = options[name] else { return [] }
        if case .list(let values) = value { return values.compactMap(Self.text) }
        return Self.text(value).map { [$0] } ?? []
    }

    /// Whether a flag was given.
    func flag(_ name: String) -> Bool {
        options[name]?.isTruthy ?? false
    }

    /// A role argument (`admin`, `Editor`) parsed case-insensitively.
    func role(_ text: String) throws -> OrgRole {
        guard let role = OrgRole(parsing: text), role != .none else {
            throw CommandFailure(message: "Unknown role '\(text)'", hint: "Use Viewer, Editor or Admin.")
        }
        return role
    }

    static func text(_ value: Value) -> String? {
        switch value {
        case .null: nil
        case .string(let text): text
        case .int, .double, .bool: value.description
        case .list, .record: nil
        }
    }
}

extension Value {
    /// A Codable model as a value, through its JSON.
    init(encoding model: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(model), let value = try? Value(json: String(decoding: data, as: UTF8.self)) else {
            self = .null
            return
        }
        self = value
    }

    /// The record's field, if this is a record.
    subscript(field: String) -> Value? {
        guard case .record(let record) = self else { return nil }
        return record[field]
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var intValue: Int64? {
        switch self {
        case .int(let number): Int64(number)
        case .double(let number) where number == number.rounded(): Int64(number)
        case .string(let text): Int64(text)
        default: nil
        }
    }

    var recordValue: Record? {
        if case .record(let record) = self { return record }
        return nil
    }
}

extension Record {
    /// A record from pairs whose nil values are left out.
    init(dropping pairs: [(String, Value?)]) {
        self.init()
        for (key, value) in pairs {
            if let value { self[key] = value }
        }
    }
}

extension Optional where Wrapped == String {
    var value: Value { map(Value.string) ?? .null }
}

extension Optional where Wrapped == Int64 {
    var value: Value { map { Value.int(Int($0)) } ?? .null }
}

extension Int64 {
    var value: Value { .int(Int(self)) }
}
