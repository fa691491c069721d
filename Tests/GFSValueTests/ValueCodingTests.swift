import Foundation
import GFSValue
import GrafanaAPI
import Testing

/// `ValueEncoder` and `ValueDecoder` against the client's models: a model read from a value
/// equals the one `JSONDecoder` reads from the same text, and encodes back to that value.
@Suite struct ValueCodingTests {
    static let orgDetails =
        #"{"id":2,"name":"apiorg","address":{"address1":"1 Main St","address2":"","city":"Oslo","zipCode":"0150","state":"","country":"NO"}}"#
    static let serviceAccountPage =
        #"{"totalCount":1,"serviceAccounts":[{"id":3,"uid":"sa1","name":"ci","login":"sa-1-ci","orgId":1,"role":"Editor","isDisabled":false,"tokens":2,"avatarUrl":"/avatar/x","isExternal":false}],"page":1,"perPage":1000}"#
    static let dashboardMeta =
        #"{"type":"db","slug":"prod","url":"/d/abc/prod","version":3,"canSave":true,"folderUid":"ops"}"#
    static let token =
        #"{"id":7,"name":"deploy","created":"2026-11-30T10:00:00Z","secondsUntilExpiration":86399.5,"hasExpired":false}"#

    @Test func orgDetailsRoundTrip() throws {
        try expectRoundTrip(OrgDetails.self, Self.orgDetails)
    }

    @Test func serviceAccountPageRoundTrip() throws {
        try expectRoundTrip(ServiceAccountPage.self, Self.serviceAccountPage)
    }

    @Test func dashboardMetaRoundTrip() throws {
        try expectRoundTrip(DashboardMeta.self, Self.dashboardMeta)
    }

    @Test func serviceAccountTokenRoundTrip() throws {
        try expectRoundTrip(ServiceAccountToken.self, Self.token)
    }

    private func expectRoundTrip<Model: Codable & Equatable>(_ type: Model.Type, _ text: String) throws {
        let value = try Value(json: text)
        let model = try ValueDecoder().decode(type, from: value)
        #expect(model == (try JSONDecoder().decode(type, from: Data(text.utf8))))
        let encoded = try ValueEncoder().encode(model)
        #expect(encoded == value)
        // Synthesised conformances encode in declaration order, which these texts follow.
        #expect(encoded.compactJSON == text)
    }

    @Test func absentOptionalsAreLeftOutAndNullReadsAsAbsent() throws {
        let org = try ValueDecoder().decode(OrgDetails.self, from: ["id": 1, "name": "Main Org.", "address": nil])
        #expect(org.address == nil)
        #expect(try ValueEncoder().encode(org) == ["id": 1, "name": "Main Org."])
    }

    @Test func mismatchesAndMissingKeysAreDecodingErrors() {
        #expect {
            try ValueDecoder().decode(Org.self, from: ["id": "two", "name": "x"])
        } throws: { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return false }
            return context.codingPath.map(\.stringValue) == ["id"]
        }
        #expect {
            try ValueDecoder().decode(Org.self, from: ["id": 2])
        } throws: { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return false }
            return key.stringValue == "name"
        }
        #expect(throws: DecodingError.self) {
            try ValueDecoder().decode(Org.self, from: ["id": 2.5, "name": "x"])
        }
    }

    @Test func numbersConvertAsJSONDecoderConvertsThem() throws {
        #expect(try ValueDecoder().decode(Int64.self, from: .double(3)) == 3)
        #expect(try ValueDecoder().decode(Double.self, from: .int(3)) == 3)
        #expect(try ValueDecoder().decode(UInt64.self, from: .bigNumber("18446744073709551615")) == .max)
        #expect(throws: DecodingError.self) { try ValueDecoder().decode(Int8.self, from: .int(300)) }
        #expect(try ValueEncoder().encode(UInt64.max) == .bigNumber("18446744073709551615"))
        #expect(try ValueEncoder().encode([Float(0.1)]) == [.double(0.1)])
    }

    @Test func valuesPassThroughBothWays() throws {
        let value: Value = ["a": [1, 2.5, "x", nil, .bigNumber("1e400")], "b": ["c": true]]
        #expect(try ValueEncoder().encode(value) == value)
        #expect(try ValueDecoder().decode(Value.self, from: value) == value)
        struct Wrapper: Codable, Equatable { var payload: Value; var name: String }
        let wrapper = Wrapper(payload: value, name: "w")
        let encoded = try ValueEncoder().encode(wrapper)
        #expect(encoded == ["payload": value, "name": "w"])
        #expect(try ValueDecoder().decode(Wrapper.self, from: encoded) == wrapper)
        // Through Foundation's coders too, where a value is any JSON.
        let data = try JSONEncoder().encode(["id": 2, "name": "apiorg"] as Value)
        #expect(try JSONDecoder().decode(Value.self, from: data) == ["id": 2, "name": "apiorg"])
    }

    @Test func decodesFromJSONBytesThroughTheSharedReader() throws {
        let org = try ValueDecoder().decode(Org.self, fromJSON: Data(#"{"id":2,"name":"apiorg"}"#.utf8))
        #expect(org.id == 2)
        #expect(org.name == "apiorg")
    }
}
