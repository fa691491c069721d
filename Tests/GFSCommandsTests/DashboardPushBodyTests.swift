import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// `dashboard push` builds its save body around the file's text and compares by digest; both
/// must give what the trees gave: the same body bytes as `saveDashboard(model:)` writes for
/// the file's model, and the same answer as `sameDashboard`.
@Suite struct DashboardPushBodyTests {
    static let files: [String] = [
        #"{"uid":"bench-1","title":"Bench 1","panels":[{"id":1,"type":"timeseries","gridPos":{"h":8,"w":12}}]}"#,
        "{\n  \"id\": 7,\n  \"uid\": \"u\",\n  \"title\": \"T\",\n  \"version\": 3,\n  \"panels\": [ {\"id\": 1} ]\n}",
        #"{"title":"caf\u00e9 \"q\" \/ \t \u0001 😀 \ud83d\ude00 \ud800","uid":"","x":"é","<b>&":"\u2028"}"#,
        #"{"title":"n","a":[0,-0,1.0,1e2,-1.5E-3,12345678901234567890,1e400,-9223372036854775808,0.1]}"#,
        #"{"title":"d","uid":"a","uid":"b","id":1,"panels":[{"x":1,"x":2}],"id":2}"#,
        #"{"dashboard":{"id":3,"title":"S","refresh":"25s"},"folderUid":"f","overwrite":true,"message":"hi"}"#,
        #"{"title":"e","a":{},"b":[],"c":null,"d":true,"e":false,"id":null}"#,
        #"{"title":"k","we\"ird":1,"new\nline":2}"#,
        "{\"title\":\"many\"," + (0..<20).map { "\"k\($0)\":[\($0)]" }.joined(separator: ",") + ",\"k3\":0}",
    ]

    /// The model as the tree-built push had it: the file's object (or its `dashboard`
    /// member), without `id`.
    static func treeModel(_ text: String) throws -> Record {
        let document = try #require(try Value(json: text).recordValue)
        var model = document["dashboard"]?.recordValue ?? document
        model["id"] = nil
        return model
    }

    @Test(arguments: files)
    func theBodyIsTheOneTheTreeWrote(text: String) async throws {
        let file = try DashboardFile.parse(text, path: "f.json")
        #expect(file.model == (try Self.treeModel(text)))
        for (folderUID, overwrite, message, uid) in [
            (String?.none, false, String?.none, String?.none),
            ("ops", true, "a \"message\" <&>", "taken-over"),
        ] {
            var model = try Self.treeModel(text)
            if let uid { model["uid"] = .string(uid) }
            let recorder = DryRunRecorder()
            let client = GrafanaClient(writePolicy: .capture(recorder))
            _ = try await client.saveDashboard(
                model: .record(model),
                folderUID: folderUID,
                overwrite: overwrite,
                message: message
            )
            var body = DashboardSaveBody(
                model: file.modelJSON,
                folderUID: folderUID,
                overwrite: overwrite,
                message: message
            )
            if let uid { body = body.replacingUID(uid) }
            _ = try await client.saveDashboard(body)
            let sent = recorder.writes.map { $0.request.body.map { String(decoding: $0, as: UTF8.self) } }
            #expect(sent.count == 2)
            #expect(sent.first == sent.last)
        }
    }

    /// The `JSONDigest` of compact JSON, leaving out the top-level members in `ignoring`.
    static func digest(_ json: [UInt8], ignoring: Set<String>) throws -> JSONDigest {
        try json.withUnsafeBufferPointer { try JSONReader.digest($0, at: 0..<$0.count, ignoring: ignoring) }
    }

    /// The digests taken while a bare model was read are those of the model it sends; a save
    /// body, or a model that repeats a key, is digested from that model instead.
    @Test(arguments: files)
    func theFilesDigestIsTheBodysDigest(text: String) throws {
        let file = try DashboardFile.parse(text, path: "f.json")
        let repeatsAKey = try Array(text.utf8).withUnsafeBufferPointer { bytes in
            try JSONReader.compactJSON(bytes, at: 0..<bytes.count) == nil
        }
        #expect((file.modelDigest != nil) == (file.shape == .dashboard && !repeatsAKey))
        for ignoring: Set<String> in [["id", "version"], ["id", "version", "uid"]] {
            if let digest = file.modelDigest {
                #expect(digest.digest(ignoring: ignoring) == (try Self.digest(file.modelJSON, ignoring: ignoring)))
            }
        }
    }

    /// What a push compares and sends comes from its plan: the digest of the model its body
    /// carries (for every shape but an export), then the body itself, after which the plan no
    /// longer holds the model.
    @Test(arguments: files)
    func aPlansDigestAndBodyAreThoseOfItsFile(text: String) throws {
        let file = try DashboardFile.parse(text, path: "f.json")
        let expected = DashboardSaveBody(model: file.modelJSON, folderUID: "ops", overwrite: true, message: "m")
        var plan = GrafanaShellHost.PushPlan(file: file, folderUID: "ops", overwrite: true, message: "m", inputs: [])
        for ignoring: Set<String> in [["id", "version"], ["id", "version", "uid"]] {
            #expect(plan.modelDigest(ignoring: ignoring) == (try Self.digest(file.modelJSON, ignoring: ignoring)))
        }
        #expect(plan.takeSaveBody(uid: nil) == expected)
        #expect(plan.file.modelJSON.isEmpty)
        var takingOver = GrafanaShellHost.PushPlan(
            file: file,
            folderUID: "ops",
            overwrite: true,
            message: "m",
            inputs: []
        )
        #expect(takingOver.takeSaveBody(uid: "taken") == expected.replacingUID("taken"))
    }

    @Test func theTutorialsBodyIsTheOneTheTreeWrote() async throws {
        let text = try String(
            contentsOfFile: DashboardFileTests.repositoryFile("examples/production-overview.json"),
            encoding: .utf8
        )
        let file = try DashboardFile.parse(text, path: "production-overview.json")
        #expect(Value.record(file.model).compactJSON == Value.record(try Self.treeModel(text)).compactJSON)
        #expect(file.modelJSON == Value.record(try Self.treeModel(text)).jsonBytes())
    }

    /// The digests of a file's body and of the server's model are equal exactly when
    /// `sameDashboard` said the models were the same, with and without the uid compared.
    @Test(arguments: [
        (#"{"a": {"b": [1, 2.0, {"c": 3}]}, "id": 1}"#, #"{"a": {"b": [1.0, 2, {"c": 3.0}]}}"#),
        (#"{"a": 1}"#, #"{"a": 1, "b": null}"#),
        (#"{"a": [1, 2]}"#, #"{"a": [2, 1]}"#),
        (#"{"a": {"id": 1}}"#, #"{"a": {"id": 2}}"#),
        (#"{"a": {"version": 1}}"#, #"{"a": {}}"#),
        (#"{"a": 1e20}"#, #"{"a": 100000000000000000000}"#),
        (#"{"a": 0.5}"#, #"{"a": 0}"#),
        (#"{"id": 3, "version": 9}"#, #"{}"#),
        (#"{"a": "1"}"#, #"{"a": 1}"#),
        (#"{"uid": "x", "a": 1}"#, #"{"uid": "y", "a": 1, "version": 4}"#),
        (#"{"uid": "x", "t": "\u212A"}"#, #"{"t": "K", "uid": "x"}"#),
        (#"{"a": 1, "a": 2}"#, #"{"a": 2}"#),
        (#"{"a": 1e15}"#, #"{"a": 1000000000000000}"#),
    ])
    func digestsAgreeWithSameDashboard(local: String, server: String) throws {
        for comparesUID in [true, false] {
            var left = try #require(try Value(json: local).recordValue)
            var right = try #require(try Value(json: server).recordValue)
            if !comparesUID {
                left["uid"] = nil
                right["uid"] = nil
            }
            let ignoring: Set<String> = comparesUID ? ["id", "version"] : ["id", "version", "uid"]
            // The file's model as a push holds it (compact, without `id`), compared as the push
            // compares it.
            let plan = GrafanaShellHost.PushPlan(
                file: DashboardFile(
                    path: "f.json",
                    shape: .dashboard,
                    modelJSON: Value.record(try Self.treeModel(local)).jsonBytes()
                ),
                overwrite: false,
                inputs: []
            )
            let serverDigest = try Array(server.utf8).withUnsafeBufferPointer {
                try JSONReader.digest($0, at: 0..<$0.count, ignoring: ignoring)
            }
            #expect(
                (plan.modelDigest(ignoring: ignoring) == serverDigest) == GrafanaShellHost.sameDashboard(left, right)
            )
        }
    }
}
