import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// The alerting commands against the sandbox.
@Suite(.serialized) struct AlertingCommandTests {
    static let examples = SandboxHarness.repositoryFile("examples/alerting")

    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "gfs-alerting-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func pushIsIdempotentAndReportsEachResource() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                folder create "Alerts demo" --uid alerts-demo
                let first = (alert push \(Self.examples))
                for row in $first { assert $row.status == "created" or $row.kind == "notification-policy" "${row.name} created" }
                let second = (alert push \(Self.examples))
                for row in $second { assert $row.status == "unchanged" "${row.name} unchanged" }
                let rule = (alert rule show demo-high-load)
                assert $rule.for == "5m" and $rule.provenance == "api"
                alert rule pause demo-high-load
                assert (alert rule show demo-high-load).isPaused
                alert rule resume demo-high-load
                assert not (alert rule show demo-high-load).isPaused
                let group = (alert group show alerts-demo demo)
                assert $group.interval == 60
                alert group push alerts-demo demo --interval 2m
                assert (alert group show alerts-demo demo).interval == 120
                """
            ),
            harness
        )
        // The policy tree's diff is shown before it is sent.
        let policyDiff = harness.sink.standardError.split(separator: "\n").filter { $0.hasPrefix("+ ") }
        #expect(policyDiff.contains { $0.contains(#""receiver": "ops-webhook""#) })
    }

    @Test func diffShowsWhatAPushWouldChange() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let folder = try directory()
        expectSuccess(
            await harness.run(
                """
                folder create "Alerts demo" --uid alerts-demo
                alert push \(Self.examples)
                alert export --out \(folder)
                """
            ),
            harness
        )
        let rules = try String(contentsOfFile: folder + "/rules.yaml", encoding: .utf8)
        try rules.replacingOccurrences(of: "for: 5m", with: "for: 10m")
            .write(toFile: folder + "/rules.yaml", atomically: true, encoding: .utf8)
        expectSuccess(
            await harness.run(
                """
                let changed = 0
                for change in (alert diff \(folder)) {
                  if not ($change.change == "unchanged") {
                    let changed = $changed + 1
                    assert $change.name == "alerts-demo/demo" and $change.change == "update"
                    echo $change.diff
                  }
                }
                assert $changed == 1 "only the edited group differs"
                """
            ),
            harness
        )
        #expect(harness.sink.standardOutput.contains("300") && harness.sink.standardOutput.contains("600"))
        // The diff sent nothing: the rule still waits 5m.
        let rule = try await harness.adminClient().send(
            RawRequest(method: .get, path: "/api/v1/provisioning/alert-rules/demo-high-load")
        ).get()
        #expect(String(decoding: rule.body, as: UTF8.self).contains(#""for":"5m""#))
    }

    @Test func exportIsStableAndEditableTurnsProvenanceOff() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let first = try directory()
        let second = try directory()
        expectSuccess(
            await harness.run(
                """
                folder create "Alerts demo" --uid alerts-demo
                alert push \(Self.examples) --editable
                assert (alert rule show demo-no-data).provenance == ""
                assert (contact-point show ops-webhook).provenance == ""
                alert export --out \(first)
                alert export --out \(second) --format json
                alert export --out \(first)/all.json
                """
            ),
            harness
        )
        let names = ["contact-points", "mute-timings", "policies", "rules", "templates"]
        let yaml = try names.map { try String(contentsOfFile: "\(first)/\($0).yaml", encoding: .utf8) }
        expectSuccess(await harness.run("alert export --out \(first)"), harness)
        #expect(try names.map { try String(contentsOfFile: "\(first)/\($0).yaml", encoding: .utf8) } == yaml)
        #expect(yaml[0].contains("name: grafana-default-email") && yaml[0].contains("name: ops-webhook"))
        #expect(yaml[1].contains("- saturday"))
        let json = try String(contentsOfFile: "\(second)/rules.json", encoding: .utf8)
        #expect(json.contains(#""uid": "demo-high-load""#))
        let all = try String(contentsOfFile: "\(first)/all.json", encoding: .utf8)
        #expect(all.contains(#""contactPoints""#) && all.contains(#""groups""#))
    }

    @Test func deletesAndTheirFailures() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                folder create "Alerts demo" --uid alerts-demo
                alert push \(Self.examples)
                """
            ),
            harness
        )
        // A mute timing a policy uses cannot go: Grafana's 409 is reported.
        let used = await harness.run("mute-timing delete weekends")
        #expect(
            used.diagnostics.first?.message.contains("Time interval is used by one or many notification policies")
                == true
        )
        expectSuccess(
            await harness.run(
                """
                notification-policy reset
                mute-timing delete weekends
                contact-point delete ops-webhook
                alert rule delete demo-no-data
                alert group delete alerts-demo demo
                """
            ),
            harness
        )
        let missing = await harness.run("alert rule show demo-high-load")
        #expect(missing.diagnostics.first?.message == "No alert rule 'demo-high-load'")
        let noTiming = await harness.run("mute-timing delete weekends")
        #expect(noTiming.diagnostics.first?.message == "No mute timing 'weekends'")
    }

    @Test func templatesRoundTrip() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let folder = try directory()
        try """
        apiVersion: 1
        templates:
          - orgId: 1
            name: ops.message
            template: |
              {{ define "ops.message" }}{{ len .Alerts }} alerts{{ end }}
        """.write(toFile: folder + "/templates.yaml", atomically: true, encoding: .utf8)
        expectSuccess(
            await harness.run(
                """
                let pushed = (alert-template push \(folder))
                assert $pushed[0].status == "created" "created"
                assert (alert-template push \(folder))[0].status == "unchanged" "unchanged"
                let shown = (alert-template show ops.message)
                echo $shown.template
                alert-template delete ops.message
                """
            ),
            harness
        )
        #expect(harness.sink.standardOutput.contains(#"{{ define "ops.message" }}{{ len .Alerts }} alerts{{ end }}"#))
        let gone = await harness.run("alert-template show ops.message")
        #expect(gone.diagnostics.first?.message.contains("Not found (404 Not Found") == true, "\(gone.diagnostics)")
    }

    @Test func aDryRunPlansWritesAndSendsNone() async throws {
        let harness = try await SandboxHarness.start(options: .init(dryRun: true, environment: [:]))
        defer { Task { await harness.stop() } }
        expectSuccess(await harness.run("let p = (alert push \(Self.examples) --folder General)"), harness)
        #expect(harness.sink.standardError.contains("dry run:"))
        let rules = try await harness.adminClient().send(
            RawRequest(method: .get, path: "/api/v1/provisioning/alert-rules")
        )
        .get()
        #expect(String(decoding: rules.body, as: UTF8.self) == "[]")
    }

    @Test func filesAreCheckedAsGrafanaWouldBeforeAnythingIsSent() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let folder = try directory()
        try """
        apiVersion: 1
        contactPoints:
          - orgId: 1
            name: ops-mail
            receivers:
              - uid: ops-mail
                type: email
                settings:
                  singleEmail: true
        """.write(toFile: folder + "/contact-points.yaml", atomically: true, encoding: .utf8)
        let point = await harness.run("contact-point push \(folder)")
        #expect(
            point.diagnostics.first?.message
                == "\(folder)/contact-points.yaml:6:9: Contact point 'ops-mail' (email) needs settings.addresses"
        )
        #expect(point.diagnostics.first?.hint?.contains("could not find addresses in settings") == true)

        let templates = try directory()
        try """
        apiVersion: 1
        templates:
          - orgId: 1
            name: ops.message
            template: |
              {{ define "ops.message" }}
              {{ range .Alerts }}{{ .Labels.alertname }}
              {{ end }}
        """.write(toFile: templates + "/templates.yaml", atomically: true, encoding: .utf8)
        let template = await harness.run("alert-template push \(templates)")
        #expect(
            template.diagnostics.first?.message
                == "\(templates)/templates.yaml:6:7: Template 'ops.message' does not parse: "
                + "{{define}} is never closed by {{end}} (line 1 of the template)",
            "\(template.diagnostics)"
        )
        // Nothing was sent: the server still has only its default contact point and no template.
        let client = try await harness.adminClient()
        let points = try await client.send(RawRequest(method: .get, path: "/api/v1/provisioning/contact-points")).get()
        #expect(!String(decoding: points.body, as: UTF8.self).contains("ops-mail"))
        let stored = try await client.send(RawRequest(method: .get, path: "/api/v1/provisioning/templates")).get()
        #expect(String(decoding: stored.body, as: UTF8.self) == "[]")
    }

    @Test(arguments: [
        ("{{ if .Alerts }}x", "{{if}} is never closed by {{end}}", 1),
        ("ok\n{{ end }}", "{{end}} without an if, range, with, define or block", 2),
        ("{{ .Labels.x", "unclosed action", 1),
        ("a\n\n{{ \"open }}", "unterminated quoted string", 3),
        ("{{/* note }}", "unclosed comment", 1),
        ("{{ else }}", "{{else}} outside an if, range or with", 1),
    ])
    func templateProblemsAreFoundOnTheirLine(text: String, problem: String, line: Int) {
        let found = AlertingChecks.templateProblem(text)
        #expect(found?.problem == problem && found?.line == line, "\(String(describing: found))")
    }

    @Test func wellFormedTemplatesPassTheCheck() {
        let texts = [
            #"{{ define "t" }}{{ range .Alerts }}{{ if .Labels.x }}{{ .Labels.x }}{{ else if .Labels.y }}y{{ else }}-{{ end }}{{ end }}{{ end }}"#,
            "{{/* a comment */}}{{- template \"__subject\" . -}} {{ \"}}\" }} {{ `{{` }} {{ printf \"%s}}\" .Status }}",
        ]
        for text in texts { #expect(AlertingChecks.templateProblem(text) == nil, "\(text)") }
    }

    @Test func diffListsServerResourcesTheFilesLackAndPruneDeletesThem() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let folder = try directory()
        expectSuccess(
            await harness.run(
                """
                folder create "Alerts demo" --uid alerts-demo
                alert push \(Self.examples)
                alert export --out \(folder)
                """
            ),
            harness
        )
        // Resources the export does not hold: another group in the same folder, a mute timing,
        // a contact point and a template (the export's templates.yaml holds `templates: []`).
        let client = try await harness.adminClient()
        let extraGroup =
            #"{"interval":60,"rules":[{"uid":"extra-1","title":"Extra","condition":"A","#
            + #""data":[{"refId":"A","datasourceUid":"__expr__","model":{"type":"math","expression":"1"}}],"#
            + #""noDataState":"NoData","execErrState":"Error","for":"0s"}]}"#
        for (method, path, body) in [
            (TransportRequest.Method.put, "/api/v1/provisioning/folder/alerts-demo/rule-groups/extra", extraGroup),
            (.post, "/api/v1/provisioning/mute-timings", #"{"name":"holidays","time_intervals":[]}"#),
            (
                .put, "/api/v1/provisioning/templates/spare.message",
                #"{"template":"{{ define \"spare.message\" }}x{{ end }}"}"#
            ),
            (
                .post, "/api/v1/provisioning/contact-points",
                #"{"uid":"spare","name":"spare","type":"webhook","settings":{"url":"http://x"}}"#
            ),
        ] {
            let reply = try await client.send(RawRequest(method: method, path: path, body: Data(body.utf8))).get()
            #expect(reply.status < 300, "\(path): \(String(decoding: reply.body, as: UTF8.self))")
        }
        expectSuccess(
            await harness.run(
                """
                let gone = []
                for change in (alert diff \(folder)) {
                  if $change.change == "delete" { let gone = $gone + ["${change.kind} ${change.name}"] }
                  else { assert $change.change == "unchanged" "${change.kind} ${change.name} unchanged" }
                }
                assert $gone == ["template spare.message", "contact-point spare (spare)", "mute-timing holidays", "rule-group alerts-demo/extra"] "$gone"
                let pushed = (alert push \(folder))
                for row in $pushed { assert $row.status == "unchanged" "a push without --prune deletes nothing" }
                let pruned = 0
                for row in (alert push \(folder) --prune) { if $row.status == "deleted" { let pruned = $pruned + 1 } }
                assert $pruned == 4 "$pruned"
                for change in (alert diff \(folder)) { assert $change.change == "unchanged" "${change.name}" }
                """
            ),
            harness
        )
        await #expect(throws: GrafanaError.self) {
            try await client.send(RawRequest(method: .get, path: "/api/v1/provisioning/alert-rules/extra-1")).get()
        }
    }

    @Test func aContactPointWithASecretPushesOnceAndThenIsUnchanged() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let folder = try directory()
        try """
        apiVersion: 1
        contactPoints:
          - orgId: 1
            name: ops-slack
            receivers:
              - uid: ops-slack
                type: slack
                settings:
                  recipient: "#ops"
                  token: xoxb-not-a-real-token
        """.write(toFile: folder + "/contact-points.yaml", atomically: true, encoding: .utf8)
        let export = try directory()
        expectSuccess(
            await harness.run(
                """
                assert (contact-point push \(folder))[0].status == "created"
                assert (contact-point push \(folder))[0].status == "unchanged" "the redacted token counts as the file's"
                assert (contact-point show ops-slack).settings.token == "[REDACTED]"
                alert export --out \(export)
                for change in (alert diff \(export)) { assert $change.change == "unchanged" "${change.name}" }
                """
            ),
            harness
        )
        #expect(!harness.sink.standardOutput.contains("xoxb-not-a-real-token"))
    }
}
