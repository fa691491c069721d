import Foundation
import GFSLanguage
import Testing

@testable import GFSCommands

/// The `dashboard push` progress bar: its text for given counts and widths, and that it is
/// drawn only when standard error is a terminal.
@Suite struct ProgressBarTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var done: Int
        var total: Int
        var label: String
        var width: Int
        var expected: String
        var testDescription: String { "\(done)/\(total) '\(label)' in \(width) columns" }
    }

    static let cases: [Case] = [
        // 80 columns: a bar of a third of what the count leaves (24 cells), the count, the name.
        Case(
            done: 7,
            total: 12,
            label: "prod.json",
            width: 80,
            expected: "[##############..........] 7/12 prod.json"
        ),
        Case(done: 0, total: 12, label: "", width: 80, expected: "[........................] 0/12"),
        Case(done: 12, total: 12, label: "a.json", width: 80, expected: "[#######################] 12/12 a.json"),
        // A wide terminal caps the bar at 30 cells.
        Case(
            done: 1,
            total: 2,
            label: "x.json",
            width: 200,
            expected: "[###############...............] 1/2 x.json"
        ),
        // A long name keeps its end, and the line stays within width - 1 columns.
        Case(
            done: 3,
            total: 4,
            label: "production-overview-with-a-very-long-name.json",
            width: 40,
            expected: "[########...] 3/4 …-very-long-name.json"
        ),
        // Too narrow for a bar: the count and as much name as fits.
        Case(done: 7, total: 12, label: "prod.json", width: 20, expected: "7/12 prod.json"),
        Case(done: 7, total: 12, label: "prod.json", width: 8, expected: "7/12"),
        // Nonsense counts are clamped rather than drawing past the bar.
        Case(done: 15, total: 12, label: "", width: 80, expected: "[#######################] 12/12"),
    ]

    @Test(arguments: cases)
    func renders(_ example: Case) {
        let line = ProgressBar.render(
            done: example.done,
            total: example.total,
            label: example.label,
            width: example.width
        )
        #expect(line == example.expected)
        #expect(line.count <= max(example.width - 1, "\(example.total)/\(example.total)".count))
    }

    @Test func redrawStaysOnOneLine() {
        let text = ProgressBar.redraw(done: 1, total: 3, label: "a.json", width: 80)
        #expect(text.hasPrefix("\r"))
        #expect(text.hasSuffix("\u{1B}[K"))
        #expect(!text.contains("\n"))
        #expect(ProgressBar.clear == "\r\u{1B}[K")
    }

    static func writeDashboards(count: Int) throws -> String {
        let directory = NSTemporaryDirectory() + "gfs-progress-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for index in 1...count {
            try #"{"uid": "p\#(index)", "title": "Progress \#(index)"}"#.write(
                toFile: "\(directory)/p\(index).json",
                atomically: true,
                encoding: .utf8
            )
        }
        return directory
    }

    @Test func aTerminalSeesTheBarClearedBeforeTheSummary() async throws {
        let harness = try await SandboxHarness.start(options: .init(showsProgress: true, environment: [:]))
        defer { Task { await harness.stop() } }
        let directory = try Self.writeDashboards(count: 5)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = await harness.run("dashboard push \(directory) --jobs 2")
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message))")

        let stderr = harness.sink.standardError
        // One frame per finished file, each redrawn over the last.
        #expect(stderr.components(separatedBy: "\r[").count - 1 == 5)
        for done in 1...5 { #expect(stderr.contains("] \(done)/5 p")) }
        #expect(stderr.contains("] 5/5 p"))
        // The bar is erased, then the summary follows on the clean line.
        let cleared = try #require(stderr.range(of: ProgressBar.clear + "5 dashboard files: 5 created"))
        #expect(!stderr[cleared.upperBound...].contains("\r"))
        #expect(!harness.sink.standardOutput.contains("\r"))
    }

    @Test func aPipeSeesNoBar() async throws {
        let harness = try await SandboxHarness.start(options: .init(showsProgress: false, environment: [:]))
        defer { Task { await harness.stop() } }
        let directory = try Self.writeDashboards(count: 5)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = await harness.run("dashboard push \(directory)")
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message))")
        let stderr = harness.sink.standardError
        #expect(stderr == "5 dashboard files: 5 created\n")
    }

    /// One file needs no bar even on a terminal: the result follows at once.
    @Test func oneFileDrawsNoBar() async throws {
        let harness = try await SandboxHarness.start(options: .init(showsProgress: true, environment: [:]))
        defer { Task { await harness.stop() } }
        let directory = try Self.writeDashboards(count: 1)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(await harness.run("dashboard push \(directory)/p1.json").status == .success)
        #expect(harness.sink.standardError.isEmpty)
    }
}
