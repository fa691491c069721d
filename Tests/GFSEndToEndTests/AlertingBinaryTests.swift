import Foundation
import GrafanaSandbox
import Testing

/// `examples/alerting.gfs` and the alerting commands, run by the built `gfs` against a sandbox.
extension GFSBinaryTests {
    @Test(arguments: ["11.4.0", "12.1.0", "9.5.0"])
    func theAlertingExampleRoundTripsAndReruns(version: String) async throws {
        let (server, url) = try await Self.sandbox(version)
        defer { Task { await server.stop() } }
        let out = NSTemporaryDirectory() + "gfs-alerting-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let arguments = Self.connect(url) + ["--var", "out=\(out)", "examples/alerting.gfs"]
        let first = try await Self.gfs(arguments, environment: Self.password)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("alerting round trip: no change"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["contact-points.yaml", "mute-timings.yaml", "policies.yaml", "rules.yaml", "templates.yaml"])
        let exported = try files.map { try String(contentsOfFile: out + "/" + $0, encoding: .utf8) }
        #expect(exported[3].contains("uid: demo-high-load") && exported[3].contains("for: 5m"))

        // A rerun ends in the same state, and the export is byte-identical.
        let second = try await Self.gfs(arguments, environment: Self.password)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(try files.map { try String(contentsOfFile: out + "/" + $0, encoding: .utf8) } == exported)
    }

    @Test func aDryRunPushSendsNoWrite() async throws {
        let (server, url) = try await Self.sandbox()
        defer { Task { await server.stop() } }
        let run = try await Self.gfs(
            Self.connect(url) + [
                "--dry-run", "--output", "json", "-c",
                "folder create 'Alerts demo' --uid alerts-demo; alert push examples/alerting",
            ],
            environment: Self.password
        )
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("dry run:"))
        let rules = try await Self.gfs(
            Self.connect(url) + ["--output", "json", "-c", "alert rule list; contact-point list"],
            environment: Self.password
        )
        #expect(rules.standardOutput.split(separator: "\n").first == "[]")
        #expect(!rules.standardOutput.contains("ops-webhook"))
    }

    @Test func malformedYAMLIsReportedWithItsPositionBeforeAnythingIsSent() async throws {
        let (server, url) = try await Self.sandbox()
        defer { Task { await server.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-bad-alerting-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "apiVersion: 1\nmuteTimes:\n  - name: a\n    time_intervals: [\n".write(
            toFile: directory + "/bad.yaml",
            atomically: true,
            encoding: .utf8
        )
        try #"{"apiVersion": 1, "templates": [{"name": "t", "template": }]}"#.write(
            toFile: directory + "/bad.json",
            atomically: true,
            encoding: .utf8
        )
        let yaml = try await Self.gfs(
            Self.connect(url) + ["-c", "alert push \(directory)/bad.yaml"],
            environment: Self.password
        )
        #expect(yaml.status == 1)
        #expect(yaml.standardError.contains("\(directory)/bad.yaml:5:1:"), "\(yaml.standardError)")
        let json = try await Self.gfs(
            Self.connect(url) + ["-c", "alert push \(directory)/bad.json"],
            environment: Self.password
        )
        #expect(json.status == 1)
        #expect(json.standardError.contains("\(directory)/bad.json:1:59:"), "\(json.standardError)")
        let timings = try await Self.gfs(
            Self.connect(url) + ["--output", "json", "-c", "mute-timing list"],
            environment: Self.password
        )
        #expect(timings.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }
}
