import GFSCommands
import GFSLanguage

/// Shows failures on standard error, for people or for programs.
///
/// As text: `file:line:col: error: message`, the source line with a caret, and the hint;
/// failures outside a script as `gfs: error: message` and the hint. With `--output json`:
/// one compact JSON object per failure and line, so a program can read it:
///
///     {"code":"grafana.not-found","message":"...","hint":null,"status":404,"file":"x.gfs","line":3,"column":1}
///
/// Every known secret is masked in either form.
struct FailureReporter {
    var json: Bool
    var usesColor: Bool
    var secrets: Set<String> = []

    /// A problem in a script, or a command that failed in one.
    func report(_ diagnostic: Diagnostic, in source: SourceFile?) {
        if json {
            var record = Record([
                ("code", .string(diagnostic.code.name)),
                ("message", .string(redact(diagnostic.message))),
                ("hint", diagnostic.hint.map { .string(redact($0)) } ?? .null),
            ])
            for key in ["status", "messageId"] {
                if let value = diagnostic.details[key] { record[key] = value }
            }
            // `gfs --check` shows warnings too; a tool must not take them for errors.
            if diagnostic.severity != .error { record["severity"] = .string(diagnostic.severity.rawValue) }
            record["file"] = .string(diagnostic.sourceName)
            record["line"] = .int(diagnostic.range.start.line)
            record["column"] = .int(diagnostic.range.start.column)
            write(.record(record))
        } else {
            let text = DiagnosticRenderer(usesColor: usesColor).render(diagnostic, in: source)
            Console.standard.write(redact(text), to: .standardError)
        }
    }

    /// A failure outside any script: unreadable input, bad connection settings, lost output.
    func report(_ code: ErrorCode, message: String, hint: String? = nil) {
        if json {
            write(
                .record(
                    Record([
                        ("code", .string(code.name)),
                        ("message", .string(redact(message))),
                        ("hint", hint.map { .string(redact($0)) } ?? .null),
                    ])
                )
            )
        } else {
            var text = "gfs: error: \(message)\n"
            if let hint { text += "hint: \(hint)\n" }
            Console.standard.write(redact(text), to: .standardError)
        }
    }

    private func write(_ value: Value) {
        Console.standard.write(value.compactJSON + "\n", to: .standardError)
    }

    private func redact(_ text: String) -> String {
        GFSCommandLine.redact(text, secrets: secrets)
    }
}
