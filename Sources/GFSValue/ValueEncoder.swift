import OrderedCollections

// MARK: Public interface

/// Turns an `Encodable` model into a `Value` directly, with no JSON text in between.
///
/// Keys keep the order the model encodes them in (its declaration order for synthesised
/// conformances); `nil` optionals encoded with `encodeIfPresent` (the synthesised default)
/// are left out, as `JSONEncoder` leaves them out. An unsigned integer above `Int.max`
/// becomes a `bigNumber`.
public struct ValueEncoder: Sendable {
    /// Passed to the model's `encode(to:)` as the encoder's `userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    public init() {}

    /// The model as a value.
    public func encode(_ model: some Encodable) throws -> Value {
        if let value = model as? Value { return value }
        let node = EncodingNode()
        try model.encode(to: NodeEncoder(node: node, codingPath: [], userInfo: userInfo))
        return node.finish()
    }
}

extension Value: Codable {
    /// Reads any decoder's JSON-shaped content; a `ValueDecoder` hands its value over as is.
    public init(from decoder: any Decoder) throws {
        if let direct = decoder as? NodeDecoder {
            self = direct.value
            return
        }
        if let container = try? decoder.container(keyedBy: AnyCodingKey.self) {
            // A foreign decoder's `allKeys` has no defined order; byte order makes the result
            // the same on every run (and is the order Go gives a decoded map).
            var record = Record()
            let keys = container.allKeys.sorted { $0.stringValue.utf8.lexicographicallyPrecedes($1.stringValue.utf8) }
            for key in keys {
                record[key.stringValue] = try container.decode(Value.self, forKey: key)
            }
            self = .record(record)
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var elements: [Value] = []
            while !container.isAtEnd { elements.append(try container.decode(Value.self)) }
            self = .list(elements)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .int(number)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// Writes the value into any encoder; a `ValueEncoder` takes it as is.
    public func encode(to encoder: any Encoder) throws {
        if let direct = encoder as? NodeEncoder {
            direct.node.value = self
            return
        }
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case let .bool(flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case let .int(number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case let .double(number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case let .bigNumber(text):
            // Codable has no arbitrary-precision number; the nearest `Double` is what a
            // foreign encoder can hold.
            var container = encoder.singleValueContainer()
            try container.encode(Double(text) ?? .nan)
        case let .string(text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case let .list(elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case let .record(record):
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            for (key, value) in record { try container.encode(value, forKey: AnyCodingKey(stringValue: key)) }
        }
    }
}

/// A coding key for any string or integer, for records whose keys are data.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int?

    public init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    public init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

// MARK: Implementation

/// One value under construction: a finished value, or a record or list of nodes still being
/// filled (a container may be asked for again and extended, as `Encoder` allows).
final class EncodingNode {
    var value: Value?
    var members: OrderedDictionary<String, EncodingNode>?
    var elements: [EncodingNode]?

    init() {}

    init(_ value: Value) { self.value = value }

    func finish() -> Value {
        if let members {
            var record = Record()
            record.entries.reserveCapacity(members.count)
            for (key, node) in members { record.entries[key] = node.finish() }
            return .record(record)
        }
        if let elements { return .list(elements.map { $0.finish() }) }
        return value ?? .record(Record())
    }
}

struct NodeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let userInfoStorage: [CodingUserInfoKey: any Sendable]

    init(node: EncodingNode, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.node = node
        self.codingPath = codingPath
        userInfoStorage = userInfo
    }

    var userInfo: [CodingUserInfoKey: Any] { userInfoStorage }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.members == nil { node.members = [:] }
        return KeyedEncodingContainer(KeyedNodeEncoder<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.elements == nil { node.elements = [] }
        return UnkeyedNodeEncoder(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNodeEncoder(encoder: self) }

    /// Encodes `model` into `target`, taking primitives and values without a nested encoder.
    func encode(_ model: some Encodable, into target: EncodingNode, key: any CodingKey) throws {
        if let primitive = Self.primitive(model) {
            target.value = primitive
        } else {
            try model.encode(to: NodeEncoder(node: target, codingPath: codingPath + [key], userInfo: userInfoStorage))
        }
    }

    static func primitive(_ model: some Encodable) -> Value? {
        switch model {
        case let value as Value: value
        case let text as String: .string(text)
        case let flag as Bool: .bool(flag)
        case let number as Int: .int(number)
        case let number as Int64: .int(Int(number))
        case let number as Double: .double(number)
        default: nil
        }
    }
}

private struct KeyedNodeEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ value: Value, _ key: Key) { encoder.node.members![key.stringValue] = EncodingNode(value) }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(.double(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(floatValue(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.int(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.int(Int(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.int(Int(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.int(Int(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(unsignedValue(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(unsignedValue(value), key) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        let child = EncodingNode()
        encoder.node.members![key.stringValue] = child
        try encoder.encode(value, into: child, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        childEncoder(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        childEncoder(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { childEncoder(AnyCodingKey(stringValue: "super")) }

    mutating func superEncoder(forKey key: Key) -> any Encoder { childEncoder(key) }

    private func childEncoder(_ key: any CodingKey) -> NodeEncoder {
        let child = encoder.node.members![key.stringValue] ?? EncodingNode()
        encoder.node.members![key.stringValue] = child
        return NodeEncoder(node: child, codingPath: codingPath + [key], userInfo: encoder.userInfoStorage)
    }
}

private struct UnkeyedNodeEncoder: UnkeyedEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.node.elements!.count }

    private func append(_ value: Value) { encoder.node.elements!.append(EncodingNode(value)) }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(.double(value)) }
    mutating func encode(_ value: Float) throws { append(floatValue(value)) }
    mutating func encode(_ value: Int) throws { append(.int(value)) }
    mutating func encode(_ value: Int8) throws { append(.int(Int(value))) }
    mutating func encode(_ value: Int16) throws { append(.int(Int(value))) }
    mutating func encode(_ value: Int32) throws { append(.int(Int(value))) }
    mutating func encode(_ value: Int64) throws { append(.int(Int(value))) }
    mutating func encode(_ value: UInt) throws { append(unsignedValue(value)) }
    mutating func encode(_ value: UInt8) throws { append(.int(Int(value))) }
    mutating func encode(_ value: UInt16) throws { append(.int(Int(value))) }
    mutating func encode(_ value: UInt32) throws { append(.int(Int(value))) }
    mutating func encode(_ value: UInt64) throws { append(unsignedValue(value)) }

    mutating func encode(_ value: some Encodable) throws {
        let child = EncodingNode()
        let key = AnyCodingKey(intValue: count)
        encoder.node.elements!.append(child)
        try encoder.encode(value, into: child, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        childEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { childEncoder().unkeyedContainer() }

    mutating func superEncoder() -> any Encoder { childEncoder() }

    private func childEncoder() -> NodeEncoder {
        let child = EncodingNode()
        let key = AnyCodingKey(intValue: count)
        encoder.node.elements!.append(child)
        return NodeEncoder(node: child, codingPath: codingPath + [key], userInfo: encoder.userInfoStorage)
    }
}

private struct SingleNodeEncoder: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ value: Value) { encoder.node.value = value }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(.double(value)) }
    mutating func encode(_ value: Float) throws { set(floatValue(value)) }
    mutating func encode(_ value: Int) throws { set(.int(value)) }
    mutating func encode(_ value: Int8) throws { set(.int(Int(value))) }
    mutating func encode(_ value: Int16) throws { set(.int(Int(value))) }
    mutating func encode(_ value: Int32) throws { set(.int(Int(value))) }
    mutating func encode(_ value: Int64) throws { set(.int(Int(value))) }
    mutating func encode(_ value: UInt) throws { set(unsignedValue(value)) }
    mutating func encode(_ value: UInt8) throws { set(.int(Int(value))) }
    mutating func encode(_ value: UInt16) throws { set(.int(Int(value))) }
    mutating func encode(_ value: UInt32) throws { set(.int(Int(value))) }
    mutating func encode(_ value: UInt64) throws { set(unsignedValue(value)) }

    mutating func encode(_ value: some Encodable) throws {
        try encoder.encode(value, into: encoder.node, key: AnyCodingKey(stringValue: ""))
    }
}

/// A `Float` as the shortest decimal that reads back as it, as `JSONEncoder` writes it,
/// rather than the wider `Double` it converts to (`0.1` rather than `0.10000000149011612`).
private func floatValue(_ value: Float) -> Value {
    .double(Double(value.description) ?? Double(value))
}

private func unsignedValue(_ value: some UnsignedInteger) -> Value {
    if let number = Int(exactly: value) { return .int(number) }
    return .bigNumber(String(value))
}
