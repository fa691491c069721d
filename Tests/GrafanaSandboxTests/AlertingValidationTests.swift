import Foundation
import GFSValue
import HTTPTypes
import Hummingbird
import Testing

@testable import GrafanaSandbox

/// Grafana's checks of contact-point settings, templates and rule queries, and its wording of
/// the in-use and not-found answers, per version profile.
@Suite struct AlertingValidationTests {
    static let base = "/api/v1/provisioning"

    static func point(_ type: String, _ settings: String, uid: String = "") -> String {
        #"{"name":"ops","uid":"\#(uid)","type":"\#(type)","settings":\#(settings)}"#
    }

    @Test(arguments: [
        ("email", "{}", "could not find addresses in settings"),
        ("slack", "{}", "recipient must be specified when using the Slack chat API"),
        ("slack", ##"{"recipient":"#ops"}"##, "token must be specified when using the Slack chat API"),
        ("webhook", #"{"url":""}"#, "required field 'url' is not specified"),
        ("pagerduty", "{}", "could not find integration key property in settings"),
        ("teams", "{}", "could not find url property in settings"),
        ("telegram", #"{"bottoken":"b"}"#, "could not find Chat Id in settings"),
        ("opsgenie", "{}", "could not find api key property in settings"),
        ("carrier-pigeon", "{}", "notifier carrier-pigeon is not supported"),
    ])
    func contactPointSettingsAreCheckedPerType(type: String, settings: String, problem: String) async throws {
        try await withSandbox { client in
            let reply = try await client.post(Self.base + "/contact-points", Self.point(type, settings, uid: "u1"))
            #expect(reply.status == .badRequest)
            let expected =
                "invalid object specification: failed to validate integration \"ops\" (UID u1) of type \"\(type)\": \(problem)"
            #expect(reply["message"] == .string(expected), "\(reply.text)")
        }
    }

    @Test func nineFiveNamesTheReceiverAndEmptyTypesAreRefused() async throws {
        try await withSandbox(profile("9.5.0")) { client in
            let reply = try await client.post(Self.base + "/contact-points", Self.point("email", "{}"))
            #expect(
                reply["message"]
                    == "invalid object specification: failed to validate receiver of type \"email\": could not find addresses in settings"
            )
            let unknown = try await client.post(Self.base + "/contact-points", Self.point("pigeon", "{}"))
            #expect(unknown["message"] == "invalid object specification: unknown type 'pigeon'")
            let untyped = try await client.post(Self.base + "/contact-points", Self.point("", "{}"))
            #expect(untyped["message"] == "invalid object specification: type should not be an empty string")
        }
    }

    @Test func secretSettingsAreRedactedAndKeptWhenSentBackRedacted() async throws {
        try await withSandbox { client in
            let body = Self.point("slack", ##"{"recipient":"#ops","token":"xoxb-secret"}"##, uid: "sl")
            let created = try await client.post(Self.base + "/contact-points", body)
            #expect(created.status == .accepted && created["settings"]?["token"] == "[REDACTED]")
            #expect(!created.text.contains("xoxb-secret"))
            let listed = try await client.get(Self.base + "/contact-points?name=ops")
            #expect(listed.json?.arrayValue?.first?["settings"]?["token"] == "[REDACTED]")
            #expect(!listed.text.contains("xoxb-secret"))

            // Sending the redacted value back keeps the secret: the settings still validate.
            let update = Self.point("slack", ##"{"recipient":"#alerts","token":"[REDACTED]"}"##, uid: "sl")
            #expect(try await client.put(Self.base + "/contact-points/sl", update).status == .accepted)
            let export = try await client.get(Self.base + "/contact-points/export?format=json&decrypt=true")
            #expect(export.text.contains("xoxb-secret") && export.text.contains("#alerts"), "\(export.text)")
            let redacted = try await client.get(Self.base + "/contact-points/export?format=json")
            #expect(!redacted.text.contains("xoxb-secret"))
        }
    }

    @Test(arguments: [
        ("{{ if .Alerts }}firing", "template: t:3: unexpected EOF"),
        ("hi {{ end }}", "template: t:3: unexpected {{end}}"),
        ("{{ define \"t\" }}\n{{ .Status", "template: t:2: unclosed action"),
        ("{{ \"open }}", "template: t:2: unterminated quoted string"),
        ("a\n{{/* note }}", "template: t:3: unclosed comment"),
        ("{{ `open }}\n", "template: t:2: unterminated raw quoted string"),
        ("{{ else }}", "template: t:2: unexpected {{else}} in define clause"),
    ])
    func templatesThatDoNotParseAreRefused(template: String, goError: String) async throws {
        let body = Value.record(["template": .string(template)]).compactJSON
        try await withSandbox(profile("9.5.0")) { client in
            let reply = try await client.put(Self.base + "/templates/t", body)
            #expect(reply.status == .badRequest)
            #expect(reply["message"] == .string("invalid object specification: " + goError), "\(reply.text)")
        }
        try await withSandbox { client in
            let reply = try await client.put(Self.base + "/templates/t", body)
            #expect(
                reply.status == .badRequest && reply["messageId"] == "alerting.notifications.templates.invalidFormat"
            )
            #expect(reply["message"] == "Template is in invalid format. Correct the payload and try again.")
        }
    }

    @Test func wellFormedTemplatesAreStored() async throws {
        try await withSandbox { client in
            let nested =
                #"{{ define "t" }}{{ range .Alerts }}{{ if .Labels.x }}{{ .Labels.x }}{{ else }}-{{ end }}{{ end }}{{ end }}"#
            let bare = "{{/* a comment */}}{{- template \"__subject\" . -}} {{ \"}}\" }} {{ `{{` }}"
            for text in [nested, bare] {
                let reply = try await client.put(
                    Self.base + "/templates/t",
                    Value.record(["template": .string(text)]).compactJSON
                )
                #expect(reply.status == .accepted, "\(text): \(reply.text)")
            }
        }
    }

    @Test func unknownGroupsAreWordedPerVersion() async throws {
        try await withSandbox(profile("9.5.0")) { client in
            let reply = try await client.get(Self.base + "/folder/af/rule-groups/none")
            #expect(reply.status == .notFound && reply.text == #"{"message":"rulegroup not found"}"#)
        }
        for version in ["11.4.0", "12.1.0"] {
            try await withSandbox(profile(version)) { client in
                let reply = try await client.get(Self.base + "/folder/af/rule-groups/none")
                #expect(reply.status == .notFound && reply["message"] == "Not found")
                #expect(reply["messageId"] == "alerting.alert-rule.notFound")
                let delete = try await client.delete(Self.base + "/folder/af/rule-groups/none")
                #expect(delete.status == .notFound && delete["message"] == "Not found")
            }
        }
    }

    @Test func contactPointsAndMuteTimingsInUseAreRefusedPerVersion() async throws {
        let policy = #"{"receiver":"grafana-default-email","routes":[{"receiver":"ops","mute_time_intervals":["wk"]}]}"#
        try await withSandbox { client in
            #expect(
                try await client.post(
                    Self.base + "/contact-points",
                    Self.point("webhook", #"{"url":"http://x"}"#, uid: "cp")
                ).status == .accepted
            )
            #expect(
                try await client.post(Self.base + "/mute-timings", #"{"name":"wk","time_intervals":[]}"#).status
                    == .created
            )
            #expect(try await client.put(Self.base + "/policies", policy).status == .accepted)
            let point = try await client.delete(Self.base + "/contact-points/cp")
            #expect(point.status == .conflict, "\(point.text)")
            #expect(point["message"] == "Contact point is currently referenced by a notification policy.")
            #expect(point["messageId"] == "alerting.notifications.contact-points.referenced")
            let timing = try await client.delete(Self.base + "/mute-timings/wk")
            #expect(timing.status == .conflict)
        }
        try await withSandbox(profile("9.5.0")) { client in
            #expect(
                try await client.post(
                    Self.base + "/contact-points",
                    Self.point("webhook", #"{"url":"http://x"}"#, uid: "cp")
                ).status == .accepted
            )
            #expect(
                try await client.post(Self.base + "/mute-timings", #"{"name":"wk","time_intervals":[]}"#).status
                    == .created
            )
            #expect(try await client.put(Self.base + "/policies", policy).status == .accepted)
            let point = try await client.delete(Self.base + "/contact-points/cp")
            #expect(point.status == .internalServerError)
            #expect(point["message"] == "contact point 'ops' is currently used by a notification policy")
            let timing = try await client.delete(Self.base + "/mute-timings/wk")
            #expect(timing.status == .internalServerError)
            #expect(timing["message"] == "mute time 'wk' is currently used by a notification policy")
        }
    }

    @Test func aContactPointARuleNotifiesCannotBeDeleted() async throws {
        try await withSandbox { client in
            try await AlertingTests.folder(client)
            #expect(
                try await client.post(
                    Self.base + "/contact-points",
                    Self.point("webhook", #"{"url":"http://x"}"#, uid: "cp")
                ).status == .accepted
            )
            let rule = AlertingTests.rule(extra: #","notification_settings":{"receiver":"ops"}"#)
            #expect(try await client.post(AlertingTests.rules, rule).status == .created)
            let reply = try await client.delete(Self.base + "/contact-points/cp")
            #expect(
                reply.status == .conflict && reply["messageId"] == "alerting.notifications.contact-points.used-by-rule"
            )
        }
    }

    /// The provisioning API stores a rule whatever data source its queries name: neither
    /// `RoutePostAlertRule` nor `AlertRuleService.CreateAlertRule`/`ReplaceRuleGroup` look the
    /// data source up (only the ruler API's `validateRuleNode` does, through the condition
    /// validator: `failed to build query 'A': data source not found`).
    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"])
    func ruleQueriesNamingAnUnknownDataSourceAreStored(version: String) async throws {
        try await withSandbox(profile(version)) { client in
            try await AlertingTests.folder(client)
            let rule = AlertingTests.rule().replacingOccurrences(of: "__expr__", with: "no-such-datasource")
            let reply = try await client.post(AlertingTests.rules, rule)
            #expect(reply.status == .created, "\(reply.text)")
        }
    }

    /// `AlertRuleService.ensureNamespace`.
    @Test func aRuleNeedsAFolderThatExists() async throws {
        try await withSandbox { client in
            let none = try await client.post(AlertingTests.rules, AlertingTests.rule(folder: ""))
            #expect(none.status == .badRequest && none["message"] == "invalid alert rule: folderUID must be set")
            let missing = try await client.post(AlertingTests.rules, AlertingTests.rule(folder: "nowhere"))
            #expect(missing["message"] == "invalid alert rule: folder does not exist")
        }
    }
}
