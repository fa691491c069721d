import Testing

@testable import GFSLanguage

@Suite struct RecordTests {
    @Test func keepsInsertionOrder() {
        var record = Record()
        record["name"] = "apiorg"
        record["id"] = 2
        record["address"] = .null
        #expect(record.keys == ["name", "id", "address"])
    }

    @Test func removingAKeyDropsItFromTheOrder() {
        var record: Record = Record([("a", 1), ("b", 2)])
        record["a"] = nil
        #expect(record.keys == ["b"])
        #expect(record["a"] == nil)
    }

    @Test func equalityIgnoresKeyOrderAsJSONObjectsDo() {
        #expect(Record([("a", 1), ("b", 2)]) == Record([("b", 2), ("a", 1)]))
        #expect(Record([("a", 1)]) != Record([("a", 2)]))
    }
}
