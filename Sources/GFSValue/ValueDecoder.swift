// MARK: Public interface

/// Builds a `Decodable` model from a `Value` directly, with no JSON text in between.
///
/// Numbers convert as `JSONDecoder` converts them: an integer fits any integer type that can
/// hold it, a double an integer type only when it is integral, and either a `Double`.
public struct ValueDecoder: Sendable {
    /// Passed to the model's `init(from:)` as the decoder's `userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    public init() {}

    /// The model read from `value`.
    public func decode<Model: Decodable>(_ type: Model.Type, from value: Value) throws -> Model {
        if let value = value as? Model { return value }
        return try Model(from: NodeDecoder(value: value, codingPath: [], userInfo: userInfo))
    }

    /// The model read from JSON bytes through the shared reader.
    public func decode<Model: Decodable>(
        _ type: Model.Type,
        fromJSON bytes: some Sequence<UInt8>
    ) throws -> Model {
        try decode(type, from: try Value(jsonUTF8: bytes))
    }
}

// MARK: Implementation

struct NodeDecoder: Decoder {
    let value: Value
    let codingPath: [any CodingKey]
    let userInfoStorage: [CodingUserInfoKey: any Sendable]

    init(value: Value, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.value = value
        self.codingPath = codingPath
        userInfoStorage = userInfo
    }

    var userInfo: [CodingUserInfoKey: Any] { userInfoStorage }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case let .record(record) = value else { throw mismatch(Record.self, value, codingPath) }
        return KeyedDecodingContainer(KeyedNodeDecoder<Key>(decoder: self, record: record))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case let .list(elements) = value else { throw mismatch([Value].self, value, codingPath) }
        return UnkeyedNodeDecoder(decoder: self, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleNodeDecoder(decoder: self) }

    func child(_ value: Value, _ key: any CodingKey) -> NodeDecoder {
        NodeDecoder(value: value, codingPath: codingPath + [key], userInfo: userInfoStorage)
    }

    /// Decodes `type` from `value`, reading primitives without a nested decoder.
    func decode<Model: Decodable>(_ type: Model.Type, from value: Value, path: [any CodingKey]) throws -> Model {
        switch type {
        case is Value.Type: return value as! Model
        case is String.Type: return try string(value, path) as! Model
        case is Int.Type: return try integer(Int.self, value, path) as! Model
        case is Int64.Type: return try integer(Int64.self, value, path) as! Model
        case is Bool.Type: return try bool(value, path) as! Model
        case is Double.Type: return try double(value, path) as! Model
        default:
            return try Model(from: NodeDecoder(value: value, codingPath: path, userInfo: userInfoStorage))
        }
    }
}

private func mismatch(_ type: Any.Type, _ value: Value, _ path: [any CodingKey]) -> DecodingError {
    .typeMismatch(
        type,
        .init(codingPath: path, debugDescription: "Expected \(type) but found \(value.typeDescription)")
    )
}

private func string(_ value: Value, _ path: [any CodingKey]) throws -> String {
    guard case let .string(text) = value else { throw mismatch(String.self, value, path) }
    return text
}

private func bool(_ value: Value, _ path: [any CodingKey]) throws -> Bool {
    guard case let .bool(flag) = value else { throw mismatch(Bool.self, value, path) }
    return flag
}

private func double(_ value: Value, _ path: [any CodingKey]) throws -> Double {
    switch value {
    case let .int(number): return Double(number)
    case let .double(number): return number
    case let .bigNumber(text):
        if let number = Double(text), number.isFinite { return number }
        throw DecodingError.dataCorrupted(
            .init(codingPath: path, debugDescription: "Number \(text) does not fit in Double")
        )
    default: throw mismatch(Double.self, value, path)
    }
}

private func integer<Number: FixedWidthInteger>(
    _ type: Number.Type,
    _ value: Value,
    _ path: [any CodingKey]
) throws -> Number {
    let converted: Number?
    switch value {
    case let .int(number): converted = Number(exactly: number)
    case let .double(number): converted = Number(exactly: number)
    case let .bigNumber(text): converted = Number(text)
    default: throw mismatch(type, value, path)
    }
    guard let converted else {
        throw DecodingError.dataCorrupted(
            .init(codingPath: path, debugDescription: "Number \(value) does not fit in \(type)")
        )
    }
    return converted
}

private struct KeyedNodeDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let record: Record
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { record.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { record[key.stringValue] != nil }

    private func member(_ key: Key) throws -> Value {
        guard let value = record[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key,
                .init(codingPath: codingPath, debugDescription: "No value for key \"\(key.stringValue)\"")
            )
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try bool(member(key), codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try string(member(key), codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try double(member(key), codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        Float(try double(member(key), codingPath + [key]))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try number(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try number(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try number(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try number(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try number(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try number(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try number(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try number(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try number(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try number(type, key) }

    private func number<Number: FixedWidthInteger>(_ type: Number.Type, _ key: Key) throws -> Number {
        try integer(type, member(key), codingPath + [key])
    }

    func decode<Model: Decodable>(_ type: Model.Type, forKey key: Key) throws -> Model {
        try decoder.decode(type, from: member(key), path: codingPath + [key])
    }

    /// `decodeIfPresent` treats `null` like a missing key, as `JSONDecoder` does.
    func decodeIfPresent<Model: Decodable>(_ type: Model.Type, forKey key: Key) throws -> Model? {
        guard let value = record[key.stringValue], value != .null else { return nil }
        return try decoder.decode(type, from: value, path: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder.child(member(key), key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.child(member(key), key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        let key = AnyCodingKey(stringValue: "super")
        return decoder.child(record[key.stringValue] ?? .null, key)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { decoder.child(record[key.stringValue] ?? .null, key) }
}

private struct UnkeyedNodeDecoder: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let elements: [Value]
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(decoder: NodeDecoder, elements: [Value]) {
        self.decoder = decoder
        self.elements = elements
    }

    private var key: AnyCodingKey { AnyCodingKey(intValue: currentIndex) }

    private mutating func next() throws -> Value {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Value.self,
                .init(codingPath: codingPath + [key], debugDescription: "Unkeyed container is at end")
            )
        }
        defer { currentIndex += 1 }
        return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let path = codingPath + [key]
        return try bool(next(), path)
    }
    mutating func decode(_ type: String.Type) throws -> String {
        let path = codingPath + [key]
        return try string(next(), path)
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        let path = codingPath + [key]
        return try double(next(), path)
    }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try number(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try number(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try number(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try number(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try number(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try number(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try number(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try number(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try number(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try number(type) }

    private mutating func number<Number: FixedWidthInteger>(_ type: Number.Type) throws -> Number {
        let path = codingPath + [key]
        return try integer(type, next(), path)
    }

    mutating func decode<Model: Decodable>(_ type: Model.Type) throws -> Model {
        let path = codingPath + [key]
        return try decoder.decode(type, from: next(), path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let key = self.key
        return try decoder.child(next(), key).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let key = self.key
        return try decoder.child(next(), key).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let key = self.key
        return decoder.child(try next(), key)
    }
}

private struct SingleNodeDecoder: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var value: Value { decoder.value }

    init(decoder: NodeDecoder) { self.decoder = decoder }

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try double(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try double(value, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try integer(type, value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type, value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type, value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type, value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type, value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type, value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type, value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type, value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type, value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type, value, codingPath) }

    func decode<Model: Decodable>(_ type: Model.Type) throws -> Model {
        try decoder.decode(type, from: value, path: codingPath)
    }
}
