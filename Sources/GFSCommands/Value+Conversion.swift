import GFSLanguage

// Conversions between the language's values and the client's models, for the commands.

extension Value {
    /// A Codable model as a value, built directly by the shared `ValueEncoder` (no JSON text).
    init(encoding model: some Encodable) {
        self = (try? ValueEncoder().encode(model)) ?? .null
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
