import GFSValue
import Testing

@Suite struct JSONWriterTests {
    @Test func roundTripsCompactly() throws {
        let text =
            #"{"id":2,"title":"Prod \"overview\"","panels":[{"gridPos":{"h":8,"w":12}}],"version":1.5,"tags":[]}"#
        #expect(try Value(json: text).compactJSON == text)
        #expect(try Value(json: text).jsonBytes() == Array(text.utf8))
    }

    @Test func prettyPrintsWithTwoSpacesAsGrafanaExports() throws {
        let value = try Value(json: #"{"a": [1, {}], "b": {"c": null}, "d": []}"#)
        #expect(
            value.prettyJSON == """
                {
                  "a": [
                    1,
                    {}
                  ],
                  "b": {
                    "c": null
                  },
                  "d": []
                }
                """
        )
    }

    @Test func escapesWhatJSONRequires() throws {
        let value: Value = .string("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}/<>&\u{2028}é😀")
        #expect(value.compactJSON == #""a\"b\\c\n\r\t\b\f\u0001\u001f/<>&"# + "\u{2028}é😀\"")
        #expect(try Value(json: value.compactJSON) == value)
    }

    @Test func goEscapingIsHTMLSafeAsJSONMarshal() {
        let value: Value = .string("a\"b\\c\n\t<>&\u{01}\u{08}\u{2028}\u{2029}é😀")
        #expect(
            value.jsonString(options: .go) == #""a\"b\\c\n\t\u003c\u003e\u0026\u0001\u0008\u2028\u2029é😀""#
        )
    }

    @Test(arguments: [
        (1.0, "1"), (1.5, "1.5"), (-0.25, "-0.25"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (1.234e-7, "1.234e-7"), (0.000001, "0.000001"), (123456789.125, "123456789.125"), (1e-7, "1e-7"),
        (-0.0, "-0"), (Double.infinity, "null"),
    ])
    func goFloatsAsJSONMarshal(value: Double, expected: String) {
        #expect(Value.double(value).jsonString(options: .go) == expected)
    }

    @Test func swiftFloatsReadBackAsDoubles() throws {
        for number in [1.0, 2.5, 1e20, 1e-7, 0.1] {
            let text = Value.double(number).compactJSON
            #expect(try Value(json: text) == .double(number), "\(text)")
        }
        #expect(Value.double(.nan).compactJSON == "null")
    }

    @Test func integersAtTheExtremes() {
        #expect(Value.int(Int.min).compactJSON == "-9223372036854775808")
        #expect(Value.int(Int.max).compactJSON == "9223372036854775807")
        #expect(Value.int(0).compactJSON == "0")
        #expect(Value.int(-7).compactJSON == "-7")
    }

    @Test func keysInRecordOrderOrSortedAsGoMaps() {
        let value: Value = ["z": 1, "a": ["y": 2, "b": 3], "B": 4]
        #expect(value.compactJSON == #"{"z":1,"a":{"y":2,"b":3},"B":4}"#)
        #expect(value.jsonString(options: JSONWritingOptions(sortsKeys: true)) == #"{"B":4,"a":{"b":3,"y":2},"z":1}"#)
        guard case .record(let record) = value else { return }
        #expect(record.sortedByKey().keys == ["B", "a", "z"])
    }

    /// Byte order of the keys' UTF-8 (Go's string order), for records already in order, in
    /// reverse, and large enough (over 15 keys) to be hashed; values stay with their keys.
    @Test(arguments: [0, 1, 2, 15, 16, 40])
    func sortedByKeyIsByteOrderWithValuesKept(count: Int) {
        let keys = (0..<count).map { "k\($0)" } + ["é", "Z", "z", "_"].prefix(count)
        let expected = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for order in [keys, keys.reversed(), expected] {
            let record = Record(order.map { ($0, Value.string("v" + $0)) })
            let sorted = record.sortedByKey()
            #expect(sorted.keys == expected)
            #expect(sorted.map { $0.value } == expected.map { .string("v" + $0) })
            #expect(sorted == record)
        }
    }

    @Test func recordsCompareAndHashInAnyKeyOrder() {
        let left = Record([("a", 1), ("b", [1, 2])])
        let right = Record([("b", [1, 2]), ("a", 1)])
        #expect(left == right)
        #expect(left.hashValue == right.hashValue)
        #expect(Set([Value.record(left), .record(right)]).count == 1)
        #expect(left != Record([("a", 1)]))
        #expect(left != Record([("a", 2), ("b", [1, 2])]))
    }

    @Test func recordSettersReplaceInPlaceAndRemove() {
        var record = Record([("a", 1), ("b", 2), ("c", 3)])
        record["a"] = 9
        record["b"] = nil
        record["d"] = 4
        #expect(record.keys == ["a", "c", "d"])
        #expect(record.map(\.key) == ["a", "c", "d"])
        #expect(record["a"] == 9)
        #expect(record.count == 3)
    }
}
