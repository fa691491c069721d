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
        #expect(gone.diagnostics.first?.message.contains("Template not found") == true)
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
}
