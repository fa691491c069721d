import Foundation
import GFSValue
import Testing

@testable import GrafanaAPI

/// `dashboard push` reads each `meta` and each save answer from their bytes; what it reads is
/// what the decoders give, and anything the quick reading does not expect goes to them.
@Suite struct DashboardAnswerReadingTests {
    static let metas: [String] = [
        // As the sandbox and Grafana 11 send it, nested permissions and all.
        #"""
        {"type":"db","canSave":true,"canEdit":true,"canAdmin":true,"canStar":true,"canDelete":true,
         "slug":"bench-1","url":"/d/bench-1/bench-1","expires":"0001-01-01T00:00:00Z",
         "created":"2026-12-01T06:28:46Z","updated":"2026-12-01T06:32:08Z","updatedBy":"admin",
         "createdBy":"admin","version":3,"hasAcl":false,"isFolder":false,"folderId":0,"folderUid":"",
         "folderTitle":"General","folderUrl":"","provisioned":false,"provisionedExternalId":"",
         "annotationsPermissions":{"dashboard":{"canAdd":true,"canEdit":true,"canDelete":true},
         "organization":{"canAdd":true,"canEdit":true,"canDelete":true}},"publicDashboardEnabled":false,
         "isStarred":false}
        """#,
        // Escapes, text beyond ASCII, nulls, negative and large numbers, lists with brackets in strings.
        #"{ "slug" : "caf\u00e9", "folderTitle": "Équipe \"ops\"", "url": null, "version": -12,"#
            + #" "list": [1, "]}", {"a": [2.5e3]}], "folderUid": "f\/1", "isStarred": null }"#,
        #"{"version": 123456789012345678, "canSave": false}"#,
        #"{}"#,
        // A key repeated: the last one counts, as in a record.
        #"{"version": 1, "version": 2, "slug": "a", "slug": "b"}"#,
    ]

    @Test(arguments: metas) func metaIsWhatTheDecoderReads(json: String) throws {
        let document = #"{"dashboard":{},"meta":"# + json + "}"
        let bytes = Array(document.utf8)
        guard case .record(let answer) = try Value(json: document) else {
            Issue.record("not an object")
            return
        }
        let decoded = try ValueDecoder().decode(DashboardMeta.self, from: try #require(answer["meta"]))
        let read = bytes.withUnsafeBufferPointer { buffer -> DashboardMeta? in
            let members = try? JSONReader.objectMembers(buffer)
            return members?.last("meta").flatMap { DashboardMeta(object: $0, in: buffer) }
        }
        #expect(read == decoded)
    }

    /// What the decoder must judge (a type it may convert or refuse, an escaped key) is left
    /// to it.
    @Test(arguments: [
        #"{"version": "3"}"#, #"{"version": 3.0}"#, #"{"version": 1e2}"#, #"{"canSave": 1}"#,
        #"{"slug": 5}"#, #"{"sl\u0075g": "x"}"#, #"{"version": 12345678901234567890}"#,
    ])
    func unexpectedMembersAreLeftToTheDecoder(json: String) throws {
        let bytes = Array(json.utf8)
        let read = bytes.withUnsafeBufferPointer { DashboardMeta(object: 0..<$0.count, in: $0) }
        #expect(read == nil)
    }

    @Test(arguments: [
        #"{"folderUid":"","id":2,"slug":"bench-1","status":"success","uid":"bench-1","url":"/d/bench-1/bench-1","version":4}"#,
        #"{"uid": "caf\u00e9", "version": 1, "extra": {"a": [1, 2]}, "url": null}"#,
        #"{"id": null, "uid": "u", "other": 1, "other": 2}"#,
    ])
    func saveAnswerIsWhatJSONDecoderReads(json: String) throws {
        let decoded = try JSONDecoder().decode(SavedDashboard.self, from: Data(json.utf8))
        let read = Array(json.utf8).withUnsafeBufferPointer { SavedDashboard(answer: $0) }
        #expect(read == decoded)
    }

    @Test(arguments: [
        // JSONDecoder keeps the first of a repeated key.
        #"{"uid": "u", "uid": "v"}"#, #"{"uid": "u", "version": 1, "folderUid": "f", "version": 2}"#,
        #"{"id": 2}"#, #"{"uid": null}"#, #"{"uid": 7}"#, #"{"uid": "u", "version": "2"}"#, #"[]"#, #"{"uid": "u""#,
    ])
    func unexpectedSaveAnswersAreLeftToJSONDecoder(json: String) {
        let read = Array(json.utf8).withUnsafeBufferPointer { SavedDashboard(answer: $0) }
        #expect(read == nil)
    }
}
