import Foundation
import GFSShell
import Testing

/// The real `gfs` at the prompt, in a real terminal driven by tmux, against the in-process
/// sandbox on a real port (`--sandbox`): tables, history, completion from the command table,
/// the session and the server, Ctrl-C at the prompt and during a request, Ctrl-D, secrets kept
/// out of the history file, the rc file and `-i`, the whole tutorial, and what libedit and the
/// shell do alone: Ctrl-R, Ctrl-Z with `fg`, and resizing the window.
@Suite(.serialized, .enabled(if: TmuxSession.canRun, "tmux cannot run here; install tmux (scripts/bootstrap does)"))
struct GFSTerminalTests {
    /// `gfs --sandbox` in tmux, started in the repository's root so `examples/` completes.
    /// With `underJobControl`, started from an interactive bash so that Ctrl-Z and `fg` work.
    static func start(
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        rc: String? = nil,
        underJobControl: Bool = false
    ) async throws -> TmuxSession {
        let tmux = try await TmuxSession(
            executable: TmuxSession.gfsBinary,
            arguments: ["--sandbox"] + arguments,
            environment: environment,
            workingDirectory: TmuxSession.repositoryRoot,
            rcFile: rc,
            underJobControl: underJobControl
        )
        return tmux
    }

    /// A prompt line: `admin@127.0.0.1:PORT [Main Org.]> ` followed by `typed`.
    static func isPrompt(
        _ line: String?,
        identity: String = "admin",
        org: String = "Main Org.",
        failed: Bool = false,
        typed: String = ""
    ) -> Bool {
        guard let line else { return false }
        let tail = " [\(org)]" + (failed ? "!" : "") + "> " + typed
        guard line.hasPrefix(identity + "@127.0.0.1:"), line.hasSuffix(tail) else { return false }
        let port = line.dropFirst(identity.count + "@127.0.0.1:".count).dropLast(tail.count)
        return !port.isEmpty && port.allSatisfy(\.isNumber)
    }

    /// Any prompt of `admin` at the sandbox, failed or not, with or without an org.
    static func isAnyPrompt(_ line: String?) -> Bool {
        guard let line else { return false }
        return line.hasPrefix("admin@127.0.0.1:") && line.hasSuffix("> ")
    }

    /// How long the first prompt may take (the sandbox starts first): only a guard against a
    /// hang, never what a test measures.
    static let slow: Duration = .seconds(180)

    @Test func aCommandShowsItsTableAndUpRecallsIt() async throws {
        let tmux = try await Self.start()
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        await tmux.send(literal: "org list")
        await tmux.send(keys: "Enter")
        // An aligned table: a header row, then the org.
        try await tmux.waitFor { lines in
            lines.contains { $0.hasPrefix("ID") && $0.contains("NAME") }
                && lines.contains { $0.hasPrefix("1") && $0.hasSuffix("Main Org.") }
                && Self.isPrompt(lines.last)
        }
        await tmux.send(keys: "Up")
        try await tmux.waitFor { Self.isPrompt($0.last, typed: "org list") }
        await tmux.send(keys: "Enter")
        try await tmux.waitFor {
            $0.filter { $0.hasSuffix("Main Org.") && $0.hasPrefix("1") }.count == 2 && Self.isPrompt($0.last)
        }

        await tmux.send(literal: "help dashboard push")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor {
            $0.contains { $0.contains("dashboard push") && $0.lowercased().contains("usage") } && Self.isPrompt($0.last)
        }
        await tmux.send(literal: "dashbord list")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor {
            $0.contains { $0.contains("Did you mean 'dashboard") } && Self.isPrompt($0.last, failed: true)
        }
    }

    @Test func tabCompletesCommandsVariablesAndServerNames() async throws {
        let tmux = try await Self.start()
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        await tmux.send(literal: "dash")
        await tmux.send(keys: "Tab")
        try await tmux.waitFor { Self.isPrompt($0.last, typed: "dashboard") }
        await tmux.send(keys: "C-u")
        await tmux.send(literal: "org create apiorg")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.contains { $0.contains("apiorg") } && Self.isPrompt($0.last) }
        await tmux.send(literal: "use $or")
        await tmux.send(keys: "Tab")
        try await tmux.waitFor { Self.isPrompt($0.last, typed: "use $org") }
        // A field of the record in $org.
        await tmux.send(literal: ".na")
        await tmux.send(keys: "Tab")
        try await tmux.waitFor { Self.isPrompt($0.last, typed: "use $org.name") }
        await tmux.send(keys: "C-u")
        // A live name: the org just created, from the server.
        await tmux.send(literal: "org show api")
        await tmux.send(keys: "Tab")
        try await tmux.waitFor { Self.isPrompt($0.last, typed: "org show apiorg") }
        await tmux.send(keys: "Enter")
        try await tmux.waitFor {
            $0.contains { $0.hasPrefix("name") && $0.hasSuffix("apiorg") } && Self.isPrompt($0.last)
        }
    }

    @Test func ctrlCAtThePromptAfterRequestsGivesACleanPrompt() async throws {
        let tmux = try await Self.start()
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        for count in 1...3 {
            await tmux.send(literal: "org list")
            await tmux.send(keys: "Enter")
            try await tmux.waitFor { $0.filter { $0.hasSuffix("Main Org.") }.count == count && Self.isPrompt($0.last) }
        }
        await tmux.send(literal: "org cre")
        await tmux.send(keys: "C-c")
        try await tmux.waitFor { Self.isPrompt($0.last) && $0.contains { Self.isPrompt($0, typed: "org cre^C") } }
        await tmux.send(literal: "for x in [1, 2] {")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.last == "..." || $0.last == "... " }
        await tmux.send(keys: "C-c")
        try await tmux.waitFor { Self.isPrompt($0.last) }
        await tmux.send(literal: "org list")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.filter { $0.hasSuffix("Main Org.") }.count == 4 && Self.isPrompt($0.last) }
        #expect(await !tmux.lines().contains { $0.contains("apiorg") || $0.contains("error") })
    }

    /// How tmux shows `texts`, one a line, printed straight to a terminal: the reference a
    /// coloured prompt drawn by libedit is compared with, attributes included.
    static func rendered(_ texts: [String]) async throws -> [String] {
        let reference = try await TmuxSession(executable: "/usr/bin/printf", arguments: ["%s\\n"] + texts)
        defer { reference.close() }
        try await reference.waitFor("EXIT=0")
        return Array(await reference.lines(attributes: true).prefix(texts.count))
    }

    /// With colour on, the prompt after a failure and after Ctrl-C is exactly the coloured
    /// prompt printed straight to the terminal: every escape takes effect, none shows as text,
    /// and the `!> ` after the adjacent reset and red is there.
    @Test func theColouredPromptAfterAFailureAndCtrlC() async throws {
        let tmux = try await Self.start(environment: ["NO_COLOR": ""])
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        let first = try #require(await tmux.lines().last)
        let port = try #require(first.firstMatch(of: /127\.0\.0\.1:([0-9]+)/)).output.1
        var context = PromptContext(server: "127.0.0.1:\(port)", identity: "admin", organization: "Main Org.")
        let colour = Prompt(usesColour: true)
        let plain = colour.primary(context)
        context.lastFailed = true
        let failed = colour.primary(context)
        let expected = try await Self.rendered([plain, failed, failed + "org cre^C"])
        #expect(await tmux.lines(attributes: true).last == expected[0])

        await tmux.send(literal: "dashbord list")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { Self.isPrompt($0.last, failed: true) }
        #expect(await tmux.lines(attributes: true).last == expected[1])

        await tmux.send(literal: "org cre")
        await tmux.send(keys: "C-c")
        try await tmux.waitFor {
            Self.isPrompt($0.dropLast().last, failed: true, typed: "org cre^C") && Self.isPrompt($0.last, failed: true)
        }
        let screen = await tmux.lines(attributes: true)
        #expect(Array(screen.suffix(2)) == [expected[2], expected[1]])
        // No escape sequence anywhere on the screen was printed as text.
        let text = await tmux.lines()
        #expect(!text.contains { $0.contains(/\[[0-9;]*m/) }, "\(text)")
    }

    @Test func ctrlCDuringASlowRequestCancelsIt() async throws {
        // The search answers only after far longer than any wait below: the prompt can come
        // back before that only if Ctrl-C cancelled the request.
        let tmux = try await Self.start(["--sandbox-delay", "GET /api/search=600s"])
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        await tmux.send(literal: "dashboard list")
        await tmux.send(keys: "Enter")
        // A Ctrl-C typed before the shell starts watching for one (just after Enter, on a busy
        // machine) is not the running command's: press it again until the command is cancelled.
        // (The terminal echoes the Ctrl-C: the line reads `^CCancelled.`.)
        let cancelled = { (lines: [String]) in lines.contains { $0.hasSuffix("Cancelled.") } }
        for _ in 1...20 where await !cancelled(tmux.lines()) {
            await tmux.send(keys: "C-c")
            try? await tmux.waitFor(timeout: .seconds(3), cancelled)
        }
        try await tmux.waitFor { cancelled($0) && Self.isPrompt($0.last, failed: true) }
        await tmux.send(literal: "org list")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.contains { $0.hasSuffix("Main Org.") } && Self.isPrompt($0.last) }
    }

    /// A pipe on standard input is a script even with a terminal on standard output: no
    /// prompt, no line editing, no rc file.
    @Test func aPipeIsReadAsAScriptWithoutAPrompt() async throws {
        let tmux = try await TmuxSession(
            executable: "/bin/sh",
            arguments: ["-c", "printf 'org list\\n' | '\(TmuxSession.gfsBinary)' --sandbox"],
            workingDirectory: TmuxSession.repositoryRoot,
            rcFile: "org create fromrc\n"
        )
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { $0.contains { $0.hasPrefix("EXIT=") } }
        let lines = await tmux.lines()
        #expect(lines.contains { $0.hasPrefix("1") && $0.hasSuffix("Main Org.") })
        #expect(!lines.contains { $0.contains("> ") || $0.contains("fromrc") }, "\(lines)")
        #expect(lines.contains("EXIT=0"))
    }

    @Test func theOutputFlagAppliesAtThePrompt() async throws {
        let tmux = try await Self.start(["--output", "json"])
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        await tmux.send(literal: "org list")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.contains("[{\"id\":1,\"name\":\"Main Org.\"}]") && Self.isPrompt($0.last) }
    }

    @Test func ctrlDOnAnEmptyLineExitsZero() async throws {
        let tmux = try await Self.start()
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        await tmux.send(literal: "org list")
        await tmux.send(keys: "C-d")  // not empty: deletes, does not exit
        await tmux.send(keys: "C-u")
        await tmux.send(keys: "C-d")
        try await tmux.waitFor("EXIT=0")
    }

    @Test func theHistoryFileHoldsNoSecret() async throws {
        let password = "pw-\(UUID().uuidString.prefix(8))"
        let tmux = try await Self.start(environment: ["GF_PW": password])
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        for (line, org) in [
            ("org create apiorg", "Main Org."), ("use $org", "apiorg"), ("key create apikeycurl admin", "apiorg"),
        ] {
            await tmux.send(literal: line)
            await tmux.send(keys: "Enter")
            try await tmux.waitFor {
                $0.contains { Self.isPrompt($0, typed: line) || Self.isPrompt($0, org: "apiorg", typed: line) }
                    && Self.isPrompt($0.last, org: org)
            }
        }
        // A terminal shows the new key once; typing it back must not put it in the history.
        let screen = await tmux.lines().joined(separator: "\n")
        let token = try #require(screen.firstMatch(of: /gl(sa|c)_[A-Za-z0-9_=]+/).map { String($0.output.0) })
        await tmux.send(literal: "use token \(token)")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { Self.isPrompt($0.last, identity: "token", org: "apiorg") }
        let url = try #require(screen.firstMatch(of: /http:\/\/127\.0\.0\.1:[0-9]+/).map { String($0.output) })
        // The sandbox's admin password is `admin`, so this connect may fail after reading the
        // password: either way the password is a secret now.
        await tmux.send(literal: "connect \(url) --user admin --password-env GF_PW")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { Self.isAnyPrompt($0.last) }
        await tmux.send(literal: "echo \"\(password)\"")
        await tmux.send(keys: "Enter")
        // Its output is masked; the line typed is on the screen, as typed.
        try await tmux.waitFor { Self.isAnyPrompt($0.last) && $0.contains("***") }
        await tmux.send(literal: "exit")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor("EXIT=0")

        let text = try String(contentsOfFile: tmux.historyFile, encoding: .utf8)
        #expect(text.contains("key\\040create\\040apikeycurl\\040admin"))
        #expect(text.contains("--password-env\\040GF_PW"))
        #expect(!text.contains(token))
        #expect(!text.contains(password))
    }

    @Test func theRCFileAndAnInteractiveScriptRunBeforeThePrompt() async throws {
        let script = NSTemporaryDirectory() + "gfs-i-\(UUID().uuidString).gfs"
        try "org create fromscript\nuse $org\nlet answer = 42\n".write(
            toFile: script,
            atomically: true,
            encoding: .utf8
        )
        let tmux = try await Self.start(["-i", script], rc: "let greeting = \"hello from rc\"\n")
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last, org: "fromscript") }
        await tmux.send(literal: "echo \"$greeting $answer\"")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.contains("hello from rc 42") && Self.isPrompt($0.last, org: "fromscript") }

        // -X skips the rc file.
        let skipped = try await Self.start(["-X"], rc: "let greeting = \"hello from rc\"\n")
        defer { skipped.close() }
        try await skipped.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        await skipped.send(literal: "echo $greeting")
        await skipped.send(keys: "Enter")
        try await skipped.waitFor { Self.isPrompt($0.last, failed: true) }
        #expect(await !skipped.lines().contains("hello from rc"))
    }

    /// The tutorial's five lines at the prompt, typed with Tab and recalled with Up.
    @Test func theWholeTutorialAtThePrompt() async throws {
        let tmux = try await Self.start()
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }

        await tmux.send(literal: "org cr")
        await tmux.send(keys: "Tab")
        try await tmux.waitFor { Self.isPrompt($0.last, typed: "org create") }
        await tmux.send(literal: "apiorg")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { Self.isPrompt($0.last) && $0.contains { $0.contains("apiorg") } }

        await tmux.send(literal: "use $o")
        await tmux.send(keys: "Tab")
        try await tmux.waitFor { Self.isPrompt($0.last, typed: "use $org") }
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { Self.isPrompt($0.last, org: "apiorg") }

        await tmux.send(literal: "key cr")
        await tmux.send(keys: "Tab")
        try await tmux.waitFor { Self.isPrompt($0.last, org: "apiorg", typed: "key create") }
        await tmux.send(literal: "apikeycurl ad")
        await tmux.send(keys: "Tab")
        try await tmux.waitFor { Self.isPrompt($0.last, org: "apiorg", typed: "key create apikeycurl Admin") }
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { Self.isPrompt($0.last, org: "apiorg") && $0.contains { $0.contains("apikeycurl") } }

        await tmux.send(literal: "use $k")
        await tmux.send(keys: "Tab")
        try await tmux.waitFor { Self.isPrompt($0.last, org: "apiorg", typed: "use $key") }
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { Self.isPrompt($0.last, identity: "apikeycurl", org: "apiorg") }

        await tmux.send(literal: "dashboard pu")
        await tmux.send(keys: "Tab")
        // Two candidates: Tab lists them and leaves the word; one more letter decides.
        try await tmux.waitFor { $0.contains("pull  push") }
        await tmux.send(literal: "s")
        await tmux.send(keys: "Tab")
        try await tmux.waitFor {
            Self.isPrompt($0.last, identity: "apikeycurl", org: "apiorg", typed: "dashboard push")
        }
        await tmux.send(literal: "exampl")
        await tmux.send(keys: "Tab")
        await tmux.send(literal: "production-ov")
        await tmux.send(keys: "Tab")
        let push = "dashboard push examples/production-overview.json"
        try await tmux.waitFor { Self.isPrompt($0.last, identity: "apikeycurl", org: "apiorg", typed: push) }
        await tmux.send(keys: "Enter")
        try await tmux.waitFor {
            Self.isPrompt($0.last, identity: "apikeycurl", org: "apiorg")
                && $0.contains { $0.contains("Production Overview") }
        }

        // The dashboard is there for the key, and history has the whole tutorial.
        await tmux.send(literal: "dashboard list")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor {
            $0.filter { $0.contains("Production Overview") }.count >= 2
                && Self.isPrompt($0.last, identity: "apikeycurl", org: "apiorg")
        }
        await tmux.send(keys: "Up")
        await tmux.send(keys: "Up")
        try await tmux.waitFor { Self.isPrompt($0.last, identity: "apikeycurl", org: "apiorg", typed: push) }
        await tmux.send(keys: "C-u")
        await tmux.send(keys: "C-d")
        try await tmux.waitFor("EXIT=0")
        let history = try String(contentsOfFile: tmux.historyFile, encoding: .utf8)
        for line in ["org create apiorg", "use $org", "key create apikeycurl Admin", "use $key", push] {
            #expect(history.contains(line.replacingOccurrences(of: " ", with: "\\040")), "\(line) in \(history)")
        }
    }

    @Test func ctrlRSearchesHistory() async throws {
        let tmux = try await Self.start()
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        for line in ["echo \"first\"", "org list"] {
            await tmux.send(literal: line)
            await tmux.send(keys: "Enter")
            try await tmux.waitFor { $0.contains { Self.isPrompt($0, typed: line) } && Self.isPrompt($0.last) }
        }
        await tmux.send(keys: "C-r")
        await tmux.send(literal: "ech")
        // libedit shows the search below the line it found.
        try await tmux.waitFor {
            $0.last == "bck:ech" && Self.isPrompt($0.dropLast().last, typed: "echo \"first\"")
        }
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.filter { $0 == "first" }.count == 2 && Self.isPrompt($0.last) }
    }

    @Test func ctrlZSuspendsAndFgRedrawsTheLine() async throws {
        let tmux = try await Self.start(underJobControl: true)
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        await tmux.send(literal: "org li")
        try await tmux.waitFor { Self.isPrompt($0.last, typed: "org li") }
        await tmux.send(keys: "C-z")
        try await tmux.waitFor { $0.contains { $0.contains("Stopped") } && $0.last == "$ " }
        await tmux.send(literal: "fg")
        await tmux.send(keys: "Enter")
        // Resumed with the half-typed line drawn again after bash's output.
        try await tmux.waitFor { Self.isPrompt($0.last, typed: "org li") }
        await tmux.send(literal: "st")
        await tmux.send(keys: "Enter")
        // The sandbox ran on in the same process: the request works after the resume.
        try await tmux.waitFor {
            $0.contains { $0.hasPrefix("1") && $0.hasSuffix("Main Org.") } && Self.isPrompt($0.last)
        }
        // Editing still works after the resume: the terminal is back in libedit's mode.
        await tmux.send(keys: "Up")
        try await tmux.waitFor { Self.isPrompt($0.last, typed: "org list") }
    }

    @Test func resizingTheWindowRedrawsTheLine() async throws {
        let tmux = try await Self.start()
        defer { tmux.close() }
        try await tmux.waitFor(timeout: Self.slow) { Self.isPrompt($0.last) }
        // An open string: the line cannot run before it is finished below.
        let text = "echo \"wrapped at forty é"
        await tmux.send(literal: text)
        try await tmux.waitFor { Self.isPrompt($0.last, typed: text) }
        let line = try #require(await tmux.lines().last)
        await tmux.resize(columns: 40)
        // tmux re-wraps the line already on the screen to the new width; libedit's redraw
        // then draws it once more below, so it shows twice. (Compared without spaces: the
        // screen's trailing ones are trimmed.)
        let squeezed = { (text: String) in text.replacingOccurrences(of: " ", with: "") }
        try await tmux.waitFor {
            squeezed($0.suffix(2).joined()) == squeezed(line)
                && squeezed($0.joined()).components(separatedBy: squeezed(line)).count == 3
        }
        await tmux.send(literal: "\"")
        await tmux.send(keys: "Enter")
        try await tmux.waitFor { $0.contains("wrapped at forty é") && Self.isAnyPrompt($0.last) }
    }
}
