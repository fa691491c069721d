import GFSValue
import Testing

@Suite struct JSONReaderTests {
    @Test func keepsKeyOrderAndIntegerVersusFloat() throws {
        let value = try Value(json: #"{"z": 1, "a": [true, null, 2.5, -3, 3.0, 3e2], "m": {}}"#)
        guard case .record(let record) = value else {
            Issue.record("not a record: \(value)")
            return
        }
        #expect(record.keys == ["z", "a", "m"])
        #expect(record["a"] == [true, nil, .double(2.5), .int(-3), .double(3), .double(300)])
        #expect(record["m"] == .record(Record()))
    }

    @Test func readsBytesAndStringsAlike() throws {
        let text = #"{"title":"Prod","panels":[{"id":1}]}"#
        #expect(try Value(jsonUTF8: Array(text.utf8)) == Value(json: text))
        // A non-contiguous sequence takes the copying path.
        #expect(try Value(jsonUTF8: text.utf8.lazy.map { $0 }) == Value(json: text))
    }

    @Test func duplicateKeysKeepTheLastValueInTheFirstPlace() throws {
        let value = try Value(json: #"{"a": 1, "b": 2, "a": 3}"#)
        #expect(value.compactJSON == #"{"a":3,"b":2}"#)
    }

    /// Objects and arrays nested in each other's members come out whole, each with its own
    /// members only (the reader keeps the open ones' members on shared stacks).
    @Test func nestedObjectsAndArraysKeepTheirOwnMembers() throws {
        let text = #"{"a":[{"b":1,"c":[2,{"d":[]}]},[],{}],"e":{"f":{"g":[3,4]},"h":5},"i":[[1],[2,[3]]]}"#
        #expect(try Value(json: text).compactJSON == text)
        let list = #"[{"x":1},{"x":2,"y":[{"x":3}]},4]"#
        #expect(try Value(json: list).compactJSON == list)
    }

    /// Repeated keys keep their first place and last value in small objects (checked pair by
    /// pair) and large ones (more than 15 members, through a hashed insert).
    @Test(arguments: [3, 15, 16, 40])
    func repeatedKeysInObjectsOfAnySize(members: Int) throws {
        let keys = (0..<members).map { "k\($0)" }
        let text = "{" + keys.map { "\"\($0)\":0" }.joined(separator: ",") + #","k1":"last","k0":true}"#
        guard case .record(let record) = try Value(json: text) else {
            Issue.record("not a record")
            return
        }
        #expect(record.keys == keys)
        #expect(record["k0"] == true)
        #expect(record["k1"] == "last")
        let unique = "{" + keys.map { "\"\($0)\":0" }.joined(separator: ",") + "}"
        #expect(try Value(json: unique).compactJSON == unique)
    }

    /// The reader skips plain string text eight bytes at a time: a quote, an escape or a
    /// control character is found wherever it falls within or across those eight bytes.
    @Test(arguments: 0..<20)
    func stringsFindQuotesEscapesAndControlCharactersAtAnyOffset(offset: Int) throws {
        let lead = String(repeating: "a", count: offset)
        let tail = String(repeating: "z", count: 19 - offset)
        #expect(try Value(json: "\"\(lead)\"") == .string(lead))
        #expect(try Value(json: #""\#(lead)\"\#(tail)""#) == .string(lead + "\"" + tail))
        #expect(try Value(json: #""\#(lead)\n\#(tail)""#) == .string(lead + "\n" + tail))
        #expect(try Value(json: "\"\(lead)é✓\(tail)\"") == .string(lead + "é✓" + tail))
        #expect(throws: JSONSyntaxError.self) { try Value(json: "\"\(lead)\u{01}\(tail)\"") }
        #expect(throws: JSONSyntaxError.self) { try Value(json: "\"\(lead)\n\(tail)\"") }
        #expect(throws: JSONSyntaxError.self) { try Value(json: "\"\(lead)\(tail)") }
    }

    /// ASCII and other text both read back exactly, and invalid UTF-8 is still refused.
    @Test func readsASCIIAndOtherUTF8() throws {
        let text =
            #"{"plain ascii key of some length":"value \"quoted\" and more","é":"naïve ✓ 😀","mixed":"abcdefgh€"}"#
        #expect(try Value(json: text).compactJSON == text)
        var bytes = Array(#"{"a":"abcdefghij"#.utf8)
        bytes.append(0xFF)
        bytes.append(contentsOf: Array(#""}"#.utf8))
        #expect(throws: JSONSyntaxError.self) { try Value(jsonUTF8: bytes) }
    }

    @Test(arguments: [
        // Errors after a line break count lines and columns from 1.
        ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "Expected ',' or '}' in object, found '\"'"),
        ("[1,\n 2,\n]", 3, 1, "Trailing comma before ']'"),
        ("{\"a\": 1,}", 1, 9, "Trailing comma before '}'"),
        ("[1, 2", 1, 6, "Expected ',' or ']' in array, found end of input"),
        ("{\"a\": tru}", 1, 7, "Unexpected 't', expected a value"),
        ("\"abc", 1, 1, "Unterminated string"),
        ("01", 1, 2, "Leading zeros are not allowed in numbers"),
        ("1.", 1, 3, "Expected a digit after '.'"),
        ("1e+", 1, 4, "Expected a digit in the exponent"),
        ("{} x", 1, 4, "Unexpected 'x' after the JSON value"),
        ("\"a\\x\"", 1, 3, "Invalid escape sequence in string"),
        ("\"\\u12\"", 1, 6, "Expected four hex digits after \\u"),
        ("[\"a\nb\"]", 1, 4, "Unescaped newline in string"),
        ("", 1, 1, "Unexpected end of input, expected a value"),
        // Columns count characters: "é" is two bytes but one column.
        ("{\"é\": x}", 1, 7, "Unexpected 'x', expected a value"),
    ])
    func reportsLineColumnAndOffset(text: String, line: Int, column: Int, message: String) throws {
        let error = try #require(throws: JSONSyntaxError.self) { try Value(json: text) }
        #expect(error.message == message)
        #expect(error.line == line)
        #expect(error.column == column)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let lineStart = lines.prefix(line - 1).reduce(0) { $0 + $1.utf8.count + 1 }
        let columnBytes = String(lines[line - 1]).prefix(column - 1).utf8.count
        #expect(error.offset == lineStart + columnBytes)
        #expect(error.description == "\(line):\(column): \(message)")
    }

    @Test func capsTheDepthWithAClearError() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        let error = try #require(throws: JSONSyntaxError.self) { try Value(json: deep) }
        #expect(error.message == "JSON nested too deeply (more than 512 levels)")
        #expect(error.offset == 512)

        let allowed = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try Value(json: allowed) }
        #expect(throws: JSONSyntaxError.self) {
            try Value(json: "[[[1]]]", options: JSONReadingOptions(maximumDepth: 2))
        }
    }

    @Test func reportsInvalidUTF8WithItsPosition() throws {
        // `{"a":"ok` then a lone continuation byte.
        let bytes: [UInt8] = Array(#"{"a":"ok"#.utf8) + [0x80] + Array(#""}"#.utf8)
        let error = try #require(throws: JSONSyntaxError.self) { try Value(jsonUTF8: bytes) }
        #expect(error.message == "Invalid UTF-8 in string")
        #expect(error.offset == 8)
        #expect(error.line == 1)

        // After an escape, the position is still the bad byte's in the input.
        let escaped: [UInt8] = Array(#"["\n é "#.utf8) + [0xC3, 0x28] + Array(#""]"#.utf8)
        let second = try #require(throws: JSONSyntaxError.self) { try Value(jsonUTF8: escaped) }
        #expect(second.offset == 8)

        // Go's decoder replaces it instead, for the sandbox.
        let replaced = try Value(jsonUTF8: bytes, options: JSONReadingOptions(replacesInvalidUTF8: true))
        #expect(replaced == ["a": "ok\u{FFFD}"])
    }

    @Test(arguments: [
        "123456789012345678901234567890",
        "-123456789012345678901234567890",
        "9223372036854775808",
        "1e400",
        "-1e400",
        "1e-400",
        "0.1e-999",
    ])
    func keepsNumbersBeyondIntAndDoubleAsWritten(text: String) throws {
        let value = try Value(json: text)
        #expect(value == .bigNumber(text))
        #expect(value.compactJSON == text)
        #expect(value.description == text)
        let nested = #"{"n":\#(text),"list":[\#(text)]}"#
        #expect(try Value(json: nested).compactJSON == nested)
    }

    @Test func keepsTheExtremesOfIntAndDoubleAsNumbers() throws {
        #expect(try Value(json: "9223372036854775807") == .int(Int.max))
        #expect(try Value(json: "-9223372036854775808") == .int(Int.min))
        #expect(try Value(json: "1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
        #expect(try Value(json: "0e-400") == .double(0))
        #expect(try Value(json: "-0") == .int(0))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try Value(json: #""\ud83d\ude00""#) == "😀")
        #expect(try Value(json: #""a\"b\\c\/d\b\f\n\r\t\u00e9""#) == "a\"b\\c/d\u{08}\u{0C}\n\r\té")
        // A lone or misordered surrogate becomes U+FFFD, as in Go; the next escape still reads.
        #expect(try Value(json: #""\ud83d""#) == "\u{FFFD}")
        #expect(try Value(json: #""\ud83dx""#) == "\u{FFFD}x")
        #expect(try Value(json: #""\ud83d\u0041""#) == "\u{FFFD}A")
        #expect(try Value(json: #""\ude00""#) == "\u{FFFD}")
    }

    @Test func trailingContentIsAnErrorUnlessAllowed() throws {
        #expect(throws: JSONSyntaxError.self) { try Value(json: #"{"a":1} {"b":2}"#) }
        let options = JSONReadingOptions(allowsTrailingContent: true)
        #expect(try Value(json: #"{"a":1} {"b":2}"#, options: options) == ["a": 1])
    }
}
