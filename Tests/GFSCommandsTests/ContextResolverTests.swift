import Foundation
import GrafanaAPI
import Testing

@testable import GFSCommands

/// Where the server and credentials come from: flags, then `--context`, then the environment,
/// then the config's current-context, then the default.
@Suite struct ContextResolverTests {
    /// A fresh config directory per test, so tests do not see each other's files.
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "gfs-context-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/gfs", withIntermediateDirectories: true)
    }

    func resolver(_ environment: [String: String], config: String? = nil) throws -> ContextResolver {
        if let config {
            try config.write(toFile: directory + "/gfs/config.yaml", atomically: true, encoding: .utf8)
        }
        return ContextResolver(environment: environment.merging(["XDG_CONFIG_HOME": directory]) { a, _ in a })
    }

    @Test func defaultsToLocalhostWithoutCredentials() throws {
        let context = try resolver([:]).resolve(ConnectionOptions())
        #expect(context.url.absoluteString == "http://localhost:3000")
        #expect(context.authentication == .none)
        #expect(context.org == nil)
    }

    @Test func readsTheEnvironment() throws {
        let context = try resolver([
            "GRAFANA_URL": "https://grafana.example/sub/", "GRAFANA_USER": "ops", "GRAFANA_PASSWORD": "s3cret",
            "GRAFANA_ORG_ID": "4",
        ]).resolve(ConnectionOptions())
        #expect(context.url.absoluteString == "https://grafana.example/sub")
        #expect(context.authentication == .basic(user: "ops", password: "s3cret"))
        #expect(context.org?.id == 4)
    }

    @Test func aTokenWinsOverAUserFromTheSamePlace() throws {
        let context = try resolver(["GRAFANA_USER": "ops", "GRAFANA_PASSWORD": "pw", "GRAFANA_TOKEN": "glsa_env"])
            .resolve(ConnectionOptions())
        #expect(context.authentication == .token("glsa_env", name: nil, orgID: nil))
    }

    @Test func flagsWinOverTheEnvironmentAndBorrowItsPassword() throws {
        let context = try resolver([
            "GRAFANA_URL": "http://env:3000", "GRAFANA_TOKEN": "glsa_env", "GRAFANA_PASSWORD": "pw",
        ])
        .resolve(ConnectionOptions(url: "flags:4000", user: "admin"))
        #expect(context.url.absoluteString == "http://flags:4000")
        #expect(context.authentication == .basic(user: "admin", password: "pw"))
    }

    @Test func passwordFromANamedVariableOrFile() throws {
        let file = directory + "/password"
        try "from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fromEnv = try resolver(["MY_PW": "from-env"]).resolve(ConnectionOptions(user: "a", passwordEnv: "MY_PW"))
        #expect(fromEnv.authentication == .basic(user: "a", password: "from-env"))
        let fromFile = try resolver([:]).resolve(ConnectionOptions(user: "a", passwordFile: file))
        #expect(fromFile.authentication == .basic(user: "a", password: "from-file"))
    }

    @Test func aMissingPasswordIsAnErrorWithAHint() throws {
        #expect {
            try resolver([:]).resolve(ConnectionOptions(user: "admin"))
        } throws: { error in
            let error = error as? ContextError
            return error?.message == "No password for user 'admin'" && error?.hint?.contains("--password-env") == true
        }
    }

    @Test func anUnsetVariableIsNamedNeverItsValue() throws {
        #expect {
            try resolver([:]).resolve(ConnectionOptions(tokenEnv: "DEPLOY_TOKEN"))
        } throws: { error in
            (error as? ContextError)?.message == "The environment variable DEPLOY_TOKEN is not set"
        }
    }

    static let config = """
        current-context: local
        contexts:
          local:
            url: http://localhost:3000
            user: admin
            password-env: LOCAL_PW
          prod:
            url: https://grafana.prod.example
            token-file: PROD_TOKEN_FILE
            org: 7
            tls:
              insecure: true
          named-org:
            url: http://named:3000
            user: admin
            password-env: LOCAL_PW
            org: platform
        """

    @Test func aNamedContextWinsOverTheEnvironment() throws {
        let tokenFile = directory + "/prod-token"
        try "glsa_prod\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let config = Self.config.replacingOccurrences(of: "PROD_TOKEN_FILE", with: tokenFile)
        let context = try resolver(
            ["GRAFANA_URL": "http://env:3000", "GRAFANA_USER": "env", "GRAFANA_PASSWORD": "pw"],
            config: config
        )
        .resolve(ConnectionOptions(contextName: "prod"))
        #expect(context.url.absoluteString == "https://grafana.prod.example")
        #expect(context.authentication == .token("glsa_prod", name: nil, orgID: nil))
        #expect(context.org?.id == 7)
        #expect(context.tls.insecure)
        #expect(context.contextName == "prod")
    }

    @Test func theCurrentContextYieldsToTheEnvironment() throws {
        let resolver = try resolver(["LOCAL_PW": "local-pw"], config: Self.config)
        let fromConfig = try resolver.resolve(ConnectionOptions())
        #expect(fromConfig.authentication == .basic(user: "admin", password: "local-pw"))
        #expect(fromConfig.contextName == "local")

        var withEnvironment = resolver
        withEnvironment.environment["GRAFANA_URL"] = "http://ci:3000"
        withEnvironment.environment["GRAFANA_TOKEN"] = "glsa_ci"
        let fromEnvironment = try withEnvironment.resolve(ConnectionOptions())
        #expect(fromEnvironment.url.absoluteString == "http://ci:3000")
        #expect(fromEnvironment.authentication == .token("glsa_ci", name: nil, orgID: nil))
    }

    @Test func anOrgNamedInAContextIsLookedUpLater() throws {
        let context = try resolver(["LOCAL_PW": "pw"], config: Self.config).resolve(
            ConnectionOptions(contextName: "named-org")
        )
        #expect(context.org == nil)
        #expect(context.pendingOrgName == "platform")
    }

    @Test func anUnknownContextListsTheKnownOnes() throws {
        #expect {
            try resolver([:], config: Self.config).resolve(ConnectionOptions(contextName: "staging"))
        } throws: { error in
            let error = error as? ContextError
            return error?.message.hasPrefix("No context named 'staging'") == true
                && error?.hint == "Known contexts: local, named-org, prod."
        }
    }

    @Test func aSecretWrittenInTheConfigIsRefused() throws {
        let config = """
            contexts:
              leaky:
                url: http://localhost:3000
                user: admin
                password: hunter2
            """
        #expect {
            try resolver([:], config: config).resolve(ConnectionOptions(contextName: "leaky"))
        } throws: { error in
            let error = error as? ContextError
            return error?.message.hasPrefix("Context 'leaky'") == true && error?.message.contains("hunter2") == false
        }
    }

    @Test func credentialsInTheURLAreRefused() throws {
        #expect(throws: ContextError.self) {
            try resolver([:]).resolve(ConnectionOptions(url: "http://admin:admin@localhost:3000"))
        }
    }

    @Test func theContextNeverPrintsItsSecret() throws {
        let context = GrafanaContext(authentication: .basic(user: "admin", password: "hunter2"))
        var dumped = ""
        dump(context, to: &dumped)
        #expect(!context.description.contains("hunter2"))
        #expect(!dumped.contains("hunter2"))
    }
}

/// `timeout:` and `retries:` in a config context reach the client's configuration.
extension ContextResolverTests {
    @Test func aContextSetsTheTimeoutAndRetries() throws {
        let context = try resolver(
            [:],
            config: """
                current-context: slow
                contexts:
                  slow:
                    url: http://slow:3000
                    timeout: 2m
                    retries: 5
                """
        ).resolve(ConnectionOptions())
        #expect(context.timeout == .seconds(120))
        #expect(context.retries == 5)
        #expect(context.clientConfiguration.timeouts.total == .seconds(120))
        #expect(context.clientConfiguration.retry.maxRetries == 5)
    }

    @Test func aTimeoutWrittenAsABareNumberIsSeconds() throws {
        let context = try resolver(
            [:],
            config: """
                current-context: slow
                contexts:
                  slow:
                    timeout: 45
                """
        ).resolve(ConnectionOptions())
        #expect(context.timeout == .seconds(45))
    }

    @Test func withoutThemTheDefaultsApply() throws {
        let configuration = try resolver([:]).resolve(ConnectionOptions()).clientConfiguration
        #expect(configuration.timeouts.total == .seconds(60))
        #expect(configuration.retry.maxRetries == 3)
    }

    @Test func aBadTimeoutNamesTheContextAndTheAcceptedForms() throws {
        let resolver = try resolver(
            [:],
            config: """
                contexts:
                  slow:
                    timeout: soon
                """
        )
        #expect {
            try resolver.resolve(ConnectionOptions(contextName: "slow"))
        } throws: { error in
            let error = error as? ContextError
            return error?.message == "Invalid timeout 'soon' in context 'slow' of \(directory)/gfs/config.yaml"
                && error?.hint == "Write a number with ms, s, m or h, such as 30s or 2m."
        }
    }

    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("2m", .seconds(120)), ("1h", .seconds(3600)),
        ("1.5", .milliseconds(1500)), ("0", nil), ("-1s", nil), ("2d", nil), ("25h", nil), ("", nil),
    ])
    func durations(text: String, expected: Duration?) {
        #expect(DurationText.parse(text) == expected)
    }
}
