import Foundation
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
        // Strings hashed from their bytes and strings decoded first meet in one value.
        (#"{"s":"a\"b\\c\/d"}"#, #"{"s":"a\u0022b\u005cc/d"}"#, true),
        (#"{"s":"tab\there"}"#, "{\"s\":\"tab\\u0009here\"}", true),
        (#"{"s":"caf\u00e9"}"#, #"{"s":"café"}"#, true),
        (#"{"s":"cafe\u0301"}"#, #"{"s":"café"}"#, true),
        (#"{"s":"\ud83d\ude00"}"#, #"{"s":"😀"}"#, true),
        (#"{"s":"ab"}"#, #"{"s":"a\u0000b"}"#, false),
        (#"{"s":"abcdefgh"}"#, #"{"s":"abcdefgh\u0000"}"#, false),
        (#"{"s":""}"#, #"{"s":"\u0000"}"#, false),
        (#"{"s":["ab","c"]}"#, #"{"s":["a","bc"]}"#, false),
        // Keys that differ only in how they are written are one key, also when repeated.
        (#"{"\u0069d":1,"b":2}"#, #"{"b":2,"id":1}"#, true),
        (#"{"K":1,"\u212A":2}"#, #"{"K":2}"#, true),
        (#"{"k\"ey":1}"#, #"{"k\u0022ey":1}"#, true),
        (#"{"key":1}"#, #"{"kex":1}"#, false),
        (#"{"a":{"x":1},"b":{"y":1}}"#, #"{"a":{"y":1},"b":{"x":1}}"#, false),
        // Numbers by value, whatever their spelling.
        (#"{"n":[100,1e2,100.0,1.0E+2]}"#, #"{"n":[100,100,100,100]}"#, true),
        (#"{"n":0.5}"#, #"{"n":5e-1}"#, true),
        (#"{"n":0.5}"#, #"{"n":0.25}"#, false),
        (#"{"n":-1}"#, #"{"n":1}"#, false),
        (#"{"n":12345678901234567890}"#, #"{"n":12345678901234567890}"#, true),
        (#"{"n":12345678901234567890}"#, #"{"n":12345678901234567891}"#, false),
    ])
    func digestsAgreeWithEquality(left: String, right: String, equal: Bool) throws {
        func digest(_ text: String) throws -> JSONDigest {
            try Array(text.utf8).withUnsafeBufferPointer { try JSONReader.digest($0, at: 0..<$0.count) }
        }
        #expect((try digest(left) == digest(right)) == equal)
    }

    /// Many members and long strings: the paths that hash more than one word and look for a
    /// repeated key in a table.
    @Test func largeObjectsDigestByContent() throws {
        func digest(_ text: String) throws -> JSONDigest {
            try Array(text.utf8).withUnsafeBufferPointer { try JSONReader.digest($0, at: 0..<$0.count) }
        }
        let keys = (0..<40).map { "key number \($0) with some length" }
        let forward = "{" + keys.map { "\"\($0)\":\"\($0) value\"" }.joined(separator: ",") + "}"
        let backward = "{" + keys.reversed().map { "\"\($0)\":\"\($0) value\"" }.joined(separator: ",") + "}"
        #expect(try digest(forward) == digest(backward))
        let changed = forward.replacingLast("value", with: "valuf")
        #expect(try digest(forward) != digest(changed))
        let repeated = String(forward.dropLast()) + ",\"key number 3 with some length\":0}"
        let replaced = forward.replacingFirst("\"key number 3 with some length value\"", with: "0")
        #expect(try digest(repeated) == digest(replaced))
        #expect(try digest(repeated) != digest(forward))
    }

    /// The answer read once: its members and its model's digest are what the separate reads
    /// give, and a malformed answer fails as the members read fails.
    @Test(arguments: documents + malformed)
    func membersWithADigestAreTheSeparateReads(text: String) throws {
        let bytes = Array("{\"meta\":{\"v\":1},\"dashboard\":\(text)}".utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            let expected = Result { () throws(JSONSyntaxError) in try JSONReader.objectMembers(buffer) }
            let found = Result { () throws(JSONSyntaxError) in
                try JSONReader.objectMembers(buffer, digestingObject: "dashboard", ignoring: ["id", "version"])
            }
            switch (expected, found) {
            case (.failure(let expectedError), .failure(let foundError)):
                #expect(foundError == expectedError)
            case (.success(let members?), .success(let result?)):
                #expect(result.members.members.map(\.key) == members.members.map(\.key))
                #expect(result.members.members.map(\.value) == members.members.map(\.value))
                let model = try #require(members.last("dashboard"))
                let separate = try JSONReader.digest(buffer, at: model, ignoring: ["id", "version"])
                #expect(result.digest == separate)
            default:
                Issue.record("The reads disagree on \(text)")
            }
        }
    }

    /// The file read once: its members, copy and digests are what the separate reads give,
    /// whichever members a comparison leaves out.
    @Test(arguments: documents)
    func theOnePassReadIsTheSeparateReads(text: String) throws {
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            let members = try #require(try JSONReader.objectMembers(buffer))
            let read = try #require(try JSONReader.compactObject(buffer, dropping: ["id"]))
            #expect(read.members.range == members.range)
            #expect(read.members.members.map(\.key) == members.members.map(\.key))
            #expect(read.members.members.map(\.value) == members.members.map(\.value))
            let copy = try JSONReader.compactJSON(buffer, at: members.range, dropping: ["id"])
            #expect(read.compactJSON == copy)
            let digests = try #require(read.digest)
            let written = try #require(copy)
            try written.withUnsafeBufferPointer { written in
                for ignoring: Set<String> in [[], ["version"], ["id", "version", "uid"], ["title"]] {
                    let separate = try JSONReader.digest(written, at: 0..<written.count, ignoring: ignoring)
                    #expect(digests.digest(ignoring: ignoring) == separate)
                    let ofTheFile = try JSONReader.digest(buffer, at: members.range, ignoring: ignoring.union(["id"]))
                    #expect(digests.digest(ignoring: ignoring.union(["id"])) == ofTheFile)
                }
            }
        }
    }

    @Test(arguments: malformed)
    func theOnePassReadFailsAsTheMembersReadFails(text: String) {
        let expected = Array(text.utf8).withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) in try JSONReader.objectMembers(buffer) }
        }
        let found = Array(text.utf8).withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) in try JSONReader.compactObject(buffer, dropping: ["id"]) }
        }
        switch (expected, found) {
        case (.failure(let expectedError), .failure(let foundError)): #expect(foundError == expectedError)
        case (.success(nil), .success(nil)): break
        default: Issue.record("The reads disagree on \(text)")
        }
    }

    @Test(arguments: [#"{"a":1,"b":2,"a":3}"#, #"{"x":[{"k":1,"\u006b":2}]}"#])
    func theOnePassReadCopiesNoRepeatedKey(text: String) throws {
        let read = try Array(text.utf8).withUnsafeBufferPointer { try JSONReader.compactObject($0) }
        #expect(read?.members.members.isEmpty == false)
        #expect(read?.compactJSON == nil)
        #expect(read?.digest == nil)
    }

    @Test func aModelThatIsNotAnObjectHasNoDigest() throws {
        let bytes = Array(#"{"dashboard":{"a":1},"meta":{},"dashboard":[1]}"#.utf8)
        let result = try bytes.withUnsafeBufferPointer {
            try JSONReader.objectMembers($0, digestingObject: "dashboard")
        }
        #expect(result?.members.members.count == 3)
        #expect(result?.digest == nil)
    }

    @Test func ignoredMembersOnlyAtTheTop() throws {
        func digest(_ text: String) throws -> JSONDigest {
            try Array(text.utf8).withUnsafeBufferPointer {
                try JSONReader.digest($0, at: 0..<$0.count, ignoring: ["id", "version"])
            }
        }
        #expect(try digest(#"{"id":1,"version":2,"a":{"id":3}}"#) == digest(#"{"a":{"id":3}}"#))
        #expect(try digest(#"{"a":{"id":3}}"#) != digest(#"{"a":{"id":4}}"#))
        // An ignored key is matched by its text, however it is written.
        #expect(try digest(#"{"\u0069d":1,"a":{"id":3}}"#) == digest(#"{"a":{"id":3}}"#))
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }

    fileprivate func replacingLast(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target, options: .backwards) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
