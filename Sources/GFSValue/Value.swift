/// A gfs value. Values are JSON-shaped so that anything Grafana returns can be bound to a
/// variable, inspected with `.field` and `[index]`, and sent back unchanged.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    /// JSON numbers without a fraction or exponent; Grafana's ids are integers.
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case record(Record)
    /// A JSON number that neither `Int` nor `Double` holds (`123456789012345678901234567890`,
    /// `1e400`), kept as its literal text so it is written back byte for byte instead of
    /// silently becoming `inf`, `0` or `null`. Arithmetic on it is an error.
    case bigNumber(String)
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) { self = .record(Record(elements)) }
}
