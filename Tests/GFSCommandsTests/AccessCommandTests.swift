import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// `sa`, `permission` and `preferences` against the sandbox: each write, its idempotent rerun
/// (which sends nothing and says unchanged), and the usual failures.
@Suite(.serialized) struct AccessCommandTests {
    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"]) func serviceAccountsAndTokens(version: String) async throws {
        let harness = try await SandboxHarness.start(version: version)
        defer { Task { await harness.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-sa-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        expectSuccess(
            await harness.run(
                """
                sa create deployer Editor
                assert $sa.status == "created" and $sa.role == "Editor"
                sa create deployer Editor --if-missing
                assert $_.status == "unchanged"
                sa create deployer Admin --if-missing
                assert $_.status == "updated" and $_.role == "Admin"
                sa role deployer Admin
                assert $_.status == "unchanged"
                sa role deployer Viewer
                assert $_.status == "updated"
                sa disable deployer
                assert $_.status == "updated" and $_.isDisabled
                sa disable deployer
                assert $_.status == "unchanged"
                sa enable deployer
                assert $_.status == "updated" and not $_.isDisabled
                sa show $sa.id
                assert $sa.name == "deployer" and $sa.role == "Viewer"
                sa token add deployer ci --ttl 1d --save \(directory)/ci.token
                assert $token.status == "created" and $token.serviceAccount == "deployer"
                sa token add deployer ci --if-missing
                assert $_.status == "unchanged"
                sa token list deployer
                assert $_[0].name == "ci" and not $_[0].hasExpired
                """
            ),
            harness
        )
        // The secret went to the file only (mode 0600), and it authenticates.
        let path = "\(directory)/ci.token"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let secret = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(secret.hasPrefix("glsa_"))
        #expect(!harness.sink.standardOutput.contains(secret))
        #expect(try await harness.tokenClient(secret).currentOrg().id == 1)

        let missing = await harness.run("sa show deployr")
        #expect(missing.diagnostics.first?.message == "No service account 'deployr' in this org")
        #expect(missing.diagnostics.first?.hint == "Did you mean 'deployer'?")
        expectSuccess(
            await harness.run(
                """
                sa token delete deployer ci
                assert $_.status == "deleted"
                sa token delete deployer ci --if-exists
                assert $_.status == "absent"
                sa delete deployer
                assert $_.status == "deleted"
                sa delete deployer --if-exists
                assert $_.status == "absent"
                """
            ),
            harness
        )
        #expect(try await harness.adminClient().allServiceAccounts().isEmpty)
    }

    /// `sa list` reads every page of the search, not only the first.
    @Test func listPagesThroughEverything() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let admin = harness.adminClient()
        for index in 0..<105 { _ = try await admin.createServiceAccount(name: "robot-\(index)", role: .viewer) }
        #expect(try await admin.searchServiceAccounts(page: 1, perPage: 100).serviceAccounts.count == 100)
        expectSuccess(await harness.run("sa list\nassert $_[104].name != null"), harness)
        let rows = harness.sink.standardOutput.split(separator: "\n").filter { $0.contains("robot-") }
        #expect(rows.count == 105)
    }

    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"]) func permissionsByName(version: String) async throws {
        let harness = try await SandboxHarness.start(version: version)
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                folder create ops --uid ops
                api POST /api/teams --body {name: "platform"}
                api POST /api/dashboards/db --body {dashboard: {uid: "svc", title: "Service"}, folderUid: $folder.uid}
                permission show folder ops
                assert $_[0].name == "admin" and $_[0].level == "Admin" and $_[2].name == "Viewer"
                permission set folder ops --team platform --level edit
                assert $_.status == "created" and $_.level == "Edit"
                permission set folder ops --team platform --level edit
                assert $_.status == "unchanged"
                permission set folder ops --role Viewer --level edit
                assert $_.status == "updated"
                permission remove folder ops --role Viewer
                assert $_.status == "removed"
                permission remove folder ops --role Viewer
                assert $_.status == "unchanged"
                permission set dashboard Service --user admin --level admin
                assert $_.status == "unchanged"
                permission set dashboard svc --role Viewer --level view
                assert $_.status == "created"
                """
            ),
            harness
        )
        let entries = try await harness.adminClient().permissions(of: .folder, uid: "ops")
        let subjects = entries.map { entry in
            [entry.team, entry.role, entry.userLogin].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        }
        #expect(subjects.sorted() == ["Editor", "admin", "platform"])
        let dashboard = try await harness.adminClient().permissions(of: .dashboard, uid: "svc")
        #expect(dashboard.map(\.permission).sorted() == [1, 4])

        let noSubject = await harness.run("permission set folder ops --level edit")
        #expect(noSubject.diagnostics.first?.message == "Name one of --user, --team or --role")
        let badLevel = await harness.run("permission set folder ops --role Editor --level owner")
        #expect(badLevel.diagnostics.first?.message == "Unknown level 'owner'")
        let badKind = await harness.run("permission show datasource prom")
        #expect(badKind.diagnostics.first?.message == "Unknown kind 'datasource'")
        let noUser = await harness.run("permission set folder ops --user nobody --level view")
        #expect(noUser.diagnostics.first?.message == "No user 'nobody' in this org")
    }

    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"]) func preferencesOfOrgTeamAndUser(version: String) async throws {
        let harness = try await SandboxHarness.start(version: version)
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                api POST /api/teams --body {name: "platform"}
                api POST /api/dashboards/db --body {dashboard: {uid: "home", title: "Home board"}}
                preferences set --org --theme dark --home "Home board" --week-start monday
                assert $preferences.status == "updated" and $preferences.homeDashboardUID == "home"
                preferences set --org --theme dark
                assert $_.status == "unchanged"
                preferences show --org
                assert $preferences.theme == "dark" and $preferences.weekStart == "monday"
                preferences set --team platform --timezone utc
                assert $_.status == "updated"
                preferences show --team platform
                assert $_.timezone == "utc" and $_.theme == null
                preferences set --theme light
                preferences show
                assert $_.theme == "light"
                """
            ),
            harness
        )
        let both = await harness.run("preferences show --org --user")
        #expect(both.diagnostics.first?.message == "Name one of --org, --team or --user")
        let nothing = await harness.run("preferences set --org")
        #expect(nothing.diagnostics.first?.message == "Nothing to set")
        let badTheme = await harness.run("preferences set --org --theme purple")
        #expect(badTheme.diagnostics.first?.message.contains("Invalid theme") == true)
    }

    /// A rerun that has nothing to do sends no write: under `--dry-run` it plans none, while a
    /// real change is planned and shown as curl.
    @Test func unchangedWritesPlanNothing() async throws {
        let harness = try await SandboxHarness.start(options: .init(dryRun: true, environment: [:]))
        defer { Task { await harness.stop() } }
        let admin = harness.adminClient()
        _ = try await admin.createFolder(title: "ops", uid: "ops")
        _ = try await admin.createServiceAccount(name: "deployer", role: .editor)
        _ = try await admin.replacePreferences(of: .org, with: Preferences(theme: "dark"))
        _ = try await admin.send(
            RawRequest(
                method: .post,
                path: "/api/admin/users",
                body: Data(#"{"login":"ann","password":"secret-ann"}"#.utf8)
            )
        )
        expectSuccess(
            await harness.run(
                """
                permission set folder ops --role Editor --level edit
                assert $_.status == "unchanged"
                permission remove folder ops --user ann
                assert $_.status == "unchanged"
                sa role deployer Editor
                assert $_.status == "unchanged"
                sa create deployer Editor --if-missing
                assert $_.status == "unchanged"
                preferences set --org --theme dark
                assert $_.status == "unchanged"
                """
            ),
            harness
        )
        #expect(!harness.sink.standardError.contains("dry run:"), "\(harness.sink.standardError)")
        expectSuccess(
            await harness.run(
                """
                permission set folder ops --role Viewer --level edit
                assert $_.status == "planned"
                """
            ),
            harness
        )
        #expect(harness.sink.standardError.contains("dry run: update folder permissions: curl"))
        // Nothing was written.
        let roles = try await admin.permissions(of: .folder, uid: "ops").compactMap(\.role).filter { !$0.isEmpty }
        #expect(roles == ["Editor", "Viewer"])
        #expect(try await admin.permissions(of: .folder, uid: "ops").first { $0.role == "Viewer" }?.permission == 1)
    }
}
