import Foundation

/// Where the session stands, as the prompt shows it. The caller fills it in after each
/// command.
public struct PromptContext: Equatable, Sendable {
    /// The server as `host:port`, or `nil` when not connected.
    public var server: String?
    /// The user's login, or the token's name when a token is in use.
    public var identity: String?
    /// The current organisation's name.
    public var organization: String?
    /// Whether the last command failed.
    public var lastFailed: Bool

    public init(server: String? = nil, identity: String? = nil, organization: String? = nil, lastFailed: Bool = false) {
        self.server = server
        self.identity = identity
        self.organization = organization
        self.lastFailed = lastFailed
    }
}

/// Renders the shell's prompts: `admin@localhost:3000 [apiorg]> `, `!> ` after a failure,
/// and `... ` while input continues.
public struct Prompt: Sendable {
    /// Whether to colour the prompt with ANSI escapes.
    public var usesColour: Bool

    public init(usesColour: Bool) {
        self.usesColour = usesColour
    }

    /// Colour only on a terminal, and never when `NO_COLOR` is set to anything non-empty
    /// (no-color.org).
    public static func usesColour(
        isTerminal: Bool = Terminal.standardOutputIsTerminal,
        environment: [String: String]? = nil
    ) -> Bool {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard isTerminal else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }

    /// The prompt for a new statement.
    public func primary(_ context: PromptContext) -> String {
        var location = ""
        if let identity = context.identity { location += identity }
        if let server = context.server { location += (location.isEmpty ? "" : "@") + server }
        if location.isEmpty { location = "gfs" }
        var text = paint(location, Self.bold)
        if let organization = context.organization {
            text += " " + paint("[\(organization)]", Self.cyan)
        }
        if context.lastFailed {
            text += paint("!", Self.red)
        }
        return text + "> "
    }

    /// The prompt while a string, bracket or block is open, or after a trailing `\`.
    public func continuation() -> String {
        paint("...", Self.dim) + " "
    }

    private static let bold = "1"
    private static let dim = "2"
    private static let red = "1;31"
    private static let cyan = "36"

    private func paint(_ text: String, _ code: String) -> String {
        usesColour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension Prompt {
    /// The byte that brackets terminal escape sequences in a prompt given to libedit
    /// (`EL_PROMPT_ESC`), so that they take no columns.
    public static let escapeMarker: Unicode.Scalar = "\u{01}"

    /// `prompt` with its ANSI escape sequences bracketed by `escapeMarker` the way libedit
    /// reads them.
    ///
    /// libedit prints a bracketed run together with the one visible character after it, and
    /// skips that character in its own loop (`prompt_print` in libedit's `prompt.c`, with
    /// `literal_add` in `literal.c`). Two brackets that touch therefore break the prompt: the
    /// first has no visible character to glue to, the second's opening marker is swallowed,
    /// and its escape is printed as text (`[1;31m`) while the rest of the prompt is lost. So
    /// each run of adjacent escapes is bracketed once, and a run at the very end, which libedit
    /// drops anyway, is left out; `Prompt` always ends with a visible character.
    public static func markingEscapes(in prompt: String) -> String {
        var result = String.UnicodeScalarView()
        var run = String.UnicodeScalarView()
        var scalars = prompt.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                if !run.isEmpty {
                    result.append(escapeMarker)
                    result.append(contentsOf: run)
                    result.append(escapeMarker)
                    run.removeAll()
                }
                result.append(scalar)
                continue
            }
            run.append(scalar)
            // ESC [ parameters final-byte (ECMA-48 CSI), or ESC and one character.
            guard let next = scalars.next() else { break }
            run.append(next)
            if next == "[" {
                while let byte = scalars.next() {
                    run.append(byte)
                    if (0x40...0x7E).contains(byte.value) { break }
                }
            }
        }
        return String(result)
    }
}
