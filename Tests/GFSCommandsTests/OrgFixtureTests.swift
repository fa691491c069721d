import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// The fixture org holds every kind, and the comparison finds what differs and nothing else.
@Suite(.serialized) struct OrgFixtureTests {
    @Test func fixtureHoldsEveryKindAndComparesEqualToItself() async throws {
        let harness = try await SandboxHarness.start(
            options: GrafanaShellHost.Options(environment: OrgFixture.environment)
        )
        defer { Task { await harness.stop() } }
        let org = try await OrgFixture.fill(harness, orgName: "fixture", nestedFolders: true)
        let client = harness.adminClient(org: org)
        let snapshot = try await OrgSnapshot.read(client, options: .init(secureFieldNames: true))

        #expect(snapshot.kinds["dashboards"]?.count == OrgFixture.dashboardCount)
        #expect(snapshot.kinds["folders"]?["fx-db-pg"]?["parentUid"] == "fx-db")
        #expect(snapshot.kinds["folders"]?.count == OrgFixture.folders.count)
        #expect(snapshot.kinds["library-panels"]?.count == OrgFixture.libraryPanels.count)
        #expect(snapshot.kinds["dashboards"]?["fx-dash-010"]?["folderUid"] == .null)
        #expect(snapshot.kinds["dashboards"]?["fx-dash-013"]?["folderUid"] == "fx-db-pg")
        #expect(snapshot.kinds["datasources"]?["Orders DB"]?["secureJsonFields"] == ["password"])
        #expect(snapshot.kinds["alert-rules"]?.keys.sorted() == ["demo-high-load", "demo-no-data"])
        #expect(snapshot.kinds["contact-points"]?["ops-webhook/webhook"] != nil)
        // Grafana makes a team's creator a member (`pkg/api/team.go` `createTeam` makes a user caller its admin member).
        #expect(snapshot.kinds["teams"]?["platform"]?["members"] == ["admin", "fx-alice", "fx-bob"])
        #expect(snapshot.kinds["users"]?["fx-carol"]?["role"] == "Admin")
        #expect(snapshot.kinds["service-accounts"]?.keys.sorted() == ["deployer", "reader"])
        #expect(snapshot.kinds["preferences"]?["org"]?["theme"] == "dark")
        #expect(snapshot.kinds["teams"]?["platform"]?["preferences"]?["theme"] == "light")
        let folderGrants = snapshot.kinds["permissions"]?["folder fx-platform"]
        #expect(folderGrants?.listContains(["team": "platform", "permission": 2]) == true)
        let dashboardGrants = snapshot.kinds["permissions"]?["dashboard fx-dash-004"]
        #expect(dashboardGrants?.listContains(["team": "apps", "permission": 1]) == true)
        // A library panel is used by every tenth dashboard.
        let usage = try await OrgSnapshot.get(client, "/api/library-elements/fx-lib-cpu/connections")
        #expect(usage["result"].map { if case .list(let items) = $0 { items.count } else { 0 } } ?? 0 > 0)

        #expect(
            snapshot.differences(from: try await OrgSnapshot.read(client, options: .init(secureFieldNames: true))) == []
        )

        // Changes are named in words, by kind and key.
        expectSuccess(
            await harness.run(
                """
                team delete apps
                api POST /api/dashboards/db --body '{"dashboard": {"uid": "fx-dash-007", "title": "Renamed"}, "overwrite": true, "folderUid": "fx-db"}'
                """
            ),
            harness
        )
        let changed = try await OrgSnapshot.read(client, options: .init(secureFieldNames: true))
        let differences = snapshot.differences(from: changed, firstName: "before", secondName: "after")
        #expect(differences.contains { $0.hasPrefix("teams 'apps' is only in before") })
        #expect(differences.contains { $0.hasPrefix("dashboards 'fx-dash-007' differs at model.") })
        #expect(differences.contains { $0.hasPrefix("permissions 'dashboard fx-dash-004' differs at") })
        #expect(differences.count == 3, "\(differences)")
    }

    @Test func fixturesOnTwoVersionProfilesCompareEqual() async throws {
        let new = try await SandboxHarness.start(options: GrafanaShellHost.Options(environment: OrgFixture.environment))
        defer { Task { await new.stop() } }
        let old = try await SandboxHarness.start(
            version: "9.5.0",
            options: GrafanaShellHost.Options(environment: OrgFixture.environment)
        )
        defer { Task { await old.stop() } }
        let newOrg = try await OrgFixture.fill(new, orgName: "fixture", nestedFolders: false)
        let oldOrg = try await OrgFixture.fill(old, orgName: "fixture", nestedFolders: false)
        let options = OrgSnapshot.Options(secureFieldNames: true, nestedFolders: false)
        let newer = try await OrgSnapshot.read(new.adminClient(org: newOrg), options: options)
        let older = try await OrgSnapshot.read(old.adminClient(org: oldOrg), options: options)
        #expect(older.kinds["dashboards"]?.count == OrgFixture.dashboardCount)
        #expect(newer.differences(from: older, firstName: "11.4.0", secondName: "9.5.0") == [])
    }
}

extension Value {
    fileprivate func listContains(_ element: Value) -> Bool {
        guard case .list(let items) = self else { return false }
        return items.contains(element)
    }
}
