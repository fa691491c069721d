import Foundation
import GrafanaAPI
import GrafanaSandbox
import Testing

/// `examples/team-onboarding.gfs` on each profile: the first run makes everything, a second
/// run under `--dry-run` plans no write at all (every line found its work done).
@Suite(.serialized) struct TeamOnboardingBinaryTests {
    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"])
    func theOnboardingRunbookConverges(version: String) async throws {
        let (server, url) = try await GFSBinaryTests.sandbox(version)
        defer { Task { await server.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-onboarding-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let out = "\(directory)/platform-ci.token"
        var environment = GFSBinaryTests.password
        environment["ALICE_PASSWORD"] = "alice-secret-1"
        environment["BOB_PASSWORD"] = "bob-secret-1"
        let arguments = GFSBinaryTests.connect(url) + ["--var", "out=\(out)", "examples/team-onboarding.gfs"]

        let first = try await GFSBinaryTests.gfs(arguments, environment: environment)
        #expect(first.status == 0, "\(first.standardError)")
        let token = try String(contentsOfFile: out, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(token.hasPrefix("glsa_"))
        #expect(!first.standardOutput.contains(token) && !first.standardError.contains(token))
        let admin = GFSBinaryTests.admin(url)
        let folder = try #require(try await admin.folders().first { $0.title == "Platform" })
        let grants = try await admin.permissions(of: .folder, uid: folder.uid)
        #expect(grants.contains { $0.team == "platform" && $0.permission == 2 })
        let starred = try await admin.search(SearchQuery(starred: true))
        #expect(starred.map(\.title) == ["Production Overview"])
        #expect(starred.first?.folderUid == folder.uid)

        let second = try await GFSBinaryTests.gfs(["--dry-run"] + arguments, environment: environment)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(!second.standardError.contains("dry run:"), "\(second.standardError)")
        // The saved token is the first run's, still valid.
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix(token))
    }
}
