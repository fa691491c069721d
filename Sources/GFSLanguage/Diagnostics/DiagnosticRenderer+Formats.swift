// MARK: Public interface

extension DiagnosticRenderer {
    /// A diagnostic as one compact JSON object, for tools (`gfs check --format json` writes
    /// one per line):
    ///
    ///     {"file":"x.gfs","line":3,"column":1,"endLine":3,"endColumn":9,"severity":"error",
    ///      "code":"unknown-command","message":"...","hint":"..."}
    ///
    /// Lines and columns count from 1; columns count characters, and `endColumn` is the
    /// column just after the last character of the range. `hint` is `null` when there is none.
    public static func json(_ diagnostic: Diagnostic) -> String {
        let range = diagnostic.range
        let record = Record([
            ("file", .string(diagnostic.sourceName)),
            ("line", .int(range.start.line)),
            ("column", .int(range.start.column)),
            ("endLine", .int(range.end.line)),
            ("endColumn", .int(range.end.column)),
            ("severity", .string(diagnostic.severity.rawValue)),
            ("code", .string(diagnostic.code.name)),
            ("message", .string(diagnostic.message)),
            ("hint", diagnostic.hint.map(Value.string) ?? .null),
        ])
        return Value.record(record).compactJSON
    }

    /// A diagnostic as a GitHub Actions workflow command, which GitHub shows as an annotation
    /// on the line:
    ///
    ///     ::error file=x.gfs,line=3,col=1,endLine=3,endColumn=9,title=unknown-command::Unknown command 'dashbord'%0AHint: Did you mean 'dashboard'?
    ///
    /// Errors become `::error`, warnings `::warning` and notes `::notice`; the hint follows
    /// the message on a line of its own. Escaped as GitHub's toolkit escapes workflow
    /// commands (`escapeData` and `escapeProperty` in actions/toolkit's `command.ts`).
    public static func githubAnnotation(_ diagnostic: Diagnostic) -> String {
        let command =
            switch diagnostic.severity {
            case .error: "error"
            case .warning: "warning"
            case .note: "notice"
            }
        let range = diagnostic.range
        let properties = [
            ("file", diagnostic.sourceName),
            ("line", String(range.start.line)),
            ("col", String(range.start.column)),
            ("endLine", String(range.end.line)),
            ("endColumn", String(range.end.column)),
            ("title", diagnostic.code.name),
        ]
        .map { "\($0)=\(escapeProperty($1))" }
        .joined(separator: ",")
        var message = diagnostic.message
        if let hint = diagnostic.hint { message += "\nHint: \(hint)" }
        return "::\(command) \(properties)::\(escapeData(message))"
    }

    /// A workflow command's message: `%`, CR and LF escaped.
    public static func escapeData(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "%": escaped += "%25"
            case "\r": escaped += "%0D"
            case "\n": escaped += "%0A"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A workflow command's property value: as `escapeData`, and `:` and `,` too, which
    /// would otherwise end the value.
    public static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }
}

// MARK: Implementation

extension String {
    /// Without Foundation, which this module does not import.
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
