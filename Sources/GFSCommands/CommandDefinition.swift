public import GFSLanguage

/// One gfs command, whole: what it accepts (its ``CommandSpec``), what it does (its handler)
/// and how its result is shown (``ResultDisplay``).
///
/// Each command is one value in `Commands/<Resource>.swift`; ``GFSCommandCatalog`` lists them.
/// Help, the checker and completion read the specs through ``GFSCommandCatalog/table``, and
/// ``GrafanaShellHost`` runs and shows a call through the definition of its path, so adding a
/// command is adding one value.
public struct CommandDefinition: Sendable {
    /// Path, arguments, options, summary, example, discussion and what the command binds.
    public let spec: CommandSpec
    /// How the result is shown in text and which of its fields hold a new secret.
    let display: ResultDisplay
    /// Runs the command; its arguments are read by the names the spec gives them.
    let handler: @Sendable (GrafanaShellHost, CommandArguments) async throws -> Value

    init(
        _ spec: CommandSpec,
        display: ResultDisplay = ResultDisplay(),
        run handler: @escaping @Sendable (GrafanaShellHost, CommandArguments) async throws -> Value
    ) {
        self.spec = spec
        self.display = display
        self.handler = handler
    }

    /// The command's words joined by spaces: `org user add`.
    public var name: String { spec.name }
}

/// How a command's result reads in text output (JSON output is always the whole value).
struct ResultDisplay: Sendable {
    /// The columns a list result shows, in order; nil shows the keys of the rows.
    var columns: [String]?
    /// Fields of the result that hold a secret made by this call (`key create`'s `key`),
    /// which text output on a terminal shows that once; masked everywhere else.
    var secretFields: [String]
    /// A rendering of its own (a pulled dashboard as indented JSON, a diff as its lines);
    /// nil, or a nil answer, falls back to a table or a key/value block.
    var text: (@Sendable (Value, ResultFormatter) -> String?)?

    init(
        columns: [String]? = nil,
        secretFields: [String] = [],
        text: (@Sendable (Value, ResultFormatter) -> String?)? = nil
    ) {
        self.columns = columns
        self.secretFields = secretFields
        self.text = text
    }
}
