import Foundation
import Testing

@testable import GFSValue

/// The one-loop walk (`JSONWalker`) against `Parser`'s walks, which it must match exactly:
/// the members and their ranges, the compact copy, the digests, and the errors.
struct JSONWalkerTests {
    /// Documents the walk reads itself (it must not give up on them).
    static let walked: [String] = [
        #"{}"#,
        #"{"a":1}"#,
        #"{"id":7,"title":"T","panels":[{"id":1,"gridPos":{"h":8,"w":12,"x":0,"y":-3}},[],{}],"tags":["a","b"]}"#,
        "{ \"id\" : 1 ,\n \"title\" :\t\"T\" , \"list\" : [ 1 , [ ] , { } , { \"k\" : null } ] }\r\n",
        #"{"expr":"sum(rate(x{job=\"api\"}[5m]))","tab":"a\tb\\c\nd\re\bf\fg"}"#,
        #"{"slash":"a\/b","unicode":"\u0041\u001f\u0000x","quote":"\u0022"}"#,
        #"{"e\u0041":1,"k\"ey":{"in\/ner":[true,false,null]}}"#,
        #"{"n":[0,-0,12345678901234567,-123456789012345678,1.5,-0.0,1e2,2E-3,123456789012345678901234567890]}"#,
        #"{"long":"a string that is longer than eight bytes, and longer than sixteen too"}"#,
        #"{"dashboard":{"id":3,"version":2,"title":"T","panels":[]},"meta":{"slug":"t"}}"#,
        #"{"dashboard":[1,2],"meta":{}}"#,
        #"{"dashboard":{"a":{"a":{"a":1}},"b":[{"a":1},{"a":1}]},"meta":{"more":1}}"#,
        #"{"beyond":"caf\u00e9 – \u2028 ✓","é":"e\u0301"}"#,
        "{\"title\":\"a\u{301}\",\"x\":[\"ÿ\"]}",
    ]

    /// Documents it gives up on, or that are not JSON: `Parser` answers for them.
    static let others: [String] = [
        #"{"a":1,"a":2}"#,
        #"{"x":{"b":1,"c":2,"b":3}}"#,
        #"{"dashboard":{"t":1},"dashboard":{"t":2}}"#,
        #"{"dashboard":{"k":1,"k":2}}"#,
        #"{"dashboard":{"a":1},"meta":{"dup":1,"dup":2}}"#,
        #"[1,2]"#,
        #""text""#,
        #"{"a":1,}"#,
        #"{"a":[1,]}"#,
        #"{"a" 1}"#,
        #"{"a":01}"#,
        #"{"a":-}"#,
        #"{"a":1.}"#,
        #"{"a":tru}"#,
        #"{"a":nul"#,
        #"{"a":"x"#,
        "{\"a\":\"x\ny\"}",
        #"{"a":"\x"}"#,
        #"{"a":"\u12"}"#,
        #"{"a":1} x"#,
        #"{"a":[1 2]}"#,
        #"{"a":{"b":1 "c":2}}"#,
        #"{"a":1"#,
        #"{"#,
        "       {\n  \"dashboard\":",
        #"{"dashboard":"#,
        #"{"dashboard": "#,
        #"{"a":"#,
        #"{"a":-"#,
        #"{"a":[1,"#,
        #"{"a":{"b":"#,
        #"{"a":"abc\"#,
        "{\"a\":\"\u{7F}\"} ",
    ]

    @Test(arguments: walked + others)
    func compactObjectMatchesParser(_ text: String) throws {
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { bytes in
            let walked = Result { () throws(JSONSyntaxError) in try JSONReader.compactObject(bytes, dropping: ["id"]) }
            let stepwise = Result { () throws(JSONSyntaxError) in
                try JSONReader.compactObjectStepwise(bytes, dropping: ["id"])
            }
            switch (walked, stepwise) {
            case (.failure(let error), .failure(let expected)):
                #expect(error == expected)
            case (.success(let read), .success(let expected)):
                #expect(read?.members.range == expected?.members.range)
                #expect(read?.members.members.map(\.key) == expected?.members.members.map(\.key))
                #expect(read?.members.members.map(\.value) == expected?.members.members.map(\.value))
                #expect(read?.compactJSON == expected?.compactJSON)
                #expect(read?.digest == expected?.digest)
            default:
                Issue.record("One read fails and the other does not: \(walked) against \(stepwise)")
            }
            if Self.walked.contains(text) {
                #expect(JSONReader.walkCompactObject(bytes, options: .strict, dropping: ["id"]) != nil)
            }
        }
    }

    @Test(arguments: walked + others)
    func digestingObjectMatchesParser(_ text: String) throws {
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { bytes in
            let walked = Result { () throws(JSONSyntaxError) in
                try JSONReader.objectMembers(bytes, digestingObject: "dashboard", ignoring: ["id", "version"])
            }
            let stepwise = Result { () throws(JSONSyntaxError) in
                try JSONReader.objectMembersStepwise(bytes, digestingObject: "dashboard", ignoring: ["id", "version"])
            }
            switch (walked, stepwise) {
            case (.failure(let error), .failure(let expected)):
                #expect(error == expected)
            case (.success(let read), .success(let expected)):
                #expect(read?.members.range == expected?.members.range)
                #expect(read?.members.members.map(\.key) == expected?.members.members.map(\.key))
                #expect(read?.members.members.map(\.value) == expected?.members.members.map(\.value))
                #expect(read?.digest == expected?.digest)
            default:
                Issue.record("One read fails and the other does not: \(walked) against \(stepwise)")
            }
            if Self.walked.contains(text) {
                let fast = JSONReader.walkObjectMembers(
                    bytes,
                    options: .strict,
                    digestingObject: "dashboard",
                    ignoring: ["id", "version"]
                )
                #expect(fast != nil)
            }
        }
    }

    /// A file's model and the same model fetched back (keys reordered, Go's escapes, ids
    /// and versions changed) digest alike, whichever reads them.
    @Test func fileAndAnswerDigestAlike() throws {
        let file = #"{"id":1,"title":"A <b> & c","panels":[{"id":2,"expr":"x{a=\"b\"}"}],"version":3}"#
        let answer =
            #"{"meta":{"slug":"a"},"dashboard":{"panels":[{"expr":"x{a=\"b\"}","id":2}],"version":9,"id":5,"#
            + #""title":"A \u003cb\u003e \u0026 c"}}"#
        let fileDigest = try Array(file.utf8).withUnsafeBufferPointer { bytes in
            try #require(JSONReader.walkCompactObject(bytes, options: .strict, dropping: ["id"])?.digest)
        }
        let answerDigest = try Array(answer.utf8).withUnsafeBufferPointer { bytes in
            try #require(
                JSONReader.walkObjectMembers(
                    bytes,
                    options: .strict,
                    digestingObject: "dashboard",
                    ignoring: ["id", "version"]
                )?.digest
            )
        }
        #expect(fileDigest.digest(ignoring: ["version"]) == answerDigest)
        let changed = answer.replacingOccurrences(of: #""id":2"#, with: #""id":3"#)
        let changedDigest = try Array(changed.utf8).withUnsafeBufferPointer { bytes in
            try JSONReader.objectMembers(bytes, digestingObject: "dashboard", ignoring: ["id", "version"])?.digest
        }
        #expect(changedDigest != answerDigest)
    }
}
