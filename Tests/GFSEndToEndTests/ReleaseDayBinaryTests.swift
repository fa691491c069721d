import Foundation
import GFSValue
import GrafanaAPI
import GrafanaSandbox
import Testing

/// `examples/release-day.gfs` through the built binary: ship a new version of a dashboard,
/// annotate the deploy, diff it against the version before, roll back and snapshot the result.
/// Each run is one rehearsal, so two runs leave the dashboard rolled back twice, one
/// annotation per deploy and one snapshot.
@Suite(.serialized) struct ReleaseDayBinaryTests {
    typealias Binary = GFSBinaryTests

    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"])
    func aReleaseIsShippedDiffedAndRolledBack(version: String) async throws {
        let (server, url) = try await Binary.sandbox(version)
        defer { Task { await server.stop() } }
        let admin = Binary.admin(url)

        let first = try await Binary.gfs(
            Binary.connect(url) + ["examples/release-day.gfs"],
            environment: Binary.password
        )
        #expect(first.status == 0, "\(first.standardError)")
        // The diff of version 2 against version 1 names what the new release changed.
        #expect(first.standardOutput.contains("refresh"), "\(first.standardOutput)")
        #expect(first.standardOutput.contains("10s"), "\(first.standardOutput)")

        let uid = try #require(try await admin.search(SearchQuery(query: "Production Overview")).first?.uid)
        var document = try await admin.dashboard(uid: uid)
        // 1: the running release, 2: the new one, 3: the rollback to 1's content.
        #expect(document.meta.version == 3)
        #expect(Self.refresh(of: document) == "25s")
        #expect(try await admin.dashboardVersions(uid: uid).map(\.version) == [3, 2, 1])

        let second = try await Binary.gfs(
            Binary.connect(url) + ["examples/release-day.gfs"],
            environment: Binary.password
        )
        #expect(second.status == 0, "\(second.standardError)")
        document = try await admin.dashboard(uid: uid)
        // The running release is unchanged after the rollback, so the rerun ships 4 and rolls back to 5.
        #expect(document.meta.version == 5)
        #expect(Self.refresh(of: document) == "25s")

        let marks = try await admin.annotations(query: [QueryItem("dashboardUID", uid), QueryItem("tags", "deploy")])
        #expect(marks.count == 2)
        #expect(try await admin.snapshots().count == 1)
    }

    /// The model's `refresh`, which the new release changes and the rollback restores.
    static func refresh(of document: DashboardDocument) -> String? {
        guard case .record(let model) = document.model, case .string(let refresh)? = model["refresh"] else {
            return nil
        }
        return refresh
    }
}
