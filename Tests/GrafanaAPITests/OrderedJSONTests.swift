import Foundation
import Testing

@testable import GrafanaAPI

@Suite struct OrderedJSONTests {
    @Test func roundTripKeepsOrderAndNumbers() throws {
        let text = #"{"z":1,"a":[true,false,null,-0.50,1e3],"m":{"y":"x\"\\\n\u00e9\ud83d\ude00","b":{}}}"#
        let value = try OrderedJSON.parse(Data(text.utf8))
        #expect(
            String(decoding: value.serialized, as: UTF8.self)
                == #"{"z":1,"a":[true,false,null,-0.50,1e3],"m":{"y":"x\"\\\né😀","b":{}}}"#
        )
    }

    @Test func memberBytesAreExact() throws {
        let text = #"{ "meta": {"a":1}, "dashboard" : { "b" : [ 1, 2 ] , "a":"}" } }"#
        let bytes = try #require(try OrderedJSON.memberBytes("dashboard", in: Data(text.utf8)))
        #expect(String(decoding: bytes, as: UTF8.self) == #"{ "b" : [ 1, 2 ] , "a":"}" }"#)
        #expect(try OrderedJSON.memberBytes("missing", in: Data(text.utf8)) == nil)
    }

    @Test(arguments: [#"{"a":1,}"#, #"{"a" 1}"#, "[1 2]", #"{"a":01}"#, #""unterminated"#, "tru", #"{"a":1} x"#, ""])
    func rejectsMalformed(text: String) {
        #expect(throws: OrderedJSON.SyntaxError.self) { try OrderedJSON.parse(Data(text.utf8)) }
    }
}
