import Foundation
import GFSShell
import Testing

@Suite struct HistoryStoreTests {
    @Test func pathComesFromGFSHistfileFirst() {
        #expect(HistoryStore.path(environment: ["GFS_HISTFILE": "/tmp/h", "XDG_STATE_HOME": "/s"]) == "/tmp/h")
    }

    @Test func devNullDisablesHistory() {
        #expect(HistoryStore.path(environment: ["GFS_HISTFILE": "/dev/null", "HOME": "/home/a"]) == nil)
    }

    @Test func pathFollowsXDGStateHome() {
        #expect(
            HistoryStore.path(environment: ["XDG_STATE_HOME": "/state", "HOME": "/home/a"]) == "/state/gfs/history"
        )
    }

    @Test func pathDefaultsUnderHome() {
        #expect(HistoryStore.path(environment: ["HOME": "/home/a"]) == "/home/a/.local/state/gfs/history")
        // A relative XDG_STATE_HOME is ignored, as the XDG spec says.
        #expect(
            HistoryStore.path(environment: ["XDG_STATE_HOME": "state", "HOME": "/home/a"])
                == "/home/a/.local/state/gfs/history"
        )
    }

    @Test func recordingSavesAtOnceWithPrivateModes() throws {
        let root = try makeTemporaryDirectory()
        let path = root + "/state/gfs/history"
        let store = HistoryStore(path: path)
        try store.record("org create apiorg")

        #expect(try mode(of: root + "/state/gfs") == 0o700)
        #expect(try mode(of: path) == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("_HiStOrY_V2_\n"))
        #expect(text.contains("org\\040create\\040apiorg"))
        // The temporary file was renamed, not left behind; the lock file stays, private too.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root + "/state/gfs").sorted() == [
                "history", "history.lock",
            ]
        )
        #expect(try mode(of: path + ".lock") == 0o600)
    }

    @Test func aSecondSessionLoadsWhatTheFirstSaved() throws {
        let path = try makeTemporaryDirectory() + "/history"
        let first = HistoryStore(path: path)
        try first.record("org create apiorg")
        try first.record("use $org")

        let second = HistoryStore(path: path)
        try second.load()
        #expect(second.entries == ["org create apiorg", "use $org"])
    }

    @Test func savingMergesLinesOtherSessionsAppended() throws {
        let path = try makeTemporaryDirectory() + "/history"
        let one = HistoryStore(path: path)
        let two = HistoryStore(path: path)
        try one.load()
        try two.load()
        try one.record("from one")
        try two.record("from two")
        try one.record("one again")

        let reader = HistoryStore(path: path)
        try reader.load()
        #expect(reader.entries == ["from one", "from two", "one again"])
        // Each session's memory holds only what it loaded and typed.
        #expect(two.entries == ["from two"])
    }

    /// Two sessions pressing Enter at the same moments: each save rereads, merges and renames,
    /// and without a lock around that a rename could drop lines the other session had just
    /// saved. Two stores on two threads open the lock file separately, so they exclude each
    /// other as two processes would (`flock` locks belong to the open file description).
    @Test func twoSessionsSavingAtOnceKeepEveryLine() throws {
        let path = try makeTemporaryDirectory() + "/history"
        let perSession = 150
        let sessions = ["one", "two"].map { (name: $0, store: HistoryStore(path: path)) }
        let failures = Collected()
        let ready = DispatchGroup()
        let finished = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for session in sessions {
            ready.enter()
            finished.enter()
            let thread = Thread {
                ready.leave()
                start.wait()
                for index in 1...perSession {
                    do {
                        try session.store.record("echo \(session.name) \(index)")
                    } catch {
                        failures.append("\(error)\n")
                    }
                }
                finished.leave()
            }
            thread.start()
        }
        // Both threads are at the starting line before either saves.
        ready.wait()
        for _ in sessions { start.signal() }
        finished.wait()

        #expect(failures.text == "")
        let reader = HistoryStore(path: path)
        try reader.load()
        let saved = reader.entries
        for session in sessions {
            let own = saved.filter { $0.hasPrefix("echo \(session.name) ") }
            // Every line is there, each once, in the order its session typed it.
            #expect(own == (1...perSession).map { "echo \(session.name) \($0)" })
        }
        #expect(saved.count == perSession * sessions.count)
    }

    @Test func secretsAreRedactedBeforeTheyReachTheFile() throws {
        let path = try makeTemporaryDirectory() + "/history"
        let store = HistoryStore(path: path, policy: HistoryPolicy(commandTable: testTable))
        let decision = try store.record("connect http://h --password hunter22")
        try store.record("use glsa_abcdefABCDEF0123456789abcdefABCD_0123abcd")
        try store.record(" org list")
        try store.record("echo the-key-value", secrets: ["the-key-value"])

        #expect(decision == .redact("connect http://h --password ***"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("hunter22"))
        #expect(!text.contains("glsa_"))
        #expect(!text.contains("the-key-value"))
        #expect(store.entries == ["connect http://h --password ***", "use ***", "echo ***"])
    }

    @Test func consecutiveDuplicatesAreKeptOnce() throws {
        let store = HistoryStore(path: nil)
        try store.record("org list")
        try store.record("org list")
        try store.record("use $org")
        #expect(store.entries == ["org list", "use $org"])
    }

    @Test func capacityBoundsTheHistory() throws {
        let path = try makeTemporaryDirectory() + "/history"
        let store = HistoryStore(path: path, capacity: 3)
        for index in 1...5 { try store.record("echo \(index)") }
        #expect(store.entries == ["echo 3", "echo 4", "echo 5"])
        let reader = HistoryStore(path: path, capacity: 10)
        try reader.load()
        #expect(reader.entries == ["echo 3", "echo 4", "echo 5"])
    }

    @Test func multiLineEntriesSurviveTheFile() throws {
        let path = try makeTemporaryDirectory() + "/history"
        try HistoryStore(path: path).record("for o in $orgs {\n  echo $o\n}")
        let reader = HistoryStore(path: path)
        try reader.load()
        #expect(reader.entries == ["for o in $orgs {\n  echo $o\n}"])
    }

    @Test func withoutAPathNothingIsWritten() throws {
        let store = HistoryStore(path: nil)
        try store.record("org list")
        try store.load()
        #expect(store.entries == ["org list"])
    }

    @Test func anUnreadableFileIsNotReplaced() throws {
        let path = try makeTemporaryDirectory() + "/history"
        try "not a libedit history\n".write(toFile: path, atomically: true, encoding: .utf8)
        let store = HistoryStore(path: path)
        #expect(throws: HistoryError.self) { try store.record("org list") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "not a libedit history\n")
    }

    @Test func aDirectoryThatCannotBeMadeIsAnError() throws {
        let root = try makeTemporaryDirectory()
        // A regular file where the directory should be: fails even for root.
        try "".write(toFile: root + "/gfs", atomically: true, encoding: .utf8)
        let store = HistoryStore(path: root + "/gfs/history")
        #expect(throws: HistoryError.self) { try store.record("org list") }
        // The line is still in memory for Up and Ctrl-R.
        #expect(store.entries == ["org list"])
    }
}
