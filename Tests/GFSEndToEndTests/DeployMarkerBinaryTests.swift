import Foundation
import GFSValue
import GrafanaAPI
import GrafanaSandbox
import Testing

/// `examples/deploy-marker.gfs` through the built binary: it pushes a dashboard, annotates the
/// deploy on it and snapshots it, and a rerun leaves one of each.
@Suite(.serialized) struct DeployMarkerBinaryTests {
    typealias Binary = GFSBinaryTests

    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"])
    func theDeployMarkerConvergesOnARerun(version: String) async throws {
        let (server, url) = try await Binary.sandbox(version)
        defer { Task { await server.stop() } }
        for _ in 1...2 {
            let run = try await Binary.gfs(
                Binary.connect(url) + ["--output", "json", "examples/deploy-marker.gfs"],
                environment: Binary.password
            )
            #expect(run.status == 0, "\(run.standardError)")
        }
        let admin = Binary.admin(url)
        let hits = try await admin.search(SearchQuery(query: "Production Overview"))
        #expect(hits.count == 1)
        let uid = try #require(hits.first?.uid)
        #expect(try await admin.dashboard(uid: uid).meta.version == 1)
        let marks = try await admin.annotations(query: [QueryItem("dashboardUID", uid), QueryItem("tags", "deploy")])
        #expect(marks.count == 1)
        if case .record(let mark)? = marks.first { #expect(mark["text"] == .string("Deployed v1.2")) }
        let snapshots = try await admin.snapshots()
        #expect(snapshots.count == 1)
        if case .record(let snapshot)? = snapshots.first {
            #expect(snapshot["name"] == .string("Production Overview after v1.2"))
        }
    }
}
