import GFSValue

// The sandbox's view of the shared value tree: the helpers its handlers use to read request
// bodies and build Grafana's answers, and the Go `encoding/json` reading and writing options
// that make its bytes on the wire match Grafana's.

extension JSONReadingOptions {
    /// Go's `json.Decoder.Decode`, as Grafana's `web.Bind` (`pkg/web/binding.go`) calls it
    /// once: text after the first value is left unread, and invalid UTF-8 in a string becomes
    /// U+FFFD. Nesting is capped well below Go's own `maxNestingDepth` (10000, `scanner.go`)
    /// so a hostile body cannot exhaust the stack of the recursive reader.
    static let goDecoder = JSONReadingOptions(
        maximumDepth: 10_000 / 20,
        allowsTrailingContent: true,
        replacesInvalidUTF8: true
    )
}

extension Value {
    /// Compact form, as `json.Marshal` writes it (HTML-safe escaping, Go's floats).
    func encoded() -> String { jsonString(options: .go) }

    /// Indented form, as `json.MarshalIndent(v, "", "  ")` (used by `/api/health`).
    func encodedIndented() -> String {
        jsonString(options: JSONWritingOptions(pretty: true, goEscaping: true, goFloats: true))
    }

    /// A map-backed body (`util.DynMap`, `map[string]any`): Go writes its keys sorted.
    static func map(_ pairs: [(String, Value)]) -> Value {
        .record(Record(pairs).sortedByKey())
    }

    /// The sandbox keeps ids as Go's `int64`.
    static func int(_ value: Int64) -> Value { .int(Int(value)) }

    /// A string, or `null` when absent (a Go `*string` / `*time.Time`).
    static func optional(_ value: String?) -> Value { value.map { .string($0) } ?? .null }

    var objectValue: Record? { if case .record(let object) = self { object } else { nil } }
    var arrayValue: [Value]? { if case .list(let array) = self { array } else { nil } }
    var stringValue: String? { if case .string(let string) = self { string } else { nil } }
    var boolValue: Bool? { if case .bool(let bool) = self { bool } else { nil } }
    var isNull: Bool { self == .null }

    /// The value as an integer when it is a JSON number with no fractional part.
    var integerValue: Int64? {
        switch self {
        case .int(let value): Int64(value)
        case .double(let value) where value.rounded() == value && abs(value) < 9.2e18: Int64(value)
        default: nil
        }
    }

    subscript(key: String) -> Value? {
        get { objectValue?[key] }
        set {
            guard case .record(var object) = self else { return }
            object[key] = newValue
            self = .record(object)
        }
    }

    /// Recursively sorts every object's keys, as a Go `map[string]any` (simplejson) round trip does.
    ///
    /// Every dashboard save runs this over the whole model, so each object is sorted once and
    /// only objects and lists below it are rebuilt; strings and numbers stay where they are.
    func sortedRecursively() -> Value {
        switch self {
        case .list(var items):
            for index in items.indices where items[index].holdsContainer {
                items[index] = items[index].sortedRecursively()
            }
            return .list(items)
        case .record(let object):
            var sorted = object.sortedByKey()
            sorted.modifyValues { value in
                if value.holdsContainer { value = value.sortedRecursively() }
            }
            return .record(sorted)
        default:
            return self
        }
    }

    /// An object or a list: something `sortedRecursively()` may change.
    private var holdsContainer: Bool {
        switch self {
        case .list, .record: true
        default: false
        }
    }
}

extension Record {
    /// The same object with keys in byte order, as Go's `json.Marshal` writes a map.
    func sorted() -> Record { sortedByKey() }
}
