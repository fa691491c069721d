public import OrderedCollections

/// An ordered string-keyed record: the order of a JSON object's keys is kept, so a value
/// prints and serialises in the order Grafana sent it.
///
/// Setting an existing key replaces its value in place (so a JSON document with a repeated
/// key keeps the last value, as Go's decoder does); setting `nil` removes the key.
public struct Record: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// The entries in order. Public so callers can use `OrderedDictionary`'s API directly.
    public var entries: OrderedDictionary<String, Value>

    /// An empty record.
    public init() { entries = [:] }

    /// A record from key/value pairs in order; a repeated key keeps its first position and
    /// its last value.
    public init(_ pairs: [(String, Value)]) {
        entries = OrderedDictionary(minimumCapacity: pairs.count)
        for (key, value) in pairs { entries[key] = value }
    }

    /// A record literal, `["id": 2, "name": "apiorg"]`, in the order written.
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init(elements)
    }

    /// A record over `entries` as they are.
    public init(_ entries: OrderedDictionary<String, Value>) {
        self.entries = entries
    }

    /// The keys in order.
    public var keys: [String] { entries.keys.elements }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public subscript(key: String) -> Value? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    public func makeIterator() -> Iterator {
        Iterator(base: entries.makeIterator())
    }

    /// The entries in order, as `(key, value)`. Its own type, so iterating a record needs no
    /// import of `OrderedCollections`.
    public struct Iterator: IteratorProtocol {
        var base: OrderedDictionary<String, Value>.Iterator

        public mutating func next() -> (key: String, value: Value)? { base.next() }
    }

    public var underestimatedCount: Int { entries.count }

    /// The same record with its keys in byte order, as Go's `json.Marshal` writes a map.
    public func sortedByKey() -> Record {
        // Every dashboard save and every map-backed answer comes through here, so it tests
        // the order first (many records are already sorted: nothing is built for them) and
        // otherwise sorts positions and builds the result once, with no hashing (the keys
        // are unique already), instead of `OrderedDictionary.sort`'s copy into pairs and back.
        let keys = entries.keys
        var isSorted = true
        var index = keys.startIndex
        while isSorted, index + 1 < keys.endIndex {
            isSorted = Self.precedesInBytes(keys[index], keys[index + 1])
            index += 1
        }
        if isSorted { return self }
        let order = keys.indices.sorted { Self.precedesInBytes(keys[$0], keys[$1]) }
        let values = entries.values
        return Record(
            OrderedDictionary(uncheckedUniqueKeys: order.lazy.map { keys[$0] }, values: order.lazy.map { values[$0] })
        )
    }

    /// Changes each value in place, keeping the keys and their order (nothing is rehashed).
    public mutating func modifyValues(_ body: (inout Value) throws -> Void) rethrows {
        for index in entries.values.indices { try body(&entries.values[index]) }
    }

    /// Whether `a` comes before `b` in the byte order of their UTF-8, as Go compares strings.
    static func precedesInBytes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { first in b.withUTF8 { second in first.lexicographicallyPrecedes(second) } }
    }

    /// Records compare equal when they hold the same keys with equal values, in any order,
    /// as JSON objects do.
    public static func == (lhs: Record, rhs: Record) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (key, value) in lhs.entries {
            guard rhs.entries[key] == value else { return false }
        }
        return true
    }

    /// Order-independent, to agree with `==`.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for (key, value) in entries {
            var entryHasher = Hasher()
            entryHasher.combine(key)
            entryHasher.combine(value)
            combined ^= entryHasher.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(combined)
    }
}
