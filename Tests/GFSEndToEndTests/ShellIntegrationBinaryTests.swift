import Foundation
import Testing

@testable import gfs

/// Completion scripts, the man page and `scripts/install`, from the built binary: each shell
/// loads its script and completes `gfs --ou` to `--output`, driven without a terminal.
@Suite(.serialized) struct ShellIntegrationBinaryTests {
    static let binaryDirectory = GFSBinaryTests.packageRoot.appendingPathComponent(".build/debug").path

    /// Runs `program arguments` from `directory` with the built gfs first on PATH; returns its
    /// exit status, standard output and standard error.
    static func run(_ program: String, _ arguments: [String], in directory: URL = GFSBinaryTests.packageRoot)
        async throws -> GFSBinaryTests.Result
    {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                        process.arguments = [program] + arguments
                        process.currentDirectoryURL = directory
                        process.environment = [
                            "PATH": "\(binaryDirectory):/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
                            "XDG_CONFIG_HOME": "/nonexistent", "TERM": "dumb",
                        ]
                        let output = Pipe()
                        let error = Pipe()
                        process.standardOutput = output
                        process.standardError = error
                        process.standardInput = FileHandle.nullDevice
                        try process.run()
                        // Read both to the end before waiting, so a full pipe cannot block the child.
                        let errorData = ErrorData()
                        errorData.done.enter()
                        Thread {
                            errorData.bytes = error.fileHandleForReading.readDataToEndOfFile()
                            errorData.done.leave()
                        }.start()
                        let outputData = output.fileHandleForReading.readDataToEndOfFile()
                        process.waitUntilExit()
                        errorData.done.wait()
                        return GFSBinaryTests.Result(
                            status: process.terminationStatus,
                            standardOutput: String(decoding: outputData, as: UTF8.self),
                            standardError: String(decoding: errorData.bytes, as: UTF8.self)
                        )
                    }
                )
            }.start()
        }
    }

    /// Standard error, read on a thread of its own; `done` is left when it has all of it.
    final class ErrorData: @unchecked Sendable {
        var bytes = Data()
        let done = DispatchGroup()
    }

    static func shellAvailable(_ shell: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/\(shell)")
    }

    /// The completion script for `shell`, written by the binary into a fresh directory.
    static func completionScript(_ shell: String, named name: String) async throws -> String {
        let run = try await GFSBinaryTests.gfs(["--generate-completion-script", shell])
        try #require(run.status == 0, "\(run.standardError)")
        let directory = NSTemporaryDirectory() + "gfs-completion-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try run.standardOutput.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// bash: the `complete -F` function, called as bash calls it, fills COMPREPLY.
    static func bashCompletions(_ words: [String], in directory: URL = GFSBinaryTests.packageRoot) async throws
        -> [String]
    {
        let script = try await completionScript("bash", named: "gfs")
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let run = try await Self.run(
            "bash",
            [
                "-c",
                """
                source '\(script)'
                complete -p gfs >/dev/null || exit 3
                COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
                COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
                _gfs gfs "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                printf '%s\\n' "${COMPREPLY[@]}"
                """,
            ],
            in: directory
        )
        #expect(run.status == 0, "\(run.standardError)")
        return run.standardOutput.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesTheOutputFlag() async throws {
        #expect(try await Self.bashCompletions(["gfs", "--ou"]) == ["--output"])
    }

    @Test func bashOffersGfsScripts() async throws {
        let completions = try await Self.bashCompletions(
            ["gfs", "tu"],
            in: GFSBinaryTests.packageRoot.appendingPathComponent("examples")
        )
        #expect(completions.contains("tutorial.gfs"), "\(completions)")
        #expect(!completions.contains { $0.hasSuffix(".json") }, "\(completions)")
    }

    @Test(.enabled(if: shellAvailable("fish"))) func fishCompletesTheOutputFlag() async throws {
        let script = try await Self.completionScript("fish", named: "gfs.fish")
        let run = try await Self.run("fish", ["--no-config", "-c", "source '\(script)'; complete -C 'gfs --ou'"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.split(separator: "\n").map { $0.split(separator: "\t").first ?? "" } == ["--output"])
    }

    /// fish runs custom completions only in an interactive session (they read `commandline`),
    /// so the language inside `-c` is completed through bash.
    @Test func bashCompletesTheLanguageInsideDashC() async throws {
        #expect(try await Self.bashCompletions(["gfs", "-c", "org cr"]) == ["org create"])
        #expect(try await Self.bashCompletions(["gfs", "-c", "dash"]) == ["dashboard"])
    }

    /// zsh completes only inside its line editor, so a pseudo-terminal (`zpty`) runs an
    /// interactive zsh with the script on `fpath`, types `gfs --ou` and Tab, and reads the line
    /// back until the completed word appears (a broken script never shows it, and the outer
    /// `timeout` ends the run).
    @Test(.enabled(if: shellAvailable("zsh"))) func zshCompletesTheOutputFlag() async throws {
        let script = try await Self.completionScript("zsh", named: "_gfs")
        let directory = (script as NSString).deletingLastPathComponent
        let run = try await Self.run(
            "timeout",
            [
                "120", "zsh", "-f", "-c",
                """
                zmodload zsh/zpty
                zpty z 'zsh -f -i'
                zpty -w z 'PS1="> "; fpath=(\(directory) $fpath); autoload -U compinit; compinit -u -D'
                zpty -w z 'echo READY'
                zpty -r z line '*READY*'
                zpty -r z line '*READY*'
                zpty -w -n z $'gfs --ou\\t'
                zpty -r z line '*gfs --output*'
                print -r -- "$line"
                zpty -d z
                """,
            ]
        )
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("gfs --output"), "\(run.standardOutput)")
    }

    @Test func theLanguageCandidatesComeFromTheCommandDefinitions() {
        #expect(ShellCompletion.languageCandidates(completing: "org cr") == ["org create"])
        #expect(
            ShellCompletion.languageCandidates(completing: "org list; dashboard pus") == ["org list; dashboard push"]
        )
        #expect(
            ShellCompletion.languageCandidates(completing: "key create k admin --s") == ["key create k admin --save"]
        )
        #expect(ShellCompletion.languageCandidates(completing: "let o = org cr") == ["let o = org create"])
        #expect(ShellCompletion.languageCandidates(completing: "").contains("dashboard"))
    }

    @Test func theManPageIsMadeFromTheHelpText() async throws {
        let run = try await GFSBinaryTests.gfs(["--generate-manual"])
        #expect(run.status == 0)
        let page = run.standardOutput
        #expect(page.hasPrefix(#".TH GFS 1 "" "gfs \#(GFSVersion.number)""#))
        #expect(page == ManualPage.roff())
        // Every root option, each subcommand and every language command is on the page.
        #expect(page.contains(#"\fB\-\-output <format>\fR"#), "\(page)")
        #expect(page.contains(#"\fB\-\-log <file>\fR"#))
        for name in ["gfs sandbox", "gfs check", "gfs replay", "gfs lsp"] { #expect(page.contains(".SS \(name)")) }
        #expect(page.contains(#"\fBorg create"#))
        // groff reads it without a warning.
        let file = NSTemporaryDirectory() + "gfs-\(UUID().uuidString).1"
        try page.write(toFile: file, atomically: true, encoding: .utf8)
        let groff = try await Self.run("groff", ["-man", "-Tutf8", "-ww", "-z", file])
        #expect(groff.status == 0)
        #expect(groff.standardError.isEmpty, "\(groff.standardError)")
    }

    @Test func installPutsEverythingUnderThePrefix() async throws {
        let prefix = NSTemporaryDirectory() + "gfs-prefix-\(UUID().uuidString)"
        let install = try await Self.run("scripts/install", ["--debug", prefix])
        try #require(install.status == 0, "\(install.standardError)")
        let files = [
            "bin/gfs", "share/gfs/commit", "share/man/man1/gfs.1", "share/bash-completion/completions/gfs",
            "share/zsh/site-functions/_gfs", "share/fish/vendor_completions.d/gfs.fish",
        ]
        for file in files {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file)")
        }
        let commit = try await Self.run("git", ["rev-parse", "--short=12", "HEAD"])
        let version = try await Self.run(prefix + "/bin/gfs", ["--version"])
        #expect(version.status == 0)
        #expect(
            version.standardOutput.hasPrefix(
                "\(GFSVersion.number) (commit \(commit.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))"
            ),
            "\(version.standardOutput)"
        )
        let page = try String(contentsOfFile: prefix + "/share/man/man1/gfs.1", encoding: .utf8)
        #expect(page == ManualPage.roff())
        // The binary left in the build directory knows no commit.
        let unknown = try await GFSBinaryTests.gfs(["--version"])
        #expect(unknown.standardOutput == "\(GFSVersion.number) (commit unknown)\n")
    }
}
