// Language-level formatting of values: what interpolation, `echo` and messages show.
// Tables and key/value blocks belong to hosts; this is the one text form of a value.

extension Value: CustomStringConvertible {
    /// The value as interpolation and `echo` show it: strings raw, numbers plainly
    /// (`3`, `2.5`, `4.0`: integers never gain a `.0`), `true`/`false`/`null`, lists and
    /// records as compact JSON.
    public var description: String {
        switch self {
        case .null: "null"
        case let .bool(value): value ? "true" : "false"
        case let .int(value): String(value)
        case let .double(value): Value.plainNumber(value)
        case let .string(value): value
        case .list, .record: compactJSON
        case let .bigNumber(text): text
        }
    }

    /// The name of the value's type in messages: "a string", "a record".
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a bool"
        case .int, .double, .bigNumber: "a number"
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

    /// The number as a `Double`, for arithmetic and comparison across `int` and `double`;
    /// `nil` for a `bigNumber`, which no `Double` holds.
    public var numericValue: Double? {
        switch self {
        case let .int(value): Double(value)
        case let .double(value): value
        default: nil
        }
    }

    /// Doubles print as Swift and JSON write them (`2.5`, `4.0`, `1e+20`), so a word read
    /// as a number (`11.0`) prints back exactly as it was written when a host turns it into
    /// text; infinities and NaN (from overflowing arithmetic) print as `inf` and `nan`.
    static func plainNumber(_ value: Double) -> String {
        value.description
    }
}
