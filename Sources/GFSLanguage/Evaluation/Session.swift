/// What outlives one script or one prompt line: the variables, and the stack of source
/// files being run (for `source` paths relative to the including file).
///
/// All variables live in one flat scope, as in a shell: a `let` inside an `if` or a loop
/// body, and a loop variable, stay bound after the block ends.
public struct Session: Sendable {
    /// Every bound variable by name, without the `$`.
    public var variables: [String: Value] = [:]
    /// The files being run, innermost last: the script, then any files it `source`s.
    public internal(set) var sourceStack: [SourceFile] = []

    /// A session with `variables` bound.
    public init(variables: [String: Value] = [:]) {
        self.variables = variables
    }

    /// Binds a script's parameters: each `--var NAME=VALUE` as `$NAME`, the positional
    /// arguments as the list `$args` and one by one as `$1`, `$2`, ...
    ///
    /// Values read as words do (`3` is a number, `prod` a string), so `$count + 1` works.
    public mutating func setParameters(arguments: [String], variables named: [(name: String, value: String)] = []) {
        variables["args"] = .list(arguments.map(Value.init(word:)))
        for (index, argument) in arguments.enumerated() {
            variables[String(index + 1)] = Value(word: argument)
        }
        for (name, value) in named {
            variables[name] = Value(word: value)
        }
    }

    /// The names of the bound variables, for the checker and for completion.
    public var variableNames: Set<String> { Set(variables.keys) }

    /// The file being run now.
    public var currentSource: SourceFile? { sourceStack.last }
}

extension Value {
    /// A bare word's value: a number when the word is exactly how that number prints
    /// (`3`, `-2`, `1.5`), otherwise the word as a string, so a UID like `007` or a
    /// version like `1.10` keeps its text.
    public init(word: String) {
        if let int = Int(word), String(int) == word {
            self = .int(int)
        } else if let double = Double(word), double.isFinite, double.description == word {
            self = .double(double)
        } else {
            self = .string(word)
        }
    }
}
