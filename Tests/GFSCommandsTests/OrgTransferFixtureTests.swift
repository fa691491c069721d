import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// The whole fixture org exported, imported into a fresh org and into a fresh sandbox of
/// another version profile, and compared resource by resource; a second import sends nothing.
@Suite(.serialized) struct OrgTransferFixtureTests {
    static let secrets =
        ["--secret fx-pg.password=env:FIXTURE_DB_PASSWORD"]
        + OrgFixture.users.map { "--secret \(UserKind.passwordSecret($0.0))=env:FIXTURE_PASSWORD" }

    static func read(_ client: GrafanaClient, nested: Bool) async throws -> OrgSnapshot {
        var snapshot = try await OrgSnapshot.read(client, options: .init(secureFieldNames: true))
        if !nested {
            // A server without nested folders holds every folder at the top.
            snapshot.kinds["folders"] = snapshot.kinds["folders"]?.mapValues { folder in
                guard case .record(var fields) = folder else { return folder }
                fields["parentUid"] = nil
                return .record(fields)
            }
        }
        return snapshot
    }

    @Test func fixtureMovesToAFreshOrgAndToAnotherVersion() async throws {
        let options = GrafanaShellHost.Options(environment: OrgFixture.environment)
        let harness = try await SandboxHarness.start(options: options)
        defer { Task { await harness.stop() } }
        let sourceOrg = try await OrgFixture.fill(harness, orgName: "source", nestedFolders: true)
        let directory = try OrgTransferTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        expectSuccess(await harness.run("org export \(directory)"), harness)
        let source = try await Self.read(harness.adminClient(org: sourceOrg), nested: true)
        #expect(source.kinds["dashboards"]?.count == OrgFixture.dashboardCount)
        #expect(source.kinds["alert-rules"]?.count == 2)
        #expect(source.kinds["contact-points"]?["ops-webhook/webhook"] != nil)
        #expect(FileManager.default.fileExists(atPath: directory + "/alerting/rules/alerts-demo/demo.json"))
        #expect(FileManager.default.fileExists(atPath: directory + "/teams/platform.json"))
        #expect(FileManager.default.fileExists(atPath: directory + "/permissions/folders/fx-platform.json"))

        // A fresh org of the same server: its users exist and join the org.
        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try OrgTransferTests.host(harness, transport: transport, options: options)
        let imported = await interpreter.run(
            SourceFile(
                name: "import.gfs",
                text: "org create copy\nuse $org\norg import \(directory) \(Self.secrets.joined(separator: " "))"
            )
        )
        #expect(imported.status == .success, "\(imported.diagnostics) \(sink.standardError)")
        let copyOrg = try #require(try await harness.adminClient().findOrg(named: "copy")?.id)
        let copy = try await Self.read(harness.adminClient(org: copyOrg), nested: true)
        #expect(source.differences(from: copy, firstName: "the source", secondName: "the copy") == [])

        transport.reset()
        let again = await interpreter.run(
            SourceFile(name: "again.gfs", text: "org import \(directory) \(Self.secrets.joined(separator: " "))")
        )
        #expect(again.status == .success, "\(again.diagnostics) \(sink.standardError)")
        #expect(transport.recorded.isEmpty, "\(transport.recorded.prefix(5))")

        // A fresh sandbox of 9.5.0: no nested folders, and no users but admin until created.
        let old = try await SandboxHarness.start(version: "9.5.0", options: options)
        defer { Task { await old.stop() } }
        let oldTransport = WriteRecordingTransport()
        let (oldInterpreter, oldSink) = try OrgTransferTests.host(old, transport: oldTransport, options: options)
        let moved = await oldInterpreter.run(
            SourceFile(
                name: "move.gfs",
                text: "org create moved\nuse $org\norg import \(directory) \(Self.secrets.joined(separator: " "))"
            )
        )
        #expect(moved.status == .success, "\(moved.diagnostics) \(oldSink.standardError)")
        let movedOrg = try #require(try await old.adminClient().findOrg(named: "moved")?.id)
        let flatSource = try await Self.read(harness.adminClient(org: sourceOrg), nested: false)
        let onOld = try await Self.read(old.adminClient(org: movedOrg), nested: false)
        #expect(onOld.kinds["dashboards"]?.count == OrgFixture.dashboardCount)
        #expect(flatSource.differences(from: onOld, firstName: "11.4.0", secondName: "9.5.0") == [])

        oldTransport.reset()
        let movedAgain = await oldInterpreter.run(
            SourceFile(name: "again.gfs", text: "org import \(directory) \(Self.secrets.joined(separator: " "))")
        )
        #expect(movedAgain.status == .success, "\(movedAgain.diagnostics) \(oldSink.standardError)")
        #expect(oldTransport.recorded.isEmpty, "\(oldTransport.recorded.prefix(5))")
    }

    @Test func aUserWithoutItsPasswordIsNotCarried() async throws {
        let options = GrafanaShellHost.Options(environment: OrgFixture.environment)
        let harness = try await SandboxHarness.start(options: options)
        defer { Task { await harness.stop() } }
        let directory = try OrgTransferTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        expectSuccess(
            await harness.run(
                """
                user create fx-dora --password-env FIXTURE_PASSWORD
                org create src
                use $org
                org user add fx-dora --role Editor
                org export \(directory) --include users
                """
            ),
            harness
        )
        #expect(FileManager.default.fileExists(atPath: directory + "/users/fx-dora.json"))
        let other = try await SandboxHarness.start(version: "9.5.0", options: options)
        defer { Task { await other.stop() } }
        let outcome = await other.run("org import \(directory)")
        #expect(outcome.status != .success)
        #expect(other.sink.standardError.contains("user.fx-dora.password"), "\(other.sink.standardError)")
        #expect(try await other.adminClient().orgUsers(orgID: nil).allSatisfy { $0.login != "fx-dora" })
    }
}
