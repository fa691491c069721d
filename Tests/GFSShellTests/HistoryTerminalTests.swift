import Foundation
import Testing

/// `history`, `history save` and `--log` at the real prompt, in tmux against `--sandbox`.
@Suite(.serialized, .enabled(if: TmuxSession.canRun, "tmux cannot run here; install tmux (scripts/bootstrap does)"))
struct HistoryTerminalTests {
    @Test func historyListsAndSavesWhatWasTypedAndTheLogHasIt() async throws {
        let scratch = NSTemporaryDirectory() + "gfs-history-tty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let log = scratch + "/audit.ndjson"
        let saved = scratch + "/session.gfs"
        let tmux = try await GFSTerminalTests.start(["--log", log])
        defer { tmux.close() }
        try await tmux.waitFor(timeout: GFSTerminalTests.slow) { GFSTerminalTests.isPrompt($0.last) }
        await tmux.send(literal: "org create historg")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.contains { $0.contains("historg") } && GFSTerminalTests.isPrompt($0.last) }
        await tmux.send(literal: "org show nosuchorg")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { GFSTerminalTests.isPrompt($0.last, failed: true) }
        await tmux.send(literal: "history")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { lines in
            lines.contains("    1   org create historg") && lines.contains("    2 ! org show nosuchorg")
                && GFSTerminalTests.isPrompt(lines.last)
        }
        await tmux.send(literal: "history save \(saved)")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor {
            $0.contains { $0.hasPrefix("Saved 2 commands to") } && GFSTerminalTests.isPrompt($0.last)
        }

        let script = try String(contentsOfFile: saved, encoding: .utf8)
        #expect(script.contains("\norg create historg\n# failed:\n#   org show nosuchorg\n"), "\(script)")
        // The log has one record per line typed, the prompt's own `history` lines excepted.
        let records = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(records.count == 2, "\(records)")
        #expect(records.first?.contains(#""script":"<line 1>""#) == true)
        #expect(records.first?.contains(#""command":"org create historg""#) == true)
        #expect(records.last?.contains(#""outcome":"failed""#) == true)
    }
}
