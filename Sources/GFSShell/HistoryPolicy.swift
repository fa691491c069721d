public import GFSLanguage

/// Decides what a typed line becomes in history: kept as typed, kept with its secrets
/// replaced by `***`, or not kept at all.
///
/// Secrets never reach the history file (DEVELOPERS charter). A line is redacted where it
/// holds:
/// - the value of an option the command table marks `isSecret` (`--password x`, `--token=x`),
///   except options that only name where a secret comes from or goes (`--password-env NAME`,
///   `--token-file PATH`, `--save FILE`: completed as paths or variable names, or named
///   `-env`/`-file`); for commands or options the table does not know, options whose name
///   says password, token or secret;
/// - a positional argument whose spec is named like a password or token;
/// - something shaped like a Grafana credential: a service account token (`glsa_…`), a
///   Grafana Cloud token (`glc_…`), a legacy API key (base64 JSON, `eyJrIjoi…`);
/// - a password in a URL (`http://user:pass@host`);
/// - any value the session knows to be secret (an API key the server returned).
///
/// Lines starting with a space are not kept (bash's `ignorespace`), nor empty lines.
public struct HistoryPolicy: Sendable {
    /// The commands, for which options and arguments hold secrets.
    public var commandTable: CommandTable

    /// What replaces a secret.
    public static let redactionMark = "***"

    /// Known secrets shorter than this are not replaced inside other words (a one-letter
    /// password would mangle the line); a line holding one as a whole word is skipped.
    static let shortSecretLength = 4

    public init(commandTable: CommandTable = CommandTable(commands: [])) {
        self.commandTable = commandTable
    }

    /// What `line` becomes in history, given the secret values the session knows.
    public func decide(_ line: String, secrets: Set<String> = []) -> HistoryDecision {
        if line.first == " " || line.first == "\t" { return .skip(.leadingSpace) }
        if line.allSatisfy(\.isWhitespace) { return .skip(.empty) }

        let knownSecrets = secrets.filter { !$0.isEmpty }
        let words = ShellWords(line)
        for secret in knownSecrets where secret.count < Self.shortSecretLength {
            if words.words.contains(where: { $0.value == secret }) { return .skip(.containsShortSecret) }
        }

        var redacted = redactingSecretArguments(in: line, words: words)
        redacted = redactingCredentialShapes(in: redacted)
        for secret in knownSecrets.sorted(by: { $0.count > $1.count })
        where secret.count >= Self.shortSecretLength {
            redacted = redacted.replacingAll(secret, with: Self.redactionMark)
        }
        return redacted == line ? .keep(line) : .redact(redacted)
    }

    // MARK: Options and arguments

    /// Replaces the values of secret options and arguments, found through the command table.
    private func redactingSecretArguments(in line: String, words: ShellWords) -> String {
        var ranges: [Range<Int>] = []
        for command in words.commands {
            ranges += secretValueRanges(in: command)
        }
        guard !ranges.isEmpty else { return line }
        var bytes = Array(line.utf8)
        for range in ranges.sorted(by: { $0.lowerBound > $1.lowerBound }) {
            bytes.replaceSubrange(range, with: Array(Self.redactionMark.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The byte ranges of secret values in one command's words.
    private func secretValueRanges(in command: [ShellWords.Word]) -> [Range<Int>] {
        var words = command
        // `let NAME = COMMAND ...`: the command starts after `=`.
        if words.count > 3, words[0].value == "let", words[2].value == "=" {
            words.removeFirst(3)
        }
        let values = words.map(\.value)
        let match = commandTable.longestMatch(values)
        let spec = match?.spec
        var ranges: [Range<Int>] = []
        var positional = 0
        var index = match?.wordCount ?? 1
        while index < words.count {
            let word = words[index]
            guard word.openQuote == nil, word.text.hasPrefix("-"), word.text.count > 1, !word.text.hasPrefix("---")
            else {
                if let argument = argumentSpec(at: positional, of: spec), Self.namesSecret(argument.name),
                    isLiteral(word)
                {
                    ranges.append(word.range)
                }
                positional += 1
                index += 1
                continue
            }
            let body = word.text.drop { $0 == "-" }
            let name = String(body.prefix { $0 != "=" })
            let option = spec?.option(named: name)
            let isSecret = isSecretOption(name: name, option: option)
            if let equals = body.firstIndex(of: "=") {
                // `--token=VALUE`: the bytes after `=`.
                let valueStart =
                    word.range.lowerBound
                    + word.text.utf8.distance(
                        from: word.text.utf8.startIndex,
                        to: equals.samePosition(in: word.text.utf8)!
                    ) + 1
                let value = String(body[body.index(after: equals)...])
                if isSecret, valueStart < word.range.upperBound, !value.hasPrefix("$") {
                    ranges.append(valueStart..<word.range.upperBound)
                }
                index += 1
                continue
            }
            let takesValue = option.map { !$0.isFlag } ?? isSecret
            if takesValue, index + 1 < words.count {
                let value = words[index + 1]
                if isSecret, isLiteral(value) { ranges.append(value.range) }
                index += 2
            } else {
                index += 1
            }
        }
        return ranges
    }

    private func argumentSpec(at position: Int, of spec: CommandSpec?) -> ArgumentSpec? {
        guard let spec, !spec.arguments.isEmpty else { return nil }
        if position < spec.arguments.count { return spec.arguments[position] }
        return spec.arguments.last!.isVariadic ? spec.arguments.last : nil
    }

    /// A value typed in the line, as opposed to a variable reference (`$password`), which
    /// does not reveal the secret.
    private func isLiteral(_ word: ShellWords.Word) -> Bool {
        !(word.text.hasPrefix("$") && word.openQuote == nil)
    }

    private func isSecretOption(name: String, option: OptionSpec?) -> Bool {
        if Self.namesSource(name) { return false }
        if let option {
            // The table marks options that name where a secret comes from or goes
            // (`--password-env VAR`, `key create --save FILE`) as secret too; a value completed
            // as a path or a variable name is such a name, not the secret.
            if option.completion == .path || option.completion == .environmentVariable { return false }
            if option.isSecret { return true }
        }
        return Self.namesSecret(name)
    }

    /// Options that say where a secret comes from, not the secret: `--password-env NAME`.
    static func namesSource(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["-env", "-file", "-path", "-name", "-stdin"].contains { lowered.hasSuffix($0) }
    }

    static func namesSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["password", "passwd", "token", "secret", "api-key", "apikey", "credential"].contains {
            lowered.contains($0)
        }
    }

    // MARK: Shapes of credentials

    /// Replaces Grafana tokens and keys, and URL passwords, wherever they stand.
    private func redactingCredentialShapes(in line: String) -> String {
        var result = line
        for pattern in Self.tokenPatterns {
            result = result.replacing(pattern) { _ in Self.redactionMark }
        }
        // `scheme://user:password@host`: keep the user, hide the password.
        result = result.replacing(Self.urlPassword) { match in
            "\(match.output.1):\(Self.redactionMark)@"
        }
        return result
    }

    // Grafana's token formats: service account tokens `glsa_<32 alphanumerics>_<8 hex>`
    // (pkg/components/satokengen in grafana/grafana), Grafana Cloud access policy tokens
    // `glc_<base64>`, and legacy API keys, base64 of `{"k":"…","n":"…","id":…}`
    // (pkg/components/apikeygen), which always begin `eyJrIjoi`.
    nonisolated(unsafe) private static let tokenPatterns: [Regex<AnyRegexOutput>] = [
        try! Regex(#"glsa_[A-Za-z0-9_]+"#),
        try! Regex(#"glc_[A-Za-z0-9+/=_-]+"#),
        try! Regex(#"eyJrIjoi[A-Za-z0-9+/=_-]*"#),
    ]

    nonisolated(unsafe) private static let urlPassword = try! Regex(
        #"(://[^/\s:@"']*):[^@\s/"']+@"#,
        as: (Substring, Substring).self
    )
}

/// What a line becomes in history.
public enum HistoryDecision: Equatable, Sendable {
    /// Kept as typed.
    case keep(String)
    /// Kept with its secrets replaced by `HistoryPolicy.redactionMark`.
    case redact(String)
    /// Not kept.
    case skip(HistorySkipReason)

    /// The text to store, if any.
    public var entry: String? {
        switch self {
        case .keep(let line), .redact(let line): line
        case .skip: nil
        }
    }
}

/// Why a line was kept out of history.
public enum HistorySkipReason: Equatable, Sendable {
    case empty
    /// The line starts with a space, the user's way of saying "do not remember this".
    case leadingSpace
    /// The line holds, as a whole word, a known secret too short to redact safely.
    case containsShortSecret
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return self.replacing(target, with: replacement)
    }
}
