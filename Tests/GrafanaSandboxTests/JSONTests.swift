import Foundation
import Testing

@testable import GrafanaSandbox

/// The sandbox's JSON writer against Go's `encoding/json`, and its parser against bad input.
@Suite struct JSONTests {
    @Test(arguments: [
        (1.0, "1"), (1.5, "1.5"), (-0.25, "-0.25"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (1.234e-7, "1.234e-7"), (0.000001, "0.000001"), (123456789.125, "123456789.125"), (1e-7, "1e-7"),
    ])
    func floatsAreWrittenAsGoWritesThem(value: Double, expected: String) {
        #expect(JSONValue.double(value).encoded() == expected)
    }

    @Test func stringsAreEscapedAsGoEscapesThem() {
        let value: JSONValue = .string("a\"b\\c\n\t<>&\u{01}\u{2028}é😀")
        #expect(value.encoded() == #""a\"b\\c\n\t\u003c\u003e\u0026\u0001\u2028é😀""#)
    }

    @Test func mapsAreSortedStructsKeepTheirOrder() {
        #expect(JSONValue.map([("z", 1), ("a", 2), ("B", 3)]).encoded() == #"{"B":3,"a":2,"z":1}"#)
        let ordered: JSONValue = ["z": 1, "a": 2]
        #expect(ordered.encoded() == #"{"z":1,"a":2}"#)
    }

    @Test func indentedFormMatchesMarshalIndent() {
        let value: JSONValue = ["database": "ok", "list": [1, [] as JSONValue], "empty": [:] as JSONValue]
        #expect(
            value.encodedIndented()
                == "{\n  \"database\": \"ok\",\n  \"list\": [\n    1,\n    []\n  ],\n  \"empty\": {}\n}"
        )
    }

    @Test func parserKeepsOrderIntegersAndLastDuplicate() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":2.0,"b":3,"c":[true,null,"\u00e9"]}"#)
        #expect(value.objectValue?.keys == ["b", "a", "c"])
        #expect(value["b"] == .int(3))
        #expect(value["a"] == .double(2.0))
        #expect(value["c"] == [true, nil, "é"])
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\"1}", "[01]", "1.", "-", "\"\\x\"", "tru", "\"\u{01}\"", "{\"a\":1,}"])
    func parserRejectsMalformedDocuments(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test func parserRefusesDeepNesting() {
        let deep =
            String(repeating: "[", count: JSONParser.maximumDepth + 1)
            + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONParser.parse(fine)) != nil)
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
