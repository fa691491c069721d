import Testing

@testable import GrafanaAPI

@Suite struct GrafanaVersionTests {
    @Test(arguments: [
        ("11.4.0", GrafanaVersion(major: 11, minor: 4, patch: 0)),
        ("v12.1.0", GrafanaVersion(major: 12, minor: 1, patch: 0)),
        ("9.5", GrafanaVersion(major: 9, minor: 5, patch: 0)),
        ("11.5.0-pre", GrafanaVersion(major: 11, minor: 5, patch: 0, prerelease: "pre")),
        ("11.3.0-75420.patch2-75797", GrafanaVersion(major: 11, minor: 3, patch: 0, prerelease: "75420.patch2-75797")),
        ("10.4.1+security-01", GrafanaVersion(major: 10, minor: 4, patch: 1)),
    ])
    func parses(text: String, expected: GrafanaVersion) {
        #expect(GrafanaVersion(text) == expected)
    }

    @Test(arguments: ["", "main", "11", "11.x.0", "1.2.3.4", "-1.0.0"])
    func rejects(text: String) {
        #expect(GrafanaVersion(text) == nil)
    }

    @Test func ordersLikeSemver() throws {
        let versions = ["9.5.0", "11.3.0-pre", "11.3.0", "10.4.1", "11.10.0", "11.4.0"].compactMap(GrafanaVersion.init)
        #expect(
            versions.sorted().map(\.description) == ["9.5.0", "10.4.1", "11.3.0-pre", "11.3.0", "11.4.0", "11.10.0"]
        )
        #expect(try #require(GrafanaVersion("11.3.0-pre")) < #require(GrafanaVersion("11.3.0")))
    }

    @Test(arguments: [
        // version, service accounts, key creation 410, key routes gone
        ("8.5.0", false, false, false),
        ("9.0.9", false, false, false),
        ("9.1.0", true, false, false),
        ("9.5.0", true, false, false),
        ("11.2.3", true, false, false),
        ("11.3.0", true, true, false),
        ("11.3.0-pre", true, true, false),
        ("11.4.0", true, true, false),
        ("12.0.2", true, true, false),
        ("12.1.0", true, true, true),
        ("13.0.0", true, true, true),
    ])
    func capabilities(text: String, serviceAccounts: Bool, creationGone: Bool, routesGone: Bool) throws {
        let version = try #require(GrafanaVersion(text))
        #expect(version.hasServiceAccounts == serviceAccounts)
        #expect(version.createsKeysWithServiceAccounts == serviceAccounts)
        #expect(version.legacyKeyCreationGone == creationGone)
        #expect(version.legacyKeyRoutesGone == routesGone)
    }
}

@Suite struct OrgRoleTests {
    @Test(arguments: [
        ("admin", OrgRole.admin), ("ADMIN", .admin), ("Editor", .editor), ("viewer", .viewer), ("none", .none),
    ])
    func parsesAnyCase(text: String, expected: OrgRole) {
        #expect(OrgRole(parsing: text) == expected)
    }

    @Test func rejectsUnknownRoles() {
        #expect(OrgRole(parsing: "owner") == nil)
        #expect(OrgRole(parsing: "") == nil)
    }
}
