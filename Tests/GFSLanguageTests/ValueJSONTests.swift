import Testing

@testable import GFSLanguage

@Suite struct ValueJSONTests {
    @Test func parsesKeepingKeyOrderAndIntegers() throws {
        let value = try Value(json: #"{"z": 1, "a": [true, null, 2.5, -3], "m": {"s": "x\n\u00e9"}}"#)
        guard case let .record(record) = value else {
            Issue.record("not a record")
            return
        }
        #expect(record.keys == ["z", "a", "m"])
        #expect(record["z"] == .int(1))
        #expect(record["a"] == [true, nil, .double(2.5), .int(-3)])
        #expect(record["m"] == ["s": "x\né"])
    }

    @Test func roundTripsCompactly() throws {
        let text =
            #"{"id":2,"title":"Prod \"overview\"","panels":[{"gridPos":{"h":8,"w":12}}],"version":1.5,"tags":[]}"#
        #expect(try Value(json: text).compactJSON == text)
    }

    @Test func prettyPrintsWithTwoSpaces() throws {
        let value = try Value(json: #"{"a": [1, {}], "b": {"c": null}}"#)
        #expect(
            value.prettyJSON == """
                {
                  "a": [
                    1,
                    {}
                  ],
                  "b": {
                    "c": null
                  }
                }
                """
        )
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try Value(json: #""\ud83d\ude00""#) == "😀")
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9, "Trailing comma before '}'"),
        ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "Expected ',' or '}' in object, found '\"'"),
        ("[1, 2", 1, 6, "Expected ',' or ']' in array, found end of input"),
        ("{\"a\": tru}", 1, 7, "Unexpected 't', expected a value"),
        ("\"abc", 1, 1, "Unterminated string"),
        ("01", 1, 2, "Leading zeros are not allowed in numbers"),
        ("{} x", 1, 4, "Unexpected 'x' after the JSON value"),
        ("{'a': 1}", 1, 2, "Expected a string key, found '''"),
        ("", 1, 1, "Unexpected end of input, expected a value"),
    ])
    func reportsLineAndColumn(text: String, line: Int, column: Int, message: String) {
        #expect(
            throws: JSONSyntaxError(
                message: message,
                line: line,
                column: column,
                offset: offsetOf(line, column, in: text)
            )
        ) {
            try Value(json: text)
        }
    }

    func offsetOf(_ line: Int, _ column: Int, in text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.prefix(line - 1).reduce(0) { $0 + $1.utf8.count + 1 } + column - 1
    }

    @Test func describesValuesForInterpolation() {
        #expect(Value.int(3).description == "3")
        #expect(Value.double(2.0).description == "2.0")
        #expect(Value(word: "11.0").description == "11.0")
        #expect(Value.double(2.5).description == "2.5")
        #expect(Value.string("a b").description == "a b")
        #expect(Value.null.description == "null")
        #expect((["id": 1, "tags": ["a"]] as Value).description == #"{"id":1,"tags":["a"]}"#)
    }

    @Test func wordsBecomeNumbersOnlyWhenTheyPrintTheSame() {
        #expect(Value(word: "3") == .int(3))
        #expect(Value(word: "-2") == .int(-2))
        #expect(Value(word: "1.5") == .double(1.5))
        #expect(Value(word: "007") == "007")
        #expect(Value(word: "1.10") == "1.10")
        #expect(Value(word: "nan") == "nan")
        #expect(Value(word: "apiorg") == "apiorg")
    }

    @Test func equalityIsNumericAcrossIntsAndDoubles() {
        #expect(Value.int(1).isEqual(to: .double(1.0)))
        #expect(!Value.int(1).isEqual(to: "1"))
        #expect((["a": [1, 2]] as Value).isEqual(to: ["a": [.double(1), 2]]))
        #expect(Value.string("a").compare(to: "b") == -1)
        #expect(Value.int(2).compare(to: .double(1.5)) == 1)
        #expect(Value.int(2).compare(to: "x") == nil)
    }
}
