// MARK: Public interface

/// Renders a diagnostic for people: location, message, the source line with the range
/// underlined, and the hint.
///
///     deploy.gfs:3:6: error: Unterminated string
///       3 | echo "abc
///         |      ^
///     hint: The string that starts here needs a closing ".
///
/// The library lays the text out; the edge (the CLI, the shell) decides whether to colour
/// it and where to write it.
public struct DiagnosticRenderer: Sendable {
    /// Add ANSI colours (only when writing to a terminal).
    public var usesColor: Bool

    /// A renderer; colour is off unless asked for.
    public init(usesColor: Bool = false) {
        self.usesColor = usesColor
    }

    /// The rendered diagnostic, ending with a line break. Without `source` (or when the
    /// range lies outside it) only the location, message and hint are shown.
    public func render(_ diagnostic: Diagnostic, in source: SourceFile?) -> String {
        let start = diagnostic.range.start
        var output =
            paint("\(diagnostic.sourceName):\(start.line):\(start.column):", .bold) + " "
            + paint("\(diagnostic.severity.rawValue):", severityStyle(diagnostic.severity)) + " "
            + paint(diagnostic.message, .bold) + "\n"
        if let source, let excerpt = excerpt(of: diagnostic.range, in: source) {
            let number = String(start.line)
            let gutter = String(repeating: " ", count: number.count + 3)
            output += paint("  \(number) |", .blue) + " " + excerpt.line + "\n"
            output += paint(gutter + "|", .blue) + " " + excerpt.padding + paint(excerpt.marker, .green) + "\n"
        }
        if let hint = diagnostic.hint {
            output += paint("hint:", .cyan) + " " + hint + "\n"
        }
        return output
    }
}

extension Diagnostic {
    /// This diagnostic rendered with `DiagnosticRenderer`.
    public func rendered(in source: SourceFile?, usesColor: Bool = false) -> String {
        DiagnosticRenderer(usesColor: usesColor).render(self, in: source)
    }
}

// MARK: Implementation

extension DiagnosticRenderer {
    private enum Style: String {
        case bold = "1"
        case red = "1;31"
        case magenta = "1;35"
        case green = "1;32"
        case blue = "34"
        case cyan = "1;36"
    }

    private func severityStyle(_ severity: Diagnostic.Severity) -> Style {
        switch severity {
        case .error: .red
        case .warning: .magenta
        case .note: .bold
        }
    }

    private func paint(_ text: String, _ style: Style) -> String {
        usesColor ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// The range's first line, the white space that lines the marker up under the range's
    /// start (tabs kept as tabs), and the marker: `^` then `~` for the rest of the range on
    /// that line.
    private func excerpt(of range: SourceRange, in source: SourceFile) -> (
        line: String, padding: String, marker: String
    )? {
        let utf8 = source.text.utf8
        guard range.start.offset >= 0, range.start.offset <= utf8.count else { return nil }
        let startIndex = utf8.index(utf8.startIndex, offsetBy: range.start.offset)
        // Find the line around the start by offsets, which stay right even where columns
        // would not (combining marks, emoji sequences).
        var lineStart = startIndex
        while lineStart > utf8.startIndex {
            let before = utf8.index(before: lineStart)
            if utf8[before] == .newline { break }
            lineStart = before
        }
        var lineEnd = startIndex
        while lineEnd < utf8.endIndex, utf8[lineEnd] != .newline, utf8[lineEnd] != .carriageReturn {
            lineEnd = utf8.index(after: lineEnd)
        }
        guard var line = String(utf8[lineStart..<lineEnd]),
            var prefix = String(utf8[lineStart..<startIndex])
        else { return nil }
        let endOffset = min(range.end.offset, utf8.distance(from: utf8.startIndex, to: lineEnd))
        var width = 1
        if endOffset > range.start.offset,
            let covered = String(utf8[startIndex..<utf8.index(utf8.startIndex, offsetBy: endOffset)])
        {
            width = max(1, covered.count)
        }
        if line.count > Self.maximumExcerptWidth {
            (line, prefix, width) = Self.window(of: line, prefix: prefix, width: width)
        }
        let padding = String(prefix.map { $0 == "\t" ? "\t" : " " })
        return (line, padding, "^" + String(repeating: "~", count: width - 1))
    }

    /// The widest source line shown whole, in characters; a longer one (a minified JSON
    /// value, a generated script) is cut to a window around the range's start.
    static let maximumExcerptWidth = 120

    /// The part of a long `line` around the range's start: a third of the window before it,
    /// the rest after, with `...` where the line goes on. Returns the shown line, the shown
    /// text before the range (for lining up the marker) and the marker's width within it.
    private static func window(of line: String, prefix: String, width: Int) -> (String, String, Int) {
        let prefixCount = prefix.count
        let cut = prefixCount - min(prefixCount, maximumExcerptWidth / 3)
        let from = line.index(line.startIndex, offsetBy: cut, limitedBy: line.endIndex) ?? line.endIndex
        let to = line.index(from, offsetBy: maximumExcerptWidth, limitedBy: line.endIndex) ?? line.endIndex
        let leading = cut > 0 ? "..." : ""
        let trailing = to < line.endIndex ? "..." : ""
        let shown = leading + String(line[from..<to]) + trailing
        let shownPrefix = leading + String(prefix.dropFirst(cut))
        let room = max(1, maximumExcerptWidth - (prefixCount - cut))
        return (shown, shownPrefix, min(width, room))
    }
}
