import Foundation
import GFSValue
import HTTPTypes
import Hummingbird
import Testing

@testable import GrafanaSandbox

@Suite struct AlertingTests {
    static let rules = "/api/v1/provisioning/alert-rules"

    static func rule(
        uid: String = "r1",
        title: String = "Rule",
        folder: String = "af",
        group: String = "g",
        extra: String = ""
    )
        -> String
    {
        #"{"uid":"\#(uid)","title":"\#(title)","folderUID":"\#(folder)","ruleGroup":"\#(group)","condition":"A","#
            + #""data":[{"refId":"A","datasourceUid":"__expr__","model":{"type":"math","expression":"1"}}],"#
            + #""noDataState":"NoData","execErrState":"Error","for":"90s"\#(extra)}"#
    }

    static func folder(_ client: SandboxClient, _ uid: String = "af") async throws {
        let reply = try await client.post("/api/folders", #"{"uid":"\#(uid)","title":"Folder \#(uid)"}"#)
        #expect(reply.status == .ok, "\(reply.text)")
    }

    @Test func ruleLifecycleWithGrafanasFields() async throws {
        try await withSandbox { client in
            try await Self.folder(client)
            let created = try await client.post(Self.rules, Self.rule())
            #expect(created.status == .created, "\(created.text)")
            #expect(created["for"] == "1m30s" && created["provenance"] == "api" && created["orgID"] == 1)
            #expect(created["annotations"] == nil, "empty annotations are omitted")
            #expect(try await client.get(Self.rules + "/r1")["title"] == "Rule")
            let group = try await client.get("/api/v1/provisioning/folder/af/rule-groups/g")
            #expect(group["interval"] == 60 && group["title"] == "g" && group["folderUid"] == "af")

            let missing = try await client.get(Self.rules + "/nope")
            #expect(missing.status == .notFound && missing.text.isEmpty)
            let updateMissing = try await client.put(Self.rules + "/nope", Self.rule(uid: "nope"))
            #expect(updateMissing.status == .notFound)

            #expect(try await client.delete(Self.rules + "/r1").status == .noContent)
            #expect(try await client.delete(Self.rules + "/r1").status == .noContent, "deleting is idempotent")
            #expect(try await client.get("/api/v1/provisioning/folder/af/rule-groups/g").status == .notFound)
        }
    }

    @Test(arguments: [
        (#","title":"""#, "invalid alert rule: title is empty"),
        (#","data":[]"#, "invalid alert rule: no queries or expressions are found"),
        (#","execErrState":"Maybe""#, "invalid alert rule: unknown Error state option Maybe"),
    ])
    func ruleValidationMessages(extra: String, message: String) async throws {
        try await withSandbox { client in
            try await Self.folder(client)
            let reply = try await client.post(Self.rules, Self.rule(extra: extra))
            #expect(reply.status == .badRequest)
            #expect(reply["message"] == .string(message))
        }
    }

    @Test func badDurationUnknownFolderAndDuplicateTitle() async throws {
        try await withSandbox { client in
            try await Self.folder(client)
            let duration = try await client.post(Self.rules, Self.rule(extra: #","for":"soon""#))
            #expect(duration.status == .badRequest && duration["message"] == "bad request data")
            let folder = try await client.post(Self.rules, Self.rule(folder: "nowhere"))
            #expect(folder.status == .badRequest && folder["message"] == "invalid alert rule: folder does not exist")
            #expect(try await client.post(Self.rules, Self.rule()).status == .created)
            let duplicate = try await client.post(Self.rules, Self.rule(uid: "r2"))
            #expect(duplicate.status == .badRequest)
            #expect(duplicate["message"]?.stringValue?.hasPrefix("a conflicting alert rule is found") == true)
            let interval = try await client.put(
                "/api/v1/provisioning/folder/af/rule-groups/g",
                #"{"interval":15,"rules":[]}"#
            )
            #expect(
                interval["message"]
                    == "invalid alert rule: interval (15s) should be non-zero and divided exactly by scheduler interval: 10"
            )
        }
    }

    @Test func provenanceBlocksChangesWithoutTheSameProvenance() async throws {
        try await withSandbox { client in
            try await Self.folder(client)
            #expect(try await client.post(Self.rules, Self.rule()).status == .created)
            let editable = try await client.send(
                .put,
                Self.rules + "/r1",
                body: Self.rule(title: "Changed"),
                headers: ["X-Disable-Provenance": "true"]
            )
            #expect(editable.status == .badRequest)
            #expect(editable["message"] == "cannot change provenance from 'api' to ''")
            let free = try await client.send(
                .post,
                Self.rules,
                body: Self.rule(uid: "r2", title: "Free"),
                headers: ["X-Disable-Provenance": "true"]
            )
            #expect(free["provenance"] == "")
            // A resource without provenance can be taken over by the API.
            #expect(try await client.put(Self.rules + "/r2", Self.rule(uid: "r2", title: "Free")).status == .ok)
        }
    }

    @Test func groupPutReplacesTheRules() async throws {
        try await withSandbox { client in
            try await Self.folder(client)
            #expect(try await client.post(Self.rules, Self.rule(uid: "old", title: "Old")).status == .created)
            let reply = try await client.put(
                "/api/v1/provisioning/folder/af/rule-groups/g",
                #"{"interval":120,"rules":[\#(Self.rule(uid: "a", title: "A")),\#(Self.rule(uid: "b", title: "B"))]}"#
            )
            #expect(reply.status == .ok, "\(reply.text)")
            let group = try await client.get("/api/v1/provisioning/folder/af/rule-groups/g")
            #expect(group["interval"] == 120)
            #expect(group["rules"]?.arrayValue?.compactMap { $0["uid"] } == ["a", "b"])
            #expect(try await client.get(Self.rules + "/old").status == .notFound)
        }
    }

    @Test func notificationResources() async throws {
        try await withSandbox { client in
            let base = "/api/v1/provisioning"
            let defaults = try await client.get(base + "/contact-points")
            #expect(defaults.json?.arrayValue?.first?["name"] == "grafana-default-email")
            let unknown = try await client.put(base + "/policies", #"{"receiver":"nobody"}"#)
            #expect(unknown.status == .badRequest)
            #expect(unknown["message"] == "invalid object specification: receiver 'nobody' does not exist")
            let created = try await client.post(
                base + "/contact-points",
                #"{"name":"ops","type":"webhook","settings":{"url":"http://x"}}"#
            )
            #expect(created.status == .accepted)
            #expect(
                try await client.post(base + "/mute-timings", #"{"name":"wk","time_intervals":[]}"#).status == .created
            )
            let again = try await client.post(base + "/mute-timings", #"{"name":"wk","time_intervals":[]}"#)
            #expect(
                again.status == .badRequest && again["messageId"] == "alerting.notifications.time-intervals.nameExists"
            )
            let policy =
                #"{"receiver":"grafana-default-email","routes":[{"receiver":"ops","mute_time_intervals":["wk"]}]}"#
            #expect(try await client.put(base + "/policies", policy).text == #"{"message":"policies updated"}"#)
            let used = try await client.delete(base + "/mute-timings/wk")
            #expect(used.status == .conflict && used["messageId"] == "alerting.notifications.time-intervals.used")
            let reset = try await client.delete(base + "/policies")
            #expect(reset.status == .accepted && reset["receiver"] == "grafana-default-email")
            #expect(try await client.delete(base + "/mute-timings/wk").status == .noContent)
            #expect(try await client.get(base + "/mute-timings/wk").status == .notFound)
            #expect(try await client.put(base + "/templates/t", #"{"template":"x"}"#).status == .accepted)
            #expect(try await client.get(base + "/templates/t")["template"] == "x")
        }
    }

    @Test func anEditorCannotProvision() async throws {
        try await withSandbox { client in
            let id = try await client.createUser("ed")
            try await client.setMainOrgRole(id, "Editor")
            let reply = try await client.get(Self.rules, as: .basic("ed", "secret123"))
            #expect(reply.status == .forbidden)
            #expect(reply["message"]?.stringValue?.hasSuffix("alert.provisioning:read") == true)
        }
    }

    @Test func deletingAFolderWithRulesNeedsForceDeleteRules() async throws {
        try await withSandbox { client in
            try await Self.folder(client)
            #expect(try await client.post(Self.rules, Self.rule()).status == .created)
            let refused = try await client.delete("/api/folders/af")
            #expect(refused.status == .badRequest)
            #expect(refused.text == #"{"message":"folder cannot be deleted: folder contains alert rules"}"#)
            #expect(try await client.get(Self.rules + "/r1").status == .ok)
            #expect(try await client.delete("/api/folders/af?forceDeleteRules=true").status == .ok)
            #expect(try await client.get(Self.rules + "/r1").status == .notFound)
        }
    }

    @Test func exportsAreYAMLByDefaultAndJSONWhenAsked() async throws {
        try await withSandbox { client in
            let base = "/api/v1/provisioning"
            #expect(try await client.get(base + "/alert-rules/export").status == .notFound, "no rules: empty 404")
            try await Self.folder(client)
            #expect(try await client.post(Self.rules, Self.rule(extra: #","isPaused":true"#)).status == .created)
            let yaml = try await client.get(base + "/alert-rules/export")
            #expect(yaml.status == .ok && yaml.headers[.contentType] == "text/yaml")
            #expect(yaml.text.hasPrefix("apiVersion: 1\ngroups:\n"), "\(yaml.text)")
            #expect(yaml.text.contains("folder: Folder af") && yaml.text.contains("interval: 1m"))
            #expect(yaml.text.contains("for: 1m30s") && yaml.text.contains("isPaused: true"))
            let json = try await client.send(
                .get,
                base + "/folder/af/rule-groups/g/export",
                headers: ["Accept": "application/json"]
            )
            #expect(json["groups"]?.arrayValue?.first?["rules"]?.arrayValue?.first?["uid"] == "r1")
            let points = try await client.get(base + "/contact-points/export?format=json")
            #expect(points["contactPoints"]?.arrayValue?.first?["name"] == "grafana-default-email")
            #expect(try await client.get(base + "/mute-timings/none/export").status == .notFound)
            #expect(try await client.get(base + "/alert-rules/none/export").status == .notFound)
        }
    }

    @Test func theGroupDeleteRouteFollowsTheVersion() throws {
        let count = { (version: String) throws -> Int in
            try buildRouter(configuration: profile(version)).routes.filter {
                $0.method == .delete && "\($0.path)".contains("rule-groups")
            }.count
        }
        #expect(try count("9.5.0") == 0)
        #expect(try count("11.4.0") == 1)
        #expect(try count("12.1.0") == 1)
    }

    @Test func alertingStateSurvivesARestart() async throws {
        let path = NSTemporaryDirectory() + "gfs-alerting-\(UUID().uuidString).state"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = SandboxConfiguration()
        configuration.stateFile = path
        try await withSandbox(configuration) { client in
            try await Self.folder(client)
            #expect(try await client.post(Self.rules, Self.rule()).status == .created)
        }
        try await withSandbox(configuration) { client in
            let reply = try await client.get(Self.rules + "/r1")
            #expect(reply["title"] == "Rule")
        }
    }
}
