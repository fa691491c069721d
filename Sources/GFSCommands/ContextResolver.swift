public import Foundation
import GFSLanguage
import GrafanaAPI
import Yams

/// Connection settings as given on the command line or to `connect`, before resolution.
///
/// Secrets are never given here directly from the user: only the names of environment
/// variables or files that hold them. ``password`` exists for `--sandbox`, whose fixed
/// `admin`/`admin` is not a secret.
public struct ConnectionOptions: Sendable, Hashable {
    public var url: String?
    public var user: String?
    public var password: String?
    public var passwordEnv: String?
    public var passwordFile: String?
    public var tokenEnv: String?
    public var tokenFile: String?
    public var insecure: Bool
    public var cacert: String?
    /// `--context NAME`: a named context of the config file.
    public var contextName: String?

    public init(
        url: String? = nil,
        user: String? = nil,
        password: String? = nil,
        passwordEnv: String? = nil,
        passwordFile: String? = nil,
        tokenEnv: String? = nil,
        tokenFile: String? = nil,
        insecure: Bool = false,
        cacert: String? = nil,
        contextName: String? = nil
    ) {
        self.url = url
        self.user = user
        self.password = password
        self.passwordEnv = passwordEnv
        self.passwordFile = passwordFile
        self.tokenEnv = tokenEnv
        self.tokenFile = tokenFile
        self.insecure = insecure
        self.cacert = cacert
        self.contextName = contextName
    }
}

/// A problem with the connection settings: a missing variable or file, a bad URL, an unknown
/// context. Never contains a secret.
public struct ContextError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { message }
}

/// Turns flags, the config file and the environment into a ``GrafanaContext``.
///
/// Each setting comes from the first place that gives it, in this order:
/// 1. the command line (`gfs --url …`, `connect URL --user …`);
/// 2. the context named by `--context NAME` in `$XDG_CONFIG_HOME/gfs/config.yaml`;
/// 3. the environment: `GRAFANA_URL`, `GRAFANA_USER`, `GRAFANA_PASSWORD`, `GRAFANA_TOKEN`,
///    `GRAFANA_ORG_ID`;
/// 4. the config file's `current-context` (below the environment, so CI variables win over a
///    developer's default);
/// 5. `http://localhost:3000`, no credentials.
///
/// Authentication is taken whole from the first place that names a user or a token (a token
/// wins over a user given in the same place); a user's password may come from a lower place,
/// so `--user admin` with `GRAFANA_PASSWORD` set works.
public struct ContextResolver: Sendable {
    public var environment: [String: String]
    /// The config file; nil means the default location.
    public var configPath: String?

    /// Receives warnings about settings that work but are unsafe (a secret file others can
    /// read), as a short message and a hint. By default they go to standard error.
    public var warn: @Sendable (_ message: String, _ hint: String) -> Void

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        configPath: String? = nil,
        warn: @escaping @Sendable (_ message: String, _ hint: String) -> Void = ContextResolver.warnOnStandardError
    ) {
        self.environment = environment
        self.configPath = configPath
        self.warn = warn
    }

    /// Writes `gfs: warning: MESSAGE` and the hint on standard error.
    public static let warnOnStandardError: @Sendable (String, String) -> Void = { message, hint in
        Console.standard.write("gfs: warning: \(message)\nhint: \(hint)\n", to: .standardError)
    }

    /// `$XDG_CONFIG_HOME/gfs/config.yaml`, or `~/.config/gfs/config.yaml`.
    public var resolvedConfigPath: String {
        if let configPath { return configPath }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return xdg + "/gfs/config.yaml"
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.config/gfs/config.yaml"
    }

    /// The audit log the config file names (`log: FILE`, `~` expanded), if it can be read and
    /// names one; `--log` takes precedence.
    public func configuredLogPath() -> String? {
        (try? loadConfig())?.flatMap(\.log).map(expandingTilde)
    }

    /// Resolves the context for `options`.
    public func resolve(_ options: ConnectionOptions) throws(ContextError) -> GrafanaContext {
        try resolve(options, config: loadConfig())
    }

    /// Resolves the context for `options`, setting aside a config file that cannot be read
    /// when no context is asked for by name: the context comes from the flags and the
    /// environment, and the config file's error is returned so that commands that need the
    /// server can report it while those that need none (`echo`, `help`) still run.
    public func resolveSettingConfigAside(
        _ options: ConnectionOptions
    ) throws(ContextError) -> (context: GrafanaContext, configError: ContextError?) {
        let config: ConfigFile?
        do {
            config = try loadConfig()
        } catch {
            guard options.contextName == nil else { throw error }
            return (try resolve(options, config: nil), error)
        }
        return (try resolve(options, config: config), nil)
    }

    func resolve(_ options: ConnectionOptions, config: ConfigFile?) throws(ContextError) -> GrafanaContext {
        var layers = [Layer(flags: options)]
        if let name = options.contextName {
            guard let config, let entry = config.contexts[name] else {
                let known = config?.contexts.keys.sorted() ?? []
                throw ContextError(
                    "No context named '\(name)' in \(resolvedConfigPath)",
                    hint: known.isEmpty
                        ? "Add it under 'contexts:' in that file." : "Known contexts: \(known.joined(separator: ", "))."
                )
            }
            layers.append(try Layer(entry: entry, name: name, path: resolvedConfigPath))
        }
        layers.append(try Layer(environment: environment))
        if options.contextName == nil, let config, let current = config.currentContext {
            guard let entry = config.contexts[current] else {
                throw ContextError("The current-context '\(current)' is not defined in \(resolvedConfigPath)")
            }
            layers.append(try Layer(entry: entry, name: current, path: resolvedConfigPath))
        }
        return try resolve(layers)
    }

    // MARK: Layers

    /// One place settings come from; secrets are still references (variable or file names).
    struct Layer {
        var url: String?
        var user: String?
        var password: SecretSource?
        var token: SecretSource?
        var orgID: Int64?
        var orgName: String?
        var insecure: Bool?
        var cacert: String?
        var contextName: String?
        var timeout: Duration?
        var retries: Int?

        init(flags: ConnectionOptions) {
            url = flags.url
            user = flags.user
            if let literal = flags.password {
                password = .literal(literal)
            } else if let name = flags.passwordEnv {
                password = .environment(name)
            } else if let path = flags.passwordFile {
                password = .file(path)
            }
            if let name = flags.tokenEnv {
                token = .environment(name)
            } else if let path = flags.tokenFile {
                token = .file(path)
            }
            insecure = flags.insecure ? true : nil
            cacert = flags.cacert
        }

        init(entry: ConfigFile.Context, name: String, path: String) throws(ContextError) {
            url = entry.url
            user = entry.user
            if let variable = entry.passwordEnv {
                password = .environment(variable)
            } else if let path = entry.passwordFile {
                password = .file(path)
            }
            if let variable = entry.tokenEnv {
                token = .environment(variable)
            } else if let path = entry.tokenFile {
                token = .file(path)
            }
            if let org = entry.org {
                if let id = Int64(org) { orgID = id } else { orgName = org }
            }
            insecure = entry.tls?.insecure
            cacert = entry.tls?.cacert
            contextName = name
            if let text = entry.timeout {
                guard let duration = DurationText.parse(text) else {
                    throw ContextError(
                        "Invalid timeout '\(text)' in context '\(name)' of \(path)",
                        hint: "Write \(DurationText.accepted)."
                    )
                }
                timeout = duration
            }
            if let count = entry.retries {
                guard (0...100).contains(count) else {
                    throw ContextError(
                        "Invalid retries \(count) in context '\(name)' of \(path)",
                        hint: "Give a number from 0 (no retries) to 100."
                    )
                }
                retries = count
            }
        }

        init(environment: [String: String]) throws(ContextError) {
            url = environment["GRAFANA_URL"].nonEmpty
            user = environment["GRAFANA_USER"].nonEmpty
            if environment["GRAFANA_PASSWORD"].nonEmpty != nil { password = .environment("GRAFANA_PASSWORD") }
            if environment["GRAFANA_TOKEN"].nonEmpty != nil { token = .environment("GRAFANA_TOKEN") }
            if let org = environment["GRAFANA_ORG_ID"].nonEmpty {
                guard let id = Int64(org) else {
                    throw ContextError("GRAFANA_ORG_ID must be a number, not '\(org)'")
                }
                orgID = id
            }
        }
    }

    /// Where a secret comes from.
    enum SecretSource: Hashable {
        case literal(String)
        case environment(String)
        case file(String)
    }

    func resolve(_ layers: [Layer]) throws(ContextError) -> GrafanaContext {
        var context = GrafanaContext()
        if let text = layers.lazy.compactMap(\.url).first {
            do {
                context.url = try GrafanaClient.Configuration.parseBaseURL(text)
            } catch {
                throw ContextError(error.message, hint: error.hint)
            }
        }
        if let index = layers.firstIndex(where: { $0.token != nil || $0.user != nil }) {
            let layer = layers[index]
            if let token = layer.token {
                context.authentication = .token(try read(token, what: "token"), name: nil, orgID: nil)
            } else if let user = layer.user {
                guard let source = layers[index...].lazy.compactMap(\.password).first else {
                    throw ContextError(
                        "No password for user '\(user)'",
                        hint: "Give one with --password-env VAR or --password-file FILE, or set GRAFANA_PASSWORD."
                    )
                }
                context.authentication = .basic(user: user, password: try read(source, what: "password"))
            }
        }
        if let id = layers.lazy.compactMap(\.orgID).first {
            context.org = GrafanaContext.OrgSelection(id: id)
        } else if let name = layers.lazy.compactMap(\.orgName).first {
            context.pendingOrgName = name
        }
        context.tls = GrafanaClient.TLS(
            caCertificateFile: layers.lazy.compactMap(\.cacert).first.map(expandingTilde),
            insecure: layers.lazy.compactMap(\.insecure).first ?? false
        )
        context.contextName = layers.lazy.compactMap(\.contextName).first
        context.timeout = layers.lazy.compactMap(\.timeout).first
        context.retries = layers.lazy.compactMap(\.retries).first
        return context
    }

    /// Reads a secret from its source. Messages name the variable or file, never the value.
    func read(_ source: SecretSource, what: String) throws(ContextError) -> String {
        switch source {
        case .literal(let value):
            return value
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw ContextError(
                    "The environment variable \(name) is not set",
                    hint: "Export \(name) with the \(what), or name another variable."
                )
            }
            return value
        case .file(let path):
            let expanded = expandingTilde(path)
            warnIfOthersCanRead(expanded, shownAs: path, what: what)
            guard let data = FileManager.default.contents(atPath: expanded),
                let text = String(data: data, encoding: .utf8)
            else {
                throw ContextError("Cannot read the \(what) file \(path)")
            }
            let value = text.trimmingCharacters(in: .newlines)
            guard !value.isEmpty else { throw ContextError("The \(what) file \(path) is empty") }
            return value
        }
    }

    /// Warns when the group or other users may read or change a secret file, as ssh does for
    /// a private key: the secret is as good as shared.
    func warnIfOthersCanRead(_ path: String, shownAs shown: String, what: String) {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & 0o077 != 0 else { return }
        let mode = String(status.st_mode & 0o777, radix: 8)
        warn(
            "The \(what) file \(shown) is accessible by other users (mode 0\(mode))",
            "Restrict it to yourself with 'chmod 600 \(shown)'."
        )
    }

    func expandingTilde(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        return (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
    }

    // MARK: The config file

    /// `config.yaml`: named contexts and the current one. gfs reads it and never writes it.
    struct ConfigFile: Decodable {
        struct Context: Decodable {
            struct TLSOptions: Decodable {
                var insecure: Bool?
                var cacert: String?
            }

            var url: String?
            var user: String?
            var passwordEnv: String?
            var passwordFile: String?
            var tokenEnv: String?
            var tokenFile: String?
            var org: String?
            var tls: TLSOptions?
            /// The deadline of each request (`30s`, `2m`), as `--timeout` gives it.
            var timeout: String?
            /// How often a failed read or idempotent write is retried, as `--retries` gives it.
            var retries: Int?
            /// Present only to refuse it: secrets are referenced, never written in the file.
            var password: String?
            var token: String?

            enum CodingKeys: String, CodingKey {
                case url, user, org, tls, password, token, timeout, retries
                case passwordEnv = "password-env"
                case passwordFile = "password-file"
                case tokenEnv = "token-env"
                case tokenFile = "token-file"
            }
        }

        var currentContext: String?
        var contexts: [String: Context]
        /// The audit log every run appends to, as `--log FILE` gives it.
        var log: String?

        enum CodingKeys: String, CodingKey {
            case currentContext = "current-context"
            case contexts, log
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            currentContext = try container.decodeIfPresent(String.self, forKey: .currentContext)
            log = try container.decodeIfPresent(String.self, forKey: .log)
            contexts = try container.decodeIfPresent([String: Context].self, forKey: .contexts) ?? [:]
        }
    }

    func loadConfig() throws(ContextError) -> ConfigFile? {
        let path = resolvedConfigPath
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        let config: ConfigFile
        do {
            config = try YAMLDecoder().decode(ConfigFile.self, from: text)
        } catch {
            if let position = Self.position(of: error) {
                throw ContextError(
                    "Malformed config file \(path):\(position.line):\(position.column): \(position.problem)",
                    hint: "Fix the YAML there; until then only commands that need no server run."
                )
            }
            throw ContextError(
                "Cannot read \(path): \(Self.describe(error))",
                hint: "Fix the config file; until then only commands that need no server run."
            )
        }
        for (name, entry) in config.contexts where entry.password != nil || entry.token != nil {
            throw ContextError(
                "Context '\(name)' in \(path) holds a secret",
                hint: "Reference it instead with password-env, password-file, token-env or token-file."
            )
        }
        return config
    }

    /// Where a YAML syntax error is, and what it is.
    static func position(of error: any Error) -> (line: Int, column: Int, problem: String)? {
        // The decoder wraps the YAML parser's error.
        if case let DecodingError.dataCorrupted(context) = error, let underlying = context.underlyingError {
            return position(of: underlying)
        }
        guard let error = error as? YamlError else { return nil }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let problem = context.map { "\(problem) (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? problem
            return (mark.line, mark.column, problem)
        default:
            return nil
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DecodingError {
            switch error {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
                .dataCorrupted(let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
            @unknown default:
                return "\(error)"
            }
        }
        return "\(error)"
    }
}

extension Optional<String> {
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
