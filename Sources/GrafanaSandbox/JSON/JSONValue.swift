/// A JSON document as Grafana's Go code sees it: objects keep the order they were built in,
/// so struct-backed DTOs can be rendered in field order and map-backed bodies in sorted order.
///
/// The sandbox keeps its own JSON type (rather than `JSONSerialization` or `Codable` models)
/// because the byte layout is part of what it emulates: key order, `null` versus absent,
/// integer versus float, and Go's string escaping all show on the wire.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// An ordered JSON object. Duplicate keys are replaced in place, as Go's decoder keeps the
/// last value of a repeated key.
struct JSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private(set) var entries: [(key: String, value: JSONValue)]

    init() { entries = [] }

    init(_ pairs: [(String, JSONValue)]) {
        entries = []
        for (key, value) in pairs { self[key] = value }
    }

    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    var keys: [String] { entries.map(\.key) }
    var count: Int { entries.count }

    subscript(key: String) -> JSONValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// The same object with keys in byte order, as Go's `json.Marshal` writes a map.
    func sorted() -> JSONObject {
        var copy = self
        copy.entries.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return copy
    }

    static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.entries.count == rhs.entries.count
            && lhs.entries.allSatisfy { entry in rhs[entry.key] == entry.value }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int64) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(floatLiteral value: Double) { self = .double(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// A map-backed body (`util.DynMap`, `map[string]any`): Go writes its keys sorted.
    static func map(_ pairs: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(pairs).sorted())
    }

    static func int(_ value: Int) -> JSONValue { .int(Int64(value)) }

    /// A string, or `null` when absent (a Go `*string` / `*time.Time`).
    static func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    var objectValue: JSONObject? { if case .object(let object) = self { object } else { nil } }
    var arrayValue: [JSONValue]? { if case .array(let array) = self { array } else { nil } }
    var stringValue: String? { if case .string(let string) = self { string } else { nil } }
    var boolValue: Bool? { if case .bool(let bool) = self { bool } else { nil } }
    var isNull: Bool { self == .null }

    /// The value as an integer when it is a JSON number with no fractional part.
    var integerValue: Int64? {
        switch self {
        case .int(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 9.2e18: Int64(value)
        default: nil
        }
    }

    subscript(key: String) -> JSONValue? {
        get { objectValue?[key] }
        set {
            guard case .object(var object) = self else { return }
            object[key] = newValue
            self = .object(object)
        }
    }

    /// Recursively sorts every object's keys, as a Go `map[string]any` (simplejson) round trip does.
    func sortedRecursively() -> JSONValue {
        switch self {
        case .array(let items): .array(items.map { $0.sortedRecursively() })
        case .object(let object):
            .object(JSONObject(object.entries.map { ($0.key, $0.value.sortedRecursively()) }).sorted())
        default: self
        }
    }
}
