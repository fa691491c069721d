import Foundation
public import Testing

/// Compares multi-line output with a golden file next to the calling test file
/// (`Golden/NAME.txt`), reporting any difference at the caller's line.
///
/// Run the tests with `GFS_RECORD_GOLDEN=1` to write the current output as the new golden
/// file (after swift-argument-parser's `assertSnapshot`); review the diff before committing.
public func assertGolden(
    _ text: String,
    named name: String,
    filePath: String = #filePath,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    let file = directory.appendingPathComponent("\(name).txt")
    if ProcessInfo.processInfo.environment["GFS_RECORD_GOLDEN"] == "1" {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        } catch {
            Issue.record("Could not record golden file \(file.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
        Issue.record(
            "No golden file \(file.path). Run with GFS_RECORD_GOLDEN=1 to record it.",
            sourceLocation: sourceLocation
        )
        return
    }
    guard expected != text else { return }
    Issue.record(
        "Output differs from golden file \(name).txt:\n\(lineDifference(expected: expected, actual: text))",
        sourceLocation: sourceLocation
    )
}

/// The first line where two texts differ, with both versions.
func lineDifference(expected: String, actual: String) -> String {
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(expectedLines.count, actualLines.count) {
        let want = index < expectedLines.count ? String(expectedLines[index]) : "<end of text>"
        let got = index < actualLines.count ? String(actualLines[index]) : "<end of text>"
        if want != got {
            return "line \(index + 1):\n  expected: \(want)\n  actual:   \(got)"
        }
    }
    return "(texts differ only in line endings)"
}
