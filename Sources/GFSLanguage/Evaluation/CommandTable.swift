/// The commands a host offers, declared as data.
///
/// One table drives everything that needs to know the commands: the checker that rejects an
/// unknown command or option before any command runs, `help`, and the shell's completion.
public struct CommandTable: Sendable {
    public var commands: [CommandSpec]
    /// One-line summaries of command groups (`org`, `dashboard`), for `help`.
    public var groupSummaries: [String: String]

    public init(commands: [CommandSpec], groupSummaries: [String: String] = [:]) {
        self.commands = commands
        self.groupSummaries = groupSummaries
    }

    /// The command whose path is exactly `path`.
    public func command(_ path: [String]) -> CommandSpec? {
        commands.first { $0.path == path }
    }

    /// The command whose path is the longest prefix of `words`, and how many words it used.
    public func longestMatch(_ words: [String]) -> (spec: CommandSpec, wordCount: Int)? {
        var best: (spec: CommandSpec, wordCount: Int)?
        for spec in commands where spec.path.count <= words.count {
            if Array(words.prefix(spec.path.count)) == spec.path, spec.path.count > (best?.wordCount ?? 0) {
                best = (spec, spec.path.count)
            }
        }
        return best
    }

    /// The words that may follow `prefix` as the next word of a command path
    /// (`["org"]` gives `create`, `list`, `user`, ...; `[]` gives the top-level names).
    public func nextWords(after prefix: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for spec in commands where spec.path.count > prefix.count && Array(spec.path.prefix(prefix.count)) == prefix {
            let word = spec.path[prefix.count]
            if seen.insert(word).inserted { result.append(word) }
        }
        return result
    }
}

/// One command: its path of words, its positional arguments and its options.
public struct CommandSpec: Sendable {
    /// The words that name the command: `["org", "create"]`.
    public var path: [String]
    /// One line for `help`'s list.
    public var summary: String
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    /// The session variable a successful call binds implicitly (`org create` binds `org`),
    /// so the mission's `use $org` works without `let`. `nil` binds only `$_`.
    public var binds: String?
    /// An example line for `help COMMAND`.
    public var example: String?
    /// Longer text for `help COMMAND`.
    public var discussion: String?

    public init(
        path: [String],
        summary: String,
        arguments: [ArgumentSpec] = [],
        options: [OptionSpec] = [],
        binds: String? = nil,
        example: String? = nil,
        discussion: String? = nil
    ) {
        self.path = path
        self.summary = summary
        self.arguments = arguments
        self.options = options
        self.binds = binds
        self.example = example
        self.discussion = discussion
    }

    public var name: String { path.joined(separator: " ") }

    public func option(named name: String) -> OptionSpec? {
        options.first { $0.name == name || ($0.shortName.map { String($0) } == name) }
    }
}

/// A positional argument.
public struct ArgumentSpec: Sendable {
    public var name: String
    public var completion: CompletionKind
    public var isOptional: Bool
    /// Takes every remaining positional value (`dashboard push PATH...`).
    public var isVariadic: Bool
    /// The command reads the file it names, so `gfs check` warns when a literal path does not
    /// exist (`dashboard push`), unlike a path it writes or a glob.
    public var readsFile: Bool
    public var summary: String

    public init(
        _ name: String,
        completion: CompletionKind = .none,
        isOptional: Bool = false,
        isVariadic: Bool = false,
        readsFile: Bool = false,
        summary: String = ""
    ) {
        self.name = name
        self.completion = completion
        self.isOptional = isOptional
        self.isVariadic = isVariadic
        self.readsFile = readsFile
        self.summary = summary
    }
}

/// A `--name value`, `--name=value` or `--flag` option.
public struct OptionSpec: Sendable {
    /// The name without dashes.
    public var name: String
    public var shortName: Character?
    /// `nil` for a flag; otherwise the placeholder shown in usage (`NAME`, `FILE`).
    public var valueName: String?
    public var completion: CompletionKind
    /// May be given more than once (`--input A=1 --input B=2`); the values arrive as a list.
    public var isRepeatable: Bool
    /// Its value is a secret or names where one comes from: the shell keeps such lines out of
    /// history, and the value never appears in logs or errors.
    public var isSecret: Bool
    public var summary: String

    public init(
        _ name: String,
        short: Character? = nil,
        valueName: String? = nil,
        completion: CompletionKind = .none,
        isRepeatable: Bool = false,
        isSecret: Bool = false,
        summary: String = ""
    ) {
        self.name = name
        self.shortName = short
        self.valueName = valueName
        self.completion = completion
        self.isRepeatable = isRepeatable
        self.isSecret = isSecret
        self.summary = summary
    }

    public var isFlag: Bool { valueName == nil }
}

/// What kind of thing an argument names, so completion can offer candidates
/// (file paths, or names fetched from the server).
public struct CompletionKind: RawRepresentable, Hashable, Sendable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let none = CompletionKind(rawValue: "none")
    public static let path = CompletionKind(rawValue: "path")
    public static let url = CompletionKind(rawValue: "url")
    public static let role = CompletionKind(rawValue: "role")
    public static let orgName = CompletionKind(rawValue: "org")
    public static let userLogin = CompletionKind(rawValue: "user")
    public static let dashboardUID = CompletionKind(rawValue: "dashboard")
    public static let folder = CompletionKind(rawValue: "folder")
    public static let datasourceName = CompletionKind(rawValue: "datasource")
    public static let serviceAccount = CompletionKind(rawValue: "service-account")
    public static let keyName = CompletionKind(rawValue: "key")
    public static let contextName = CompletionKind(rawValue: "context")
    public static let environmentVariable = CompletionKind(rawValue: "env")
    /// An HTTP method of `api METHOD PATH`.
    public static let httpMethod = CompletionKind(rawValue: "http-method")
    /// A Grafana API path, from the OpenAPI paths of the server's version. A live name provider
    /// answers it with `METHOD PATH` entries, so completion can keep to the method typed.
    public static let apiPath = CompletionKind(rawValue: "api-path")
}
