// Language-level formatting of values: what interpolation, `echo` and messages show.
// Tables and key/value blocks belong to hosts; this is the one text form of a value.

extension Value: CustomStringConvertible {
    /// The value as interpolation and `echo` show it: strings raw, numbers plainly
    /// (`3`, `2.5`), `true`/`false`/`null`, lists and records as compact JSON.
    public var description: String {
        switch self {
        case .null: "null"
        case let .bool(value): value ? "true" : "false"
        case let .int(value): String(value)
        case let .double(value): Value.plainNumber(value)
        case let .string(value): value
        case .list, .record: compactJSON
        }
    }

    /// The name of the value's type in messages: "a string", "a record".
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a bool"
        case .int, .double: "a number"
        case .string: "a string"
        case .list: "a list"
        case .record: "a record"
        }
    }

    /// Only `null` and `false` are false; `0`, `""` and empty lists are true (as in Ruby and
    /// Lua), so `if $org` asks "was there a result?" rather than guessing about contents.
    public var isTruthy: Bool {
        switch self {
        case .null, .bool(false): false
        default: true
        }
    }

    /// The number as a `Double`, for arithmetic and comparison across `int` and `double`.
    public var numericValue: Double? {
        switch self {
        case let .int(value): Double(value)
        case let .double(value): value
        default: nil
        }
    }

    /// Doubles print without a trailing `.0` when whole, so `2.0` interpolates as `2`.
    static func plainNumber(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int(value))
        }
        return value.description
    }
}
