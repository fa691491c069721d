import Foundation
import GFSValue
import Testing

/// `gfs check FILE...` through the built binary: each output format, warnings and
/// `--strict`, several files at once, and `gfs --check` agreeing with it. No server runs.
@Suite struct CheckCommandTests {
    /// A fresh directory holding `files` (name to text); returns its path.
    static func scripts(_ files: [String: String]) throws -> String {
        let directory = NSTemporaryDirectory() + "gfs-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        return directory
    }

    static let bad = "org list\ndashbord list\n"
    static let good = "let name = \"ops\"\necho \"hello ${name}\"\n"
    static let warned = "let unused = 1\nexit 0\necho never\n"

    @Test func githubFormatPrintsTheAnnotationWithItsPropertiesEscaped() async throws {
        // The comma in the file name must be escaped, as it would end the property.
        let directory = try Self.scripts(["bad,1.gfs": Self.bad])
        let run = try await GFSBinaryTests.gfs(["check", "--format", "github", directory + "/bad,1.gfs"])
        #expect(run.status == 65, "\(run.standardError)")
        #expect(run.standardError.isEmpty, "\(run.standardError)")
        #expect(
            run.standardOutput
                == "::error file=\(directory)/bad%2C1.gfs,line=2,col=1,endLine=2,endColumn=9,title=unknown-command"
                + "::Unknown command 'dashbord'%0AHint: Did you mean 'dashboard'?\n"
        )
    }

    @Test func jsonFormatWritesOneObjectPerDiagnosticWithEveryField() async throws {
        let directory = try Self.scripts(["bad.gfs": Self.bad])
        let run = try await GFSBinaryTests.gfs(["check", "--format", "json", directory + "/bad.gfs"])
        #expect(run.status == 65, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(lines.first.map(String.init)?.utf8 ?? "".utf8))
                as? [String: Any]
        )
        #expect(object["file"] as? String == directory + "/bad.gfs")
        #expect(object["line"] as? Int == 2)
        #expect(object["column"] as? Int == 1)
        #expect(object["endLine"] as? Int == 2)
        #expect(object["endColumn"] as? Int == 9)
        #expect(object["severity"] as? String == "error")
        #expect(object["code"] as? String == "unknown-command")
        #expect(object["message"] as? String == "Unknown command 'dashbord'")
        #expect(object["hint"] as? String == "Did you mean 'dashboard'?")
    }

    @Test func aGoodScriptExits0WithNoOutputInEveryFormat() async throws {
        let directory = try Self.scripts(["good.gfs": Self.good])
        for format in ["text", "json", "github"] {
            let run = try await GFSBinaryTests.gfs(["check", "--format", format, "--strict", directory + "/good.gfs"])
            #expect(run.status == 0, "\(format): \(run.standardError)")
            #expect(run.standardOutput.isEmpty, "\(format): \(run.standardOutput)")
            #expect(run.standardError.isEmpty, "\(format): \(run.standardError)")
        }
    }

    @Test func warningsExit0UnlessStrict() async throws {
        let directory = try Self.scripts(["warned.gfs": Self.warned + "dashboard push missing-\(UUID()).json\n"])
        let path = directory + "/warned.gfs"
        let run = try await GFSBinaryTests.gfs(["check", "--format", "github", path])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        // The push comes after the exit: unreachable, but still checked for its file.
        #expect(lines.count == 3, "\(lines)")
        #expect(
            lines.first
                == "::warning file=\(path),line=1,col=5,endLine=1,endColumn=11,title=warning.unused-variable"
                + "::Variable '$unused' is never used%0AHint: Remove the binding, or name it '$_unused' if it is meant to stay unread."
        )
        #expect(
            lines.dropFirst().first?.hasPrefix(
                "::warning file=\(path),line=3,col=1,endLine=3,endColumn=11,title=warning.unreachable::"
            ) == true,
            "\(lines)"
        )
        #expect(
            lines.last?.contains(",line=4,col=16,") == true
                && lines.last?.contains("title=warning.missing-file::No such file 'missing-") == true
        )

        let strict = try await GFSBinaryTests.gfs(["check", "--strict", path])
        #expect(strict.status == 65)
        #expect(strict.standardError.contains("\(path):1:5: warning: Variable '$unused' is never used"))
        #expect(strict.standardError.contains("\(path):3:1: warning: Unreachable statement"))
    }

    @Test func warnsAboutAPushOfAFileThatDoesNotExist() async throws {
        let directory = try Self.scripts(["push.gfs": "dashboard push examples/production-overview.json nope.json\n"])
        let run = try await GFSBinaryTests.gfs(["check", "--format", "json", directory + "/push.gfs"])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n")
        #expect(lines.count == 1, "\(run.standardOutput)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data((lines.first.map(String.init) ?? "").utf8)) as? [String: Any]
        )
        #expect(object["code"] as? String == "warning.missing-file")
        #expect(object["severity"] as? String == "warning")
        #expect(object["column"] as? Int == 50)
    }

    @Test func severalFilesAreAllReportedAndAnyErrorFails() async throws {
        let directory = try Self.scripts(["a.gfs": Self.bad, "b.gfs": Self.good, "c.gfs": "org lst\n"])
        let run = try await GFSBinaryTests.gfs(
            ["check", "--format", "json"] + ["a.gfs", "b.gfs", "c.gfs"].map { directory + "/" + $0 }
        )
        #expect(run.status == 65)
        let files = run.standardOutput.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["file"] as? String
        }
        #expect(files == [directory + "/a.gfs", directory + "/c.gfs"])

        let text = try await GFSBinaryTests.gfs(["check", directory + "/a.gfs", directory + "/c.gfs"])
        #expect(text.status == 65)
        #expect(text.standardError.contains("\(directory)/a.gfs:2:1: error: Unknown command 'dashbord'"))
        #expect(text.standardError.contains("\(directory)/c.gfs:1:5: error: Unknown subcommand 'lst' for 'org'"))
    }

    @Test func checksTheFilesAScriptSources() async throws {
        let directory = try Self.scripts([
            "main.gfs": "source lib.gfs\necho $shared\n", "lib.gfs": "let shared = 1\norg lst\n",
        ])
        let run = try await GFSBinaryTests.gfs(["check", "--format", "json", directory + "/main.gfs"])
        #expect(run.status == 65)
        #expect(
            run.standardOutput.contains(#""file":"\#(directory)/lib.gfs","line":2,"column":5"#),
            "\(run.standardOutput)"
        )
    }

    @Test func anUnreadableFileExits66() async throws {
        let run = try await GFSBinaryTests.gfs(["check", "--format", "github", "/nonexistent/\(UUID()).gfs"])
        #expect(run.status == 66)
        #expect(run.standardOutput.hasPrefix("::error file=/nonexistent/"), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("title=io.unreadable::"))
    }

    @Test func theCheckFlagReportsAsGfsCheckDoesInText() async throws {
        let directory = try Self.scripts(["bad.gfs": Self.bad, "warned.gfs": Self.warned])
        for name in ["bad.gfs", "warned.gfs"] {
            let flag = try await GFSBinaryTests.gfs(["--check", directory + "/" + name])
            let command = try await GFSBinaryTests.gfs(["check", directory + "/" + name])
            #expect(flag.status == command.status, "\(name)")
            #expect(flag.standardError == command.standardError, "\(name)")
            #expect(flag.standardOutput.isEmpty && command.standardOutput.isEmpty)
        }
    }

    @Test func theCheckFlagMarksWarningsInJSONOutput() async throws {
        let directory = try Self.scripts(["warned.gfs": Self.warned])
        let run = try await GFSBinaryTests.gfs(["--check", "--output", "json", directory + "/warned.gfs"])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardError.split(separator: "\n")
        #expect(lines.count == 2, "\(run.standardError)")
        #expect(lines.allSatisfy { $0.contains(#""severity":"warning""#) }, "\(run.standardError)")
    }

    @Test func argsAndVarBindWhatTheScriptWouldBeGiven() async throws {
        let directory = try Self.scripts(["params.gfs": "echo $1 $2 $env\n"])
        let path = directory + "/params.gfs"
        let bare = try await GFSBinaryTests.gfs(["check", "--format", "json", path])
        #expect(bare.status == 65)
        #expect(bare.standardOutput.split(separator: "\n").count == 3, "\(bare.standardOutput)")
        let one = try await GFSBinaryTests.gfs(["check", "--format", "json", "--args", "1", "--var", "env=x", path])
        #expect(one.status == 65)
        #expect(one.standardOutput.contains(#""message":"Undefined variable '$2'""#), "\(one.standardOutput)")
        #expect(one.standardOutput.split(separator: "\n").count == 1, "\(one.standardOutput)")
        let both = try await GFSBinaryTests.gfs(["check", "--args", "2", "--var", "env=x", path])
        #expect(both.status == 0, "\(both.standardError)")
        #expect(both.standardError.isEmpty)
    }
}
