import Foundation

/// One tmux server with one window running a program (by default `gfs`) in a real terminal.
///
/// Everything waits asynchronously: the tests share Swift's cooperative pool, one thread per
/// core, with tests that measure time.
struct TmuxSession {
    let socket = "gfs-shell-test-\(UUID().uuidString.prefix(8))"
    let historyFile: String

    /// The `gfs` executable built by `swift build`; `GFS_BINARY` names another one.
    static let gfsBinary: String = {
        if let path = ProcessInfo.processInfo.environment["GFS_BINARY"] { return path }
        return URL(fileURLWithPath: repositoryRoot).appendingPathComponent(".build/debug/gfs").path
    }()

    /// Whether tmux is installed and can start a server here.
    static let canRun: Bool = {
        let probe = "gfs-shell-probe-\(UUID().uuidString.prefix(8))"
        defer { _ = runBriefly(["-L", probe, "kill-server"]) }
        return runBriefly(["-L", probe, "new-session", "-d", "-x", "80", "-y", "5", "sleep 5"]) == 0
    }()

    /// The repository's root, where the real-terminal tests start `gfs` (for `examples/`).
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// A scratch directory per session: the history file lives in `state/gfs/history`.
    let directory: String

    /// Starts `executable` with `arguments` in a new tmux window, in `workingDirectory`, with
    /// `environment` added to a quiet terminal's and `rcFile` as the rc file.
    ///
    /// With `underJobControl` the window runs an interactive bash (prompt `$ `) and the command
    /// is typed into it, so that Ctrl-Z stops it and `fg` typed at bash resumes it.
    init(
        executable: String = TmuxSession.gfsBinary,
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
            throw TmuxError(message: "No binary at \(executable); build it with `swift build`.")
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
        if underJobControl {
            try await waitFor { $0.last == "$ " }
            await send(literal: commandLine)
            await send(keys: "Enter")
        }
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

    /// The screen's lines, trailing spaces and empty lines at the bottom removed. With
    /// `attributes`, colours and bold are in the text as escape sequences (tmux's own
    /// rendering of them, `capture-pane -e`).
    func lines(attributes: Bool = false) async -> [String] {
        let screen = await Self.run(
            ["-L", socket, "capture-pane", "-p"] + (attributes ? ["-e"] : []),
            capturing: true
        ).output
        var lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.reversed().drop { $0 == " " }.reversed())
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        // A prompt's trailing space is gone with the others; put it back for comparisons.
        return lines.map { $0.hasSuffix(">") || $0 == "$" ? $0 + " " : $0 }
    }

    /// How long `waitFor` watches the screen before giving up: a guard against a hang on a
    /// loaded machine, never a measurement.
    static let hangGuard: Duration = .seconds(120)

    func waitFor(_ text: String, timeout: Duration = TmuxSession.hangGuard) async throws {
        try await waitFor(timeout: timeout) { $0.contains { $0.contains(text) } }
    }

    /// Polls the screen until `condition` holds; throws, showing the screen, after `timeout`.
    func waitFor(timeout: Duration = TmuxSession.hangGuard, _ condition: ([String]) -> Bool) async throws {
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
