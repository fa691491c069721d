import Foundation
public import GFSLanguage
import GrafanaAPI

/// A call's arguments and options, read by the names its spec gives them.
///
/// The checker has already matched the call to the spec (arity, option names, flags); this
/// turns values into the types the commands need. A name the spec does not declare is a bug
/// in the command, not in the script, so it fails the command loudly instead of reading as
/// absent.
struct CommandArguments: Sendable {
    /// The call as the interpreter made it.
    let call: CommandCall
    /// The spec the call was checked against.
    let spec: CommandSpec

    init(_ call: CommandCall, spec: CommandSpec) {
        self.call = call
        self.spec = spec
    }

    // MARK: Positional arguments

    /// The value of the positional argument `name` (a variadic one's first value), or nil if
    /// absent.
    func value(_ name: String) throws -> Value? {
        let index = try position(of: name)
        return index < call.arguments.count ? call.arguments[index] : nil
    }

    /// The positional argument `name` as text (numbers as written), or nil if absent.
    func string(_ name: String) throws -> String? {
        try value(name).flatMap(Self.text)
    }

    /// The positional argument `name`, which the spec makes required, as non-empty text.
    func required(_ name: String) throws -> String {
        guard let text = try string(name), !text.isEmpty else {
            throw CommandFailure(message: "Missing \(name)", hint: "'help \(spec.name)' shows what it takes.")
        }
        return text
    }

    /// Every value of the variadic argument `name`, as text.
    func strings(_ name: String) throws -> [String] {
        let index = try position(of: name)
        guard index < call.arguments.count else { return [] }
        return call.arguments[index...].compactMap(Self.text)
    }

    // MARK: Options

    /// An option's value as text (the last one given for a repeatable option).
    func option(_ name: String) throws -> String? {
        guard let value = try optionValue(name) else { return nil }
        if case .list(let values) = value { return values.last.flatMap(Self.text) }
        return Self.text(value)
    }

    /// A repeatable option's values as text.
    func options(_ name: String) throws -> [String] {
        guard let value = try optionValue(name) else { return [] }
        if case .list(let values) = value { return values.compactMap(Self.text) }
        return Self.text(value).map { [$0] } ?? []
    }

    /// Whether the flag `name` was given.
    func flag(_ name: String) throws -> Bool {
        try optionValue(name)?.isTruthy ?? false
    }

    /// A role (`admin`, `Editor`) parsed case-insensitively.
    func role(_ text: String) throws -> OrgRole {
        guard let role = OrgRole(parsing: text), role != .none else {
            throw CommandFailure(message: "Unknown role '\(text)'", hint: "Use Viewer, Editor or Admin.")
        }
        return role
    }

    // MARK: Names

    func position(of name: String) throws -> Int {
        guard let index = spec.arguments.firstIndex(where: { $0.name == name }) else {
            throw undeclared("argument '\(name)'")
        }
        return index
    }

    func optionValue(_ name: String) throws -> Value? {
        guard spec.options.contains(where: { $0.name == name }) else { throw undeclared("option '--\(name)'") }
        return call.options[name]
    }

    func undeclared(_ what: String) -> CommandFailure {
        CommandFailure(
            message: "Command '\(spec.name)' has no \(what)",
            hint: "This is a bug in gfs: the command reads a name its definition does not declare."
        )
    }

    /// A value as command text: strings as they are, numbers and booleans as written.
    static func text(_ value: Value) -> String? {
        switch value {
        case .null: nil
        case .string(let text): text
        case .int, .double, .bigNumber, .bool: value.description
        case .list, .record: nil
        }
    }
}
