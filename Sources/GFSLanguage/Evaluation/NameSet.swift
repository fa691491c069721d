/// A set of variable names in the order they were inserted, for the checker's and the
/// linter's lookups, which run for every variable a script binds or reads.
///
/// `Set<String>` hashes each name with SipHash through `Hasher` (seeding, combining and
/// finalising cost more than the lookup itself for names such as `a12`); this set hashes
/// the bytes with FNV-1a into an open-addressed table. Linear probing keeps a simple
/// invariant, that the table is what inserting `names` in order into an empty one gives, so
/// the last name inserted can be taken out again (`removeLast()`) by clearing its slot.
struct NameSet {
    /// The names, in the order inserted.
    private(set) var names: [String] = []
    /// For each slot, one more than the position in `names` of the name stored there; 0 when
    /// the slot is empty. The count is a power of two, at least twice `names.count`.
    private var slots: [Int32]

    init() {
        slots = Array(repeating: 0, count: 16)
    }

    init(_ names: some Sequence<String>) {
        self.init()
        for name in names { insert(name) }
    }

    var count: Int { names.count }

    func contains(_ name: String) -> Bool {
        let mask = slots.count - 1
        var slot = Self.hash(name) & mask
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { return false }
            if names[stored - 1] == name { return true }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `name`; `false` when it was already there.
    @discardableResult
    mutating func insert(_ name: String) -> Bool {
        let mask = slots.count - 1
        var slot = Self.hash(name) & mask
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { break }
            if names[stored - 1] == name { return false }
            slot = (slot + 1) & mask
        }
        names.append(name)
        slots[slot] = Int32(truncatingIfNeeded: names.count)
        if names.count * 2 > slots.count { rehash(capacity: slots.count * 2) }
        return true
    }

    /// Takes out the name inserted last and returns it.
    @discardableResult
    mutating func removeLast() -> String {
        let name = names[names.count - 1]
        let mask = slots.count - 1
        var slot = Self.hash(name) & mask
        while Int(slots[slot]) != names.count { slot = (slot + 1) & mask }
        slots[slot] = 0
        names.removeLast()
        return name
    }

    private mutating func rehash(capacity: Int) {
        slots = Array(repeating: 0, count: capacity)
        let mask = capacity - 1
        for (position, name) in names.enumerated() {
            var slot = Self.hash(name) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(truncatingIfNeeded: position + 1)
        }
    }

    /// FNV-1a over the name's UTF-8 bytes, with the high bits folded in so that the mask
    /// of a small table sees all of them.
    static func hash(_ name: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let done: Void? = name.utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        if done == nil {
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
