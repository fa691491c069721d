import ArgumentParser
import Testing

@testable import gfs

/// The command lines `gfs` reads without swift-argument-parser give the same values as its
/// parse, property by property (through `Mirror`, so a property added later is compared too),
/// and the others are left to it.
struct DirectParsingTests {
    /// Every property of the command line as text: the wrappers print their values.
    static func properties(_ line: GFSCommandLine) -> [String] {
        Mirror(reflecting: line).children.map { "\($0.label ?? "?") = \(String(describing: $0.value))" }
    }

    @Test(arguments: [
        ["-c", "echo hi"],
        ["-c", "org list", "--output", "json"],
        ["--output=json", "-c", "org list"],
        ["--url", "http://127.0.0.1:3000", "--user", "admin", "--password-env", "P", "-c", "dashboard push d"],
        ["deploy.gfs", "--var", "env=prod", "a", "b"],
        ["--var", "a=1", "--var=b=2", "script.gfs"],
        ["--check", "many.gfs"],
        ["-"],
        ["-", "x", "y"],
        ["-c", "echo $1", "one", "two"],
        ["--sandbox", "--sandbox-version", "9.5.0", "tutorial.gfs"],
        ["--dry-run", "--show-secrets", "-v", "--insecure", "--cacert", "ca.pem", "s.gfs"],
        ["--context", "prod", "--token-file", "t", "--timeout", "2m", "--retries", "5", "s.gfs"],
        ["--token-env", "T", "--password-file", "p", "--verbose", "s.gfs"],
        ["--retries=0", "-c", "org list"],
        ["--log", "audit.ndjson", "-c", "org list"],
        ["--log=audit.ndjson", "s.gfs"],
    ])
    func readsAsSwiftArgumentParserDoes(_ arguments: [String]) throws {
        let direct = try #require(GFSCommandLine.parsedDirectly(arguments))
        let parsed = try #require(try GFSCommandLine.parseAsRoot(arguments) as? GFSCommandLine)
        #expect(Self.properties(direct) == Self.properties(parsed))
    }

    /// Help, the shell, usage errors and forms read differently are swift-argument-parser's.
    @Test(arguments: [
        [], ["--help"], ["-h"], ["-c"], ["-c", "-x"], ["-c", "a", "-c", "b"], ["-i", "setup.gfs"], ["-X", "s.gfs"],
        ["--check", "--check", "s.gfs"], ["--", "s.gfs"], ["--retries", "many", "s.gfs"], ["--retries", "-1", "s.gfs"],
        ["--sandbox=yes", "s.gfs"], ["-vc", "echo"], ["--output"], ["s.gfs", "--unknown"],
        ["--sandbox-delay", "GET /api/search=5s", "--sandbox", "s.gfs"], ["--url", "--user", "s.gfs"],
    ])
    func leavesTheRestToSwiftArgumentParser(_ arguments: [String]) {
        #expect(GFSCommandLine.parsedDirectly(arguments) == nil)
    }
}
