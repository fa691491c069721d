import GFSValue
import Testing

/// The reads that build no tree (`objectMembers`, `compactJSON`, `digest`) against what the
/// tree gives for the same text.
@Suite struct JSONStreamingTests {
    static let documents: [String] = [
        #"{"uid":"bench-1","title":"Bench 1","panels":[{"id":1,"gridPos":{"h":8,"w":12}}]}"#,
        "{\n  \"id\": 7,\n  \"uid\": \"u\",\n  \"title\": \"T\",\n  \"version\": 3,\n  \"panels\": [ {\"id\": 1} ]\n}",
        #"{"title":"caf\u00e9 \"q\" \/ \t \u0001 😀 \ud83d\ude00 \ud800 x","uid":"","x":"é","\u006bey":"\u212A"}"#,
        #"{"a":[0,-0,1.0,1e2,-1.5E-3,12345678901234567890,1e400,-9223372036854775808,0.1,3.14159,1e-400]}"#,
        #"{"a":{},"b":[],"c":null,"d":true,"e":false,"id":null,"f":[[],[{}],[[1]]]}"#,
        #"{"we\"ird":1,"new\nline":2,"<html>&":"\u2028"}"#,
        #"  {"padded" : [ 1 , 2 ] }  "#,
    ]

    /// Malformed documents: each read reports what the tree reader reports, at the same place.
    static let malformed: [String] = [
        "", "{", #"{"a" 1}"#, #"{"a":1,}"#, #"{"a":[1,]}"#, #"{"a":tru}"#, #"{"a":"x"#, "{\"a\":\"\u{1}\"}",
        #"{"a":"\q"}"#, #"{"a":"\u12"}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":1e}"#, #"{"a":1} x"#,
        "{\"a\":\n [1 2]}", #"{1:2}"#, #"{"a":[}"#, "[1,2",
    ]

    @Test(arguments: documents)
    func compactCopyIsWhatTheTreeWrites(text: String) throws {
        let tree = try Value(json: text)
        let bytes = Array(text.utf8)
        let copy = try bytes.withUnsafeBufferPointer { buffer in
            let members = try #require(try JSONReader.objectMembers(buffer))
            return try JSONReader.compactJSON(buffer, at: members.range)
        }
        #expect(copy.map { String(decoding: $0, as: UTF8.self) } == tree.compactJSON)
    }

    @Test(arguments: documents)
    func droppingAndReplacingIsWhatTheRecordDoes(text: String) throws {
        guard case .record(var record) = try Value(json: text) else {
            Issue.record("not an object")
            return
        }
        record["id"] = nil
        record["uid"] = .string("new \"uid\"")
        let bytes = Array(text.utf8)
        let copy = try bytes.withUnsafeBufferPointer { buffer in
            let members = try #require(try JSONReader.objectMembers(buffer))
            return try JSONReader.compactJSON(
                buffer,
                at: members.range,
                dropping: ["id"],
                replacing: ("uid", .string("new \"uid\""))
            )
        }
        #expect(copy.map { String(decoding: $0, as: UTF8.self) } == Value.record(record).compactJSON)
    }

    @Test(arguments: documents)
    func membersHoldTheValuesTheTreeHolds(text: String) throws {
        guard case .record(let record) = try Value(json: text) else {
            Issue.record("not an object")
            return
        }
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            let members = try #require(try JSONReader.objectMembers(buffer))
            #expect(members.members.map(\.key) == record.keys)
            for (key, range) in members.members {
                #expect(JSONReader.value(buffer, at: range) == record[key])
            }
        }
    }

    /// A repeated key keeps its first place and last value in a record; a one-pass copy
    /// cannot, and says so instead of writing something else.
    @Test(arguments: [
        #"{"a":1,"b":2,"a":3}"#,
        #"{"x":[{"k":1,"k":2}]}"#,
        "{" + (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k3\":0}",
    ])
    func aRepeatedKeyIsNotCopied(text: String) throws {
        let bytes = Array(text.utf8)
        let copy = try bytes.withUnsafeBufferPointer { try JSONReader.compactJSON($0, at: 0..<$0.count) }
        #expect(copy == nil)
    }

    @Test(arguments: malformed)
    func malformedTextFailsAsTheTreeReaderFails(text: String) {
        var expected: JSONSyntaxError?
        do { _ = try Value(json: text) } catch { expected = error }
        #expect(expected != nil)
        var found: JSONSyntaxError?
        do {
            _ = try Array(text.utf8).withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
                try JSONReader.objectMembers(buffer)
            }
        } catch {
            found = error
        }
        #expect(found == expected)
    }

    @Test func invalidUTF8FailsAsTheTreeReaderFails() {
        // {"a":"<FF>x"} and a stray byte outside a string.
        for bytes: [UInt8] in [[0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x78, 0x22, 0x7D], [0x7B, 0xC3, 0x7D]] {
            var expected: JSONSyntaxError?
            do { _ = try Value(jsonUTF8: bytes) } catch { expected = error }
            var found: JSONSyntaxError?
            do {
                _ = try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
                    try JSONReader.objectMembers(buffer)
                }
            } catch {
                found = error
            }
            #expect(expected != nil)
            #expect(found == expected)
        }
    }

    @Test func otherDocumentsHaveNoMembers() throws {
        for text in ["[1, {\"a\": 2}]", "\"x\"", "3", "null"] {
            #expect(try Array(text.utf8).withUnsafeBufferPointer { try JSONReader.objectMembers($0) } == nil)
        }
    }

    /// Digests agree with equality as data: key order, escapes, number spellings, canonically
    /// equal strings and a repeated key's last value do not count; structure and values do.
    @Test(arguments: [
        (#"{"a":1,"b":[1,2]}"#, #"{ "b" : [ 1 , 2.0 ], "a" : 1.0 }"#, true),
        (#"{"s":"\u0041\/"}"#, #"{"s":"A/"}"#, true),
        (#"{"s":"\u212A"}"#, #"{"s":"K"}"#, true),
        (#"{"a":1,"a":2}"#, #"{"a":2}"#, true),
        (#"{"a":1,"a":2}"#, #"{"a":1}"#, false),
        (#"{"a":[[1],2]}"#, #"{"a":[[1,2]]}"#, false),
        (#"{"a":[1,2]}"#, #"{"a":[2,1]}"#, false),
        (#"{"a":1e15}"#, #"{"a":1000000000000000}"#, false),
        (#"{"a":-0.0}"#, #"{"a":0}"#, true),
        (#"{"a":1e400}"#, #"{"a":1e400}"#, true),
        (#"{"a":1e400}"#, #"{"a":1E400}"#, false),
        (#"{"a":"1"}"#, #"{"a":1}"#, false),
        (#"{"a":null}"#, #"{}"#, false),
        (#"{"a":{"b":{}}}"#, #"{"a":{"b":[]}}"#, false),
        (#"{"a":true}"#, #"{"a":false}"#, false),
    ])
    func digestsAgreeWithEquality(left: String, right: String, equal: Bool) throws {
        func digest(_ text: String) throws -> JSONDigest {
            try Array(text.utf8).withUnsafeBufferPointer { try JSONReader.digest($0, at: 0..<$0.count) }
        }
        #expect((try digest(left) == digest(right)) == equal)
    }

    @Test func ignoredMembersOnlyAtTheTop() throws {
        func digest(_ text: String) throws -> JSONDigest {
            try Array(text.utf8).withUnsafeBufferPointer {
                try JSONReader.digest($0, at: 0..<$0.count, ignoring: ["id", "version"])
            }
        }
        #expect(try digest(#"{"id":1,"version":2,"a":{"id":3}}"#) == digest(#"{"a":{"id":3}}"#))
        #expect(try digest(#"{"a":{"id":3}}"#) != digest(#"{"a":{"id":4}}"#))
    }
}
