import Foundation
import GFSValue
import Testing

@testable import GrafanaSandbox

/// The shared JSON writer with the sandbox's Go options against Go's `encoding/json`, and the
/// reader with Grafana's request-binding options against bad input.
@Suite struct JSONTests {
    @Test(arguments: [
        (1.0, "1"), (1.5, "1.5"), (-0.25, "-0.25"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (1.234e-7, "1.234e-7"), (0.000001, "0.000001"), (123456789.125, "123456789.125"), (1e-7, "1e-7"),
    ])
    func floatsAreWrittenAsGoWritesThem(value: Double, expected: String) {
        #expect(Value.double(value).encoded() == expected)
    }

    @Test func stringsAreEscapedAsGoEscapesThem() {
        let value: Value = .string("a\"b\\c\n\t<>&\u{01}\u{2028}é😀")
        #expect(value.encoded() == #""a\"b\\c\n\t\u003c\u003e\u0026\u0001\u2028é😀""#)
    }

    @Test func mapsAreSortedStructsKeepTheirOrder() {
        #expect(Value.map([("z", 1), ("a", 2), ("B", 3)]).encoded() == #"{"B":3,"a":2,"z":1}"#)
        let ordered: Value = ["z": 1, "a": 2]
        #expect(ordered.encoded() == #"{"z":1,"a":2}"#)
    }

    @Test func indentedFormMatchesMarshalIndent() {
        let value: Value = ["database": "ok", "list": [1, [] as Value], "empty": [:] as Value]
        #expect(
            value.encodedIndented()
                == "{\n  \"database\": \"ok\",\n  \"list\": [\n    1,\n    []\n  ],\n  \"empty\": {}\n}"
        )
    }

    @Test func parserKeepsOrderIntegersAndLastDuplicate() throws {
        let value = try Value(json: #"{"b":1,"a":2.0,"b":3,"c":[true,null,"\u00e9"]}"#, options: .goDecoder)
        #expect(value.objectValue?.keys == ["b", "a", "c"])
        #expect(value["b"] == .int(3))
        #expect(value["a"] == .double(2.0))
        #expect(value["c"] == [true, nil, "é"])
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\"1}", "[01]", "1.", "-", "\"\\x\"", "tru", "\"\u{01}\"", "{\"a\":1,}"])
    func parserRejectsMalformedDocuments(text: String) {
        #expect(throws: JSONSyntaxError.self) { try Value(json: text, options: .goDecoder) }
    }

    @Test func parserRefusesDeepNesting() {
        let limit = JSONReadingOptions.goDecoder.maximumDepth
        let deep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(throws: JSONSyntaxError.self) { try Value(json: deep, options: .goDecoder) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? Value(json: fine, options: .goDecoder)) != nil)
    }

    /// Grafana's `web.Bind` decodes one value with `json.Decoder` and leaves the rest unread;
    /// invalid UTF-8 in a string becomes U+FFFD as in Go.
    @Test func requestBodiesAreReadAsGoDecoderReadsThem() throws {
        #expect(try Value(json: #"{"a":1} trailing"#, options: .goDecoder) == ["a": 1])
        let bytes: [UInt8] = Array(#"{"name":"a"#.utf8) + [0xFF] + Array(#""}"#.utf8)
        #expect(try Value(jsonUTF8: bytes, options: .goDecoder) == ["name": "a\u{FFFD}"])
    }

    @Test func versionsParseAndCompare() throws {
        #expect(GrafanaVersion("11.4.0") == .v11_4_0)
        #expect(GrafanaVersion("v9.5")?.description == "9.5.0")
        #expect(GrafanaVersion("11.3.0-75420.patch2-75797")?.suffix == "75420.patch2-75797")
        #expect(GrafanaVersion("eleven") == nil)
        #expect(GrafanaVersion("1.2.3.4") == nil)
        #expect(try #require(GrafanaVersion("11.2.9")) < GrafanaVersion("11.3.0")!)
        #expect(GrafanaVersion("11.2.9")!.legacyKeys == .available)
        #expect(GrafanaVersion("11.3.0")!.legacyKeys == .creationGone)
        #expect(GrafanaVersion("12.0.5")!.legacyKeys == .creationGone)
        #expect(GrafanaVersion("12.1.0")!.legacyKeys == .removed)
    }
}

@Suite struct ConcurrencyTests {
    /// Parallel writers go through the store actor one at a time: no lost updates, no
    /// duplicate ids.
    @Test func parallelSavesGetDistinctIDs() async throws {
        try await withSandbox { client in
            let ids = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await client.post("/api/dashboards/db", #"{"dashboard":{"title":"Board \#(index)"}}"#)[
                            "id"
                        ]?.integerValue
                    }
                }
                var ids: [Int64] = []
                for try await id in group { if let id { ids.append(id) } }
                return ids
            }
            #expect(ids.count == 40)
            #expect(Set(ids).count == 40)
            #expect(try await client.get("/api/search?type=dash-db").json?.arrayValue?.count == 40)
        }
    }
}
