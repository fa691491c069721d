import ArgumentParser
import GFSCommands
import GFSLanguage

/// What the shells' completion scripts offer beyond swift-argument-parser's flags: the gfs
/// language inside `gfs -c '...'`, from the same command definitions the prompt completes.
enum ShellCompletion {
    /// swift-argument-parser's completion script for `shell` (`bash`, `zsh`, `fish`), or `nil`
    /// for a shell it does not know.
    ///
    /// For zsh, the two specs it adds for its implicit `help` subcommand are dropped: beside
    /// gfs's own variadic `argument` they make two rest arguments, which zsh's `_arguments`
    /// refuses ("doubled rest argument definition"), so nothing would complete at all.
    static func script(for shell: String) -> String? {
        guard let kind = CompletionShell(rawValue: shell) else { return nil }
        let script = GFSCommandLine.completionScript(for: kind)
        guard kind == .zsh else { return script }
        let subcommandSpecs: Set<Substring> = ["'(-): :->command'", "'(-)*:: :->arg'"]
        return script.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !subcommandSpecs.contains($0.drop { $0 == " " }) }
            .joined(separator: "\n")
    }

    /// The candidates for the `-c` value typed so far: `prefix` up to its last word, then each
    /// command word or option (`--name`) that can come there. The shells replace the whole
    /// word being completed, so each candidate repeats what was typed before it.
    static func languageCandidates(completing prefix: String, table: CommandTable = GFSCommandCatalog.table)
        -> [String]
    {
        // Only the statement being typed matters: the text after the last `;` or line break.
        let statementStart =
            prefix.lastIndex { $0 == ";" || $0 == "\n" }.map { prefix.index(after: $0) } ?? prefix.startIndex
        let statement = prefix[statementStart...]
        var words = statement.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let endsWord = statement.last.map { $0 != " " && $0 != "\t" } ?? false
        let partial = endsWord ? words.removeLast() : ""
        // `let NAME = COMMAND ...` and `try COMMAND ...`: the command starts after them.
        if words.count >= 3, words[0] == "let", words[2] == "=" { words.removeFirst(3) }
        if words.first == "try" { words.removeFirst() }
        let typed = String(prefix.dropLast(partial.count))
        let candidates: [String]
        if partial.hasPrefix("-") {
            guard let spec = table.longestMatch(words)?.spec else { return [] }
            candidates = spec.options.map { "--\($0.name)" }
        } else {
            let next = table.nextWords(after: words)
            candidates = next.isEmpty && words.isEmpty ? [] : next
        }
        return candidates.filter { $0.hasPrefix(partial) }.sorted().map { typed + $0 }
    }
}
