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
        case .int, .double, .bigNumber, .bool: value.description
        case .list, .record: nil
        }
    }
}
