// The one-line usage of a command, shared by `help` and by the checker's hints.

extension CommandSpec {
    /// `dashboard push PATH... [--folder NAME] [--overwrite]`
    public var usage: String {
        var parts = path
        parts += arguments.map(\.usage)
        parts += options.map { "[\($0.usage)]" }
        return parts.joined(separator: " ")
    }
}

extension ArgumentSpec {
    /// `NAME`, `[NAME]`, `PATH...`
    public var usage: String {
        let placeholder = name.uppercased() + (isVariadic ? "..." : "")
        return isOptional ? "[\(placeholder)]" : placeholder
    }
}

extension OptionSpec {
    /// `--folder NAME` or `--overwrite`
    public var usage: String {
        valueName.map { "--\(name) \($0)" } ?? "--\(name)"
    }

    /// How the option is written, for messages: `--folder`.
    public var displayName: String { "--\(name)" }
}
