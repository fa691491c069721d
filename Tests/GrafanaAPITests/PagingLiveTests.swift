import Foundation
import GFSValue
import GrafanaSandbox
import Testing

@testable import GrafanaAPI

/// The lifecycle lists read every page: versions (`limit`/`start`, a bare list before 12 and
/// `{continueToken, versions}` from 12) and search (`limit`/`page`), with a page size smaller
/// than the result so more than one page is needed.
@Suite struct PagingLiveTests {
    @Test(arguments: ["9.5.0", "11.4.0", "12.1.0"])
    func listsReadEveryPage(version: String) async throws {
        try await SandboxLiveTests().withSandbox(version: version) { admin in
            var model: Value = ["uid": "paged", "title": "Paged"]
            for number in 1...5 {
                let saved = try await admin.saveDashboard(model: model, message: "save \(number)")
                guard case .sent(let answer) = saved, case .record(var record) = model else {
                    Issue.record("not sent")
                    return
                }
                record["version"] = .int(Int(answer.version ?? 0))
                model = .record(record)
            }
            let versions = try await admin.dashboardVersions(uid: "paged", pageSize: 2)
            #expect(versions.map(\.version) == [5, 4, 3, 2, 1])
            for number in 1...4 {
                _ = try await admin.saveDashboard(model: ["title": .string("Other \(number)"), "tags": ["many"]])
            }
            let hits = try await admin.searchAll(SearchQuery(tags: ["many"], type: .dashboard), pageSize: 3)
            #expect(hits.map(\.title) == ["Other 1", "Other 2", "Other 3", "Other 4"])
        }
    }
}
