import Foundation
import Testing

/// Drives the demo shell (`gfs-shell-demo`, a shell over a fake evaluator) through a real
/// pseudo-terminal with tmux, for what the real `gfs` tests (GFSTerminalTests) do not repeat:
/// Ctrl-R, Ctrl-Z with `fg`, and resizing, which are libedit's and the shell's alone.
///
/// `GFS_SHELL_BINARY` names another binary to drive.
@Suite(.serialized, .enabled(if: TmuxSession.canRun, "tmux cannot run here; install tmux (scripts/bootstrap does)"))
struct TerminalTests {
    static let prompt = "admin@localhost:3000 [apiorg]> "

    @Test func ctrlRSearchesHistory() async throws {
        let tmux = try await TmuxSession()
        defer { tmux.close() }
        for line in ["org create apiorg", "use $org"] {
            try await tmux.waitFor { $0.last == Self.prompt }
            await tmux.send(literal: line)
            await tmux.send(keys: "Enter")
        }
        try await tmux.waitFor("ran: use $org")
        try await tmux.waitFor { $0.last == Self.prompt }
        await tmux.send(keys: "C-r")
        await tmux.send(literal: "crea")
        // libedit shows the search below the line it found.
        try await tmux.waitFor { $0.last == "bck:crea" && $0.dropLast().last == Self.prompt + "org create apiorg" }
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.filter { $0 == "ran: org create apiorg" }.count == 2 }
    }

    @Test func ctrlZSuspendsAndFgRedrawsTheLine() async throws {
        let tmux = try await TmuxSession(underJobControl: true)
        defer { tmux.close() }
        try await tmux.waitFor { $0.last == "$ " }
        await tmux.send(literal: "'\(TmuxSession.binary)'")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.last == Self.prompt }
        await tmux.send(literal: "org li")
        await tmux.send(keys: "C-z")
        try await tmux.waitFor { $0.contains { $0.contains("Stopped") } && $0.last == "$ " }
        await tmux.send(literal: "fg")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.last == Self.prompt + "org li" }
        await tmux.send(literal: "st")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor("ran: org list")
        try await tmux.waitFor { $0.last == Self.prompt }
        // Editing still works after the resume: the terminal is back in libedit's mode.
        await tmux.send(keys: "Up")
        try await tmux.waitFor { $0.last == Self.prompt + "org list" }
    }

    @Test func resizingTheWindowRedrawsTheLine() async throws {
        let tmux = try await TmuxSession()
        defer { tmux.close() }
        try await tmux.waitFor { $0.last == Self.prompt }
        let text = "org list --with a tail é"
        await tmux.send(literal: text)
        try await tmux.waitFor { $0.last == Self.prompt + text }
        await tmux.resize(columns: 40)
        // Redrawn on a fresh line, wrapped at the new width.
        let wrapped = Self.prompt + text
        // (Compared without spaces: the screen's trailing ones are trimmed. tmux re-wraps the
        // old line and scrolls part of it away; without a redraw the screen kept one line.)
        let squeezed = { (text: String) in text.replacingOccurrences(of: " ", with: "") }
        try await tmux.waitFor { squeezed($0.suffix(2).joined()) == squeezed(wrapped) && $0.count >= 3 }
        await tmux.send(literal: "!")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.suffix(2).first.map { $0.hasPrefix("ran: \(text)!") } == true }
    }

}

/// One tmux server with one window running the shell binary.
///
/// Everything waits asynchronously: the tests share Swift's cooperative pool, one thread per
/// core, with tests that measure time.
struct TmuxSession {
    let socket = "gfs-shell-test-\(UUID().uuidString.prefix(8))"
    let historyFile: String

    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["GFS_SHELL_BINARY"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/gfs-shell-demo").path
    }()

    /// Whether tmux is installed and can start a server here.
    static let canRun: Bool = {
        let probe = "gfs-shell-probe-\(UUID().uuidString.prefix(8))"
        defer { _ = runBriefly(["-L", probe, "kill-server"]) }
        return runBriefly(["-L", probe, "new-session", "-d", "-x", "80", "-y", "5", "sleep 5"]) == 0
    }()

    /// The `gfs` executable next to the demo binary, built by `swift build`.
    static let gfsBinary: String = {
        if let path = ProcessInfo.processInfo.environment["GFS_BINARY"] { return path }
        return URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("gfs").path
    }()

    /// The repository's root, where the real-terminal tests start `gfs` (for `examples/`).
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// A scratch directory per session: the history file lives in `state/gfs/history`.
    let directory: String

    /// Starts `executable` with `arguments` in a new tmux window, in `workingDirectory`, with
    /// `environment` added to a quiet terminal's and `rcFile` as the rc file; with `underJobControl`, an interactive bash
    /// starts it instead, so that Ctrl-Z and `fg` work.
    init(
        executable: String = TmuxSession.binary,
        arguments: [String] = [],
        environment extra: [String: String] = [:],
        workingDirectory: String? = nil,
        rcFile: String? = nil,
        underJobControl: Bool = false
    ) async throws {
        directory = NSTemporaryDirectory() + "gfs-shell-tty-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/config/gfs", withIntermediateDirectories: true)
        if let rcFile { try rcFile.write(toFile: directory + "/config/gfs/rc", atomically: true, encoding: .utf8) }
        historyFile = directory + "/state/gfs/history"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TmuxError(message: "No shell binary at \(executable); build it with `swift build`.")
        }
        // After the shell exits its status stays on screen for `waitFor`. The rc file is looked
        // for in the scratch directory, so a developer's own never runs in a test.
        var variables = [
            "GFS_HISTFILE": historyFile, "NO_COLOR": "1", "TERM": "xterm", "EDITRC": "/dev/null",
            "XDG_CONFIG_HOME": directory + "/config",
        ]
        variables.merge(extra) { $1 }
        let environment = variables.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted($0.value))" }
            .joined(separator: " ")
        let commandLine = ([executable] + arguments).map(Self.quoted).joined(separator: " ")
        let command =
            underJobControl
            ? "env \(environment) PS1='$ ' bash --norc --noprofile -i"
            : "env \(environment) \(commandLine); echo EXIT=$?; sleep 60"
        var tmuxArguments = ["-L", socket, "new-session", "-d", "-x", "100", "-y", "30"]
        if let workingDirectory { tmuxArguments += ["-c", workingDirectory] }
        let status = await Self.run(tmuxArguments + [command]).status
        guard status == 0 else { throw TmuxError(message: "tmux new-session failed with status \(status)") }
    }

    /// `text` in single quotes for the shell tmux runs the command with.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    func send(literal text: String) async {
        await Self.run(["-L", socket, "send-keys", "-l", text])
    }

    func resize(columns: Int) async {
        await Self.run(["-L", socket, "resize-window", "-x", String(columns)])
    }

    func send(keys: String) async {
        await Self.run(["-L", socket, "send-keys", keys])
    }

    /// The screen's lines, trailing spaces and empty lines at the bottom removed.
    func lines() async -> [String] {
        let screen = await Self.run(["-L", socket, "capture-pane", "-p"], capturing: true).output
        var lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.reversed().drop { $0 == " " }.reversed())
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        // A prompt's trailing space is gone with the others; put it back for comparisons.
        return lines.map { $0.hasSuffix(">") || $0 == "$" ? $0 + " " : $0 }
    }

    func waitFor(_ text: String, timeout: Duration = .seconds(10)) async throws {
        try await waitFor(timeout: timeout) { $0.contains { $0.contains(text) } }
    }

    func waitFor(timeout: Duration = .seconds(10), _ condition: ([String]) -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if condition(await lines()) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let screen = await lines().joined(separator: "\n")
        throw TmuxError(message: "The screen never showed what was expected:\n\(screen)")
    }

    func close() {
        _ = Self.runBriefly(["-L", socket, "kill-server"])
    }

    /// Runs tmux and waits for it; its output, when `capturing`, through a temporary file.
    ///
    /// Not Foundation's `Process`: on Linux it learns that a child exited when a socket the
    /// child inherited closes, and the server `new-session` starts inherits it too and lives
    /// on, so `Process` would wait for the server. tmux client commands return at once.
    @discardableResult
    static func run(_ arguments: [String], capturing: Bool = false) async -> (status: Int32, output: String) {
        let outputFile = capturing ? NSTemporaryDirectory() + "gfs-tmux-\(UUID().uuidString)" : "/dev/null"
        defer { if capturing { unlink(outputFile) } }
        let status = spawnAndWait(["tmux"] + arguments, output: outputFile)
        let output = capturing ? ((try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? "") : ""
        return (status, output)
    }

    /// Runs a tmux command that returns at once: for the suite's trait and cleanup.
    static func runBriefly(_ arguments: [String]) -> Int32 {
        spawnAndWait(["tmux"] + arguments, output: "/dev/null")
    }

    private static func spawnAndWait(_ arguments: [String], output: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
        }
        // The test thread blocks most signals (Dispatch's workers do), and a spawned process
        // inherits the mask: the tmux server would then ignore the SIGTERM `kill-server`
        // sends it, and the shell the SIGHUP. Start with an empty mask and default actions.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "tmux", &actions, &attributes, argv, environment) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }
}

struct TmuxError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
