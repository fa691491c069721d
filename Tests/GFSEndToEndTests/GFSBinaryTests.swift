import Foundation
import GrafanaAPI
import GrafanaSandbox
import Testing

/// The built `gfs` binary against a sandbox started in this process, on a real port: what a
/// user sees on stdout and stderr, and the exit status.
@Suite(.serialized) struct GFSBinaryTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `gfs` from the package root with `arguments`; standard output goes to `output` (a
    /// file by default), and output goes through files so a large output cannot block the pipe.
    ///
    /// The wait for the process happens on a thread of its own: blocking one of the few
    /// cooperative threads would starve the sandbox that tests run in this process, and that
    /// the binary is talking to, on a two-core machine.
    static func gfs(
        _ arguments: [String],
        environment: [String: String] = [:],
        output: String? = nil
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Swift.Result { try gfsBlocking(arguments, environment: environment, output: output) }
                )
            }.start()
        }
    }

    private static func gfsBlocking(
        _ arguments: [String],
        environment: [String: String],
        output: String?
    ) throws -> Result {
        let binary =
            ProcessInfo.processInfo.environment["GFS_BINARY"]
            ?? packageRoot.appendingPathComponent(".build/debug/gfs").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        // A clean environment: no GRAFANA_* from the developer's shell, no config file.
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "XDG_CONFIG_HOME": "/nonexistent"]
            .merging(environment) { _, new in new }
        let directory = NSTemporaryDirectory() + "gfs-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory + "/out", contents: nil)
        FileManager.default.createFile(atPath: directory + "/err", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output ?? directory + "/out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/err"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: output == nil ? try String(contentsOfFile: directory + "/out", encoding: .utf8) : "",
            standardError: try String(contentsOfFile: directory + "/err", encoding: .utf8)
        )
    }

    static func sandbox(_ version: String = "11.4.0") async throws -> (SandboxServer, String) {
        let server = SandboxServer(
            configuration: SandboxConfiguration(port: 0, grafanaVersion: GrafanaSandbox.GrafanaVersion(version)!)
        )
        try await server.start()
        return (server, server.url!)
    }

    /// Flags that connect to `url` as admin, the password through the environment.
    static func connect(_ url: String) -> [String] {
        ["--url", url, "--user", "admin", "--password-env", "GFS_TEST_PASSWORD"]
    }

    static let password = ["GFS_TEST_PASSWORD": "admin"]

    static func admin(_ url: String, org: Int64? = nil) -> GrafanaClient {
        GrafanaClient(
            configuration: .init(
                baseURL: URL(string: url)!,
                credentials: .basic(user: "admin", password: "admin"),
                orgID: org
            )
        )
    }

    @Test(arguments: ["11.4.0", "9.5.0"])
    func theTutorialRunsUnchanged(version: String) async throws {
        let (server, url) = try await Self.sandbox(version)
        defer { Task { await server.stop() } }
        let run = try await Self.gfs(
            Self.connect(url) + ["--output", "json", "examples/tutorial.gfs"],
            environment: Self.password
        )
        #expect(run.status == 0, "\(run.standardError)")

        let apiorg = try #require(try await Self.admin(url).orgs().first { $0.name == "apiorg" })
        let inApiorg = try await Self.admin(url, org: apiorg.id).search(SearchQuery(query: "Production Overview"))
        #expect(inApiorg.map(\.title) == ["Production Overview"])
        #expect(try await Self.admin(url, org: 1).search(SearchQuery(query: "Production Overview")).isEmpty)
        let accounts = try await Self.admin(url, org: apiorg.id).searchServiceAccounts().serviceAccounts
        #expect(accounts.map(\.name) == ["apikeycurl"])
        #expect(accounts.first?.role == "Admin")

        // One JSON document per line: org, key, dashboard (use shows nothing).
        let lines = run.standardOutput.split(separator: "\n")
        try #require(lines.count == 3, "\(run.standardOutput)")
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
        #expect(lines[1].contains(#""key":"***""#))
        #expect(!run.standardError.contains("glsa_"))
    }

    @Test func theEmbeddedSandboxRunsTheTutorial() async throws {
        let run = try await Self.gfs(["--sandbox", "examples/tutorial.gfs"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("Production Overview"))
        #expect(run.standardError.contains("gfs: sandbox (Grafana 11.4.0)"))
    }

    @Test func theEmbeddedSandboxLeavesOnlyItsBannerOnStandardError() async throws {
        let run = try await Self.gfs(["--sandbox", "-c", "org create quietorg\norg list"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("quietorg"))
        let lines = run.standardError.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2, "\(run.standardError)")
        #expect(lines.first?.hasPrefix("gfs: sandbox (Grafana 11.4.0) at http://127.0.0.1:") == true)
        #expect(lines.first?.hasSuffix(", admin/admin") == true)
        #expect(lines.last == "")
        #expect(!run.standardError.contains("Cancellation"))
    }

    @Test func aSyntaxErrorStartsNoSandbox() async throws {
        let run = try await Self.gfs(["--sandbox", "-c", "org list\nlet = 3"])
        #expect(run.status == 65)
        #expect(run.standardError.contains("<command line>:2:"), "\(run.standardError)")
        #expect(!run.standardError.contains("gfs: sandbox"))
        #expect(run.standardOutput.isEmpty)
    }

    @Test func aDryRunSendsNoWrite() async throws {
        let (server, url) = try await Self.sandbox()
        defer { Task { await server.stop() } }
        let run = try await Self.gfs(
            Self.connect(url) + ["--dry-run", "examples/tutorial.gfs"],
            environment: Self.password
        )
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try await Self.admin(url).orgs().map(\.name) == ["Main Org."])
        #expect(try await Self.admin(url).search(SearchQuery()).isEmpty)
        #expect(run.standardError.contains("curl -X POST '\(url)/api/orgs' -u admin:***"))
        #expect(!run.standardError.contains("admin:admin"))
    }

    @Test func theSecretIsPrintedOnlyWhenAsked() async throws {
        let (server, url) = try await Self.sandbox()
        defer { Task { await server.stop() } }
        let script = NSTemporaryDirectory() + "gfs-key-\(UUID().uuidString).gfs"
        try "key create ci editor\necho done".write(toFile: script, atomically: true, encoding: .utf8)
        let quiet = try await Self.gfs(Self.connect(url) + ["--output", "json", script], environment: Self.password)
        #expect(quiet.status == 0, "\(quiet.standardError)")
        #expect(!quiet.standardOutput.contains("glsa_"))
        #expect(!quiet.standardError.contains("glsa_"))
        #expect(quiet.standardError.contains("--save FILE or --show-secrets"))

        try "key create ci2 editor".write(toFile: script, atomically: true, encoding: .utf8)
        let shown = try await Self.gfs(
            Self.connect(url) + ["--output", "json", "--show-secrets", script],
            environment: Self.password
        )
        #expect(shown.status == 0, "\(shown.standardError)")
        #expect(shown.standardOutput.contains(#""key":"glsa_"#))
    }

    @Test func exitStatuses() async throws {
        let (server, url) = try await Self.sandbox()
        defer { Task { await server.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-exit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func script(_ name: String, _ text: String) throws -> String {
            try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
            return "\(directory)/\(name)"
        }

        // A script that does not check: nothing runs, 65.
        let invalid = try await Self.gfs(
            Self.connect(url) + [try script("typo.gfs", "org create a\ndashbord list")],
            environment: Self.password
        )
        #expect(invalid.status == 65)
        #expect(invalid.standardError.contains("typo.gfs:2:1: error: Unknown command 'dashbord'"))
        #expect(try await Self.admin(url).orgs().count == 1)

        // A wrong password: Grafana's 401, status 3 (auth), the password nowhere.
        let unauthorized = try await Self.gfs(
            Self.connect(url) + [try script("list.gfs", "org list")],
            environment: ["GFS_TEST_PASSWORD": "wrong-password"]
        )
        #expect(unauthorized.status == 3)
        #expect(
            Self.errorLine(unauthorized.standardError)
                == "\(directory)/list.gfs:1:1: error: List organizations failed: Invalid username or password (401 Unauthorized, GET /api/orgs)"
        )
        #expect(!unauthorized.standardError.contains("wrong-password"))

        // Nothing listening: the URL and the cause.
        let refused = try await Self.gfs(
            Self.connect("http://127.0.0.1:9") + ["\(directory)/list.gfs"],
            environment: Self.password
        )
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("Cannot connect to http://127.0.0.1:9"))

        // Conflict: 409 from org create.
        let conflict = try await Self.gfs(
            Self.connect(url) + [try script("twice.gfs", "org create x\norg create x")],
            environment: Self.password
        )
        #expect(conflict.status == 1)
        #expect(
            Self.errorLine(conflict.standardError)
                == "\(directory)/twice.gfs:2:1: error: Create organization failed: Organization name taken (409 Conflict, POST /api/orgs)"
        )

        // Missing file and malformed JSON: named with their position, before any request.
        try "{\n  \"title\": \"A\",\n}".write(toFile: "\(directory)/bad.json", atomically: true, encoding: .utf8)
        let malformed = try await Self.gfs(
            Self.connect(url) + [try script("bad.gfs", "dashboard push \(directory)/bad.json")],
            environment: Self.password
        )
        #expect(malformed.status == 1)
        #expect(malformed.standardError.contains("\(directory)/bad.json:3:1:"))
        let missing = try await Self.gfs(
            Self.connect(url) + [try script("missing.gfs", "dashboard push \(directory)/nope.json")],
            environment: Self.password
        )
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("\(directory)/nope.json: No such file"))

        // 404 and 412-style refusals.
        let notFound = try await Self.gfs(
            Self.connect(url) + [try script("pull.gfs", "dashboard pull nope")],
            environment: Self.password
        )
        #expect(notFound.status == 1)
        #expect(
            Self.errorLine(notFound.standardError)
                == "\(directory)/pull.gfs:1:1: error: Get dashboard failed: Dashboard not found (404 Not Found, GET /api/dashboards/uid/nope)"
        )

        // The script's own exit code, a missing script (unreadable input, 66), a missing password variable.
        #expect(
            try await Self.gfs(Self.connect(url) + [try script("exit.gfs", "exit 7")], environment: Self.password)
                .status == 7
        )
        #expect(
            try await Self.gfs(Self.connect(url) + ["\(directory)/absent.gfs"], environment: Self.password).status == 66
        )
        let noPassword = try await Self.gfs(Self.connect(url) + ["\(directory)/list.gfs"])
        #expect(noPassword.status == 2)
        #expect(noPassword.standardError.contains("GFS_TEST_PASSWORD is not set"))
    }

    @Test func aContextFromTheConfigFile() async throws {
        let (server, url) = try await Self.sandbox("9.5.0")
        defer { Task { await server.stop() } }
        let home = NSTemporaryDirectory() + "gfs-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/gfs", withIntermediateDirectories: true)
        try """
        current-context: sandbox
        contexts:
          sandbox:
            url: \(url)
            user: admin
            password-env: SANDBOX_PASSWORD
          elsewhere:
            url: http://127.0.0.1:9
        """.write(toFile: home + "/gfs/config.yaml", atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": home, "SANDBOX_PASSWORD": "admin"]
        let current = try await Self.gfs(["-c", "context"], environment: environment)
        #expect(current.status == 0, "\(current.standardError)")
        #expect(current.standardOutput.contains("url      \(url)"))
        #expect(current.standardOutput.contains("user     admin"))
        #expect(current.standardOutput.contains("version  9.5.0"))
        #expect(current.standardOutput.contains("context  sandbox"))

        let named = try await Self.gfs(["--context", "elsewhere", "-c", "org list"], environment: environment)
        #expect(named.status == 1)
        #expect(named.standardError.contains("Cannot connect to http://127.0.0.1:9"))

        let unknown = try await Self.gfs(["--context", "nope", "-c", "org list"], environment: environment)
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("No context named 'nope'"))
    }

    @Test func aForbiddenCallIs403() async throws {
        let (server, url) = try await Self.sandbox()
        defer { Task { await server.stop() } }
        let script = NSTemporaryDirectory() + "gfs-403-\(UUID().uuidString).gfs"
        try "key create viewer viewer\nuse $key\norg create nope".write(
            toFile: script,
            atomically: true,
            encoding: .utf8
        )
        let run = try await Self.gfs(Self.connect(url) + [script], environment: Self.password)
        // A refused permission is an auth failure: status 3.
        #expect(run.status == 3)
        #expect(
            Self.errorLine(run.standardError)
                == "\(script):3:1: error: Create organization failed: You'll need additional permissions to perform this action. Permissions needed: orgs:create (403 Forbidden, POST /api/orgs)"
        )
        #expect(!run.standardError.contains("glsa_"))
    }

    @Test func theBootstrapRunbookIsRerunnable() async throws {
        let (server, url) = try await Self.sandbox()
        defer { Task { await server.stop() } }
        let arguments =
            Self.connect(url) + [
                "--var", "name=platform", "--var", "prometheus=http://prom:9090", "examples/bootstrap-org.gfs",
            ]
        let first = try await Self.gfs(arguments, environment: Self.password)
        #expect(first.status == 0, "\(first.standardError)")
        let platform = try #require(try await Self.admin(url).orgs().first { $0.name == "platform" })
        let client = Self.admin(url, org: platform.id)
        #expect(try await client.folders().map(\.title) == ["Services"])
        #expect(try await client.dataSources().map(\.url) == ["http://prom:9090"])
        let dashboards = try await client.search(SearchQuery(type: .dashboard))
        #expect(Set(dashboards.map(\.uid)) == ["service-health", "latency", "node-overview"])
        #expect(dashboards.allSatisfy { $0.folderUid == "services" })

        let second = try await Self.gfs(arguments, environment: Self.password)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardError.contains("3 dashboard files: 3 unchanged"))
    }

    @Test func theRotationRunbookReplacesTheToken() async throws {
        let (server, url) = try await Self.sandbox()
        defer { Task { await server.stop() } }
        let out = NSTemporaryDirectory() + "gfs-rotated-\(UUID().uuidString)"
        let arguments =
            Self.connect(url) + [
                "--var", "name=deploy", "--var", "role=Editor", "--var", "out=\(out)", "examples/rotate-token.gfs",
            ]
        let first = try await Self.gfs(arguments, environment: Self.password)
        #expect(first.status == 0, "\(first.standardError)")
        let firstToken = try String(contentsOfFile: out, encoding: .utf8)
        let second = try await Self.gfs(arguments, environment: Self.password)
        #expect(second.status == 0, "\(second.standardError)")
        let secondToken = try String(contentsOfFile: out, encoding: .utf8)
        #expect(firstToken != secondToken)
        let accounts = try await Self.admin(url).searchServiceAccounts().serviceAccounts
        let deploy = try #require(accounts.first { $0.name == "deploy" })
        #expect(try await Self.admin(url).serviceAccountTokens(serviceAccountID: deploy.id).count == 1)
        // The old token no longer works; the new one does.
        let old = GrafanaClient(
            configuration: .init(
                baseURL: URL(string: url)!,
                credentials: .bearer(firstToken.trimmingCharacters(in: .newlines))
            )
        )
        await #expect(throws: GrafanaError.self) { try await old.currentOrg() }
        let new = GrafanaClient(
            configuration: .init(
                baseURL: URL(string: url)!,
                credentials: .bearer(secondToken.trimmingCharacters(in: .newlines))
            )
        )
        #expect(try await new.currentOrg().id == 1)
        #expect(!second.standardOutput.contains(secondToken.trimmingCharacters(in: .newlines)))
    }
}

extension GFSBinaryTests {
    /// The first diagnostic line on standard error (`file:line:col: error: message`).
    static func errorLine(_ standardError: String) -> String? {
        standardError.split(separator: "\n").first { $0.contains(": error: ") }.map(String.init)
    }
}
