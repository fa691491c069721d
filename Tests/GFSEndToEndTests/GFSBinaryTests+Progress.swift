import Foundation
import GrafanaSandbox
import Testing

extension GFSBinaryTests {
    /// stderr here is a file, as in a CI log: the push summary is there, the bar is not.
    @Test func aPushToAFileDrawsNoProgressBar() async throws {
        let (server, url) = try await Self.sandbox()
        defer { Task { await server.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-e2e-progress-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for index in 1...4 {
            try #"{"uid": "e\#(index)", "title": "E2E \#(index)"}"#.write(
                toFile: "\(directory)/e\(index).json",
                atomically: true,
                encoding: .utf8
            )
        }
        let run = try await Self.gfs(
            Self.connect(url) + ["-c", "dashboard push \(directory)"],
            environment: Self.password
        )
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError == "4 dashboard files: 4 created\n")
        #expect(!run.standardOutput.contains("\r"))
    }
}
