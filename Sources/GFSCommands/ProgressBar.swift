import Foundation

/// The one-line progress bar `dashboard push` draws on standard error when that is a
/// terminal: `[#######.....] 7/12 prod.json`, redrawn in place and cleared before the summary.
///
/// Rendering is a pure function of the counts, the label and the width, so tests check the
/// text without a terminal; ``redraw(done:total:label:width:)`` and ``clear`` add the control
/// sequences that keep it on one line.
struct ProgressBar {
    /// The widest the bar itself gets, in cells, however wide the terminal.
    static let maximumBarWidth = 30
    /// Below this many columns there is no room for a bar: only the count is shown.
    static let minimumBarWidth = 5

    /// The bar for `done` of `total` items, the last one finished named by `label`, fitting in
    /// `width - 1` columns (the last column is left free so the terminal never wraps the line).
    static func render(done: Int, total: Int, label: String, width: Int) -> String {
        let done = min(max(done, 0), max(total, 0))
        let counter = "\(done)/\(total)"
        let room = max(width - 1, counter.count)
        // The bar takes about a third of the line, so long file names still show.
        let barWidth = min(maximumBarWidth, (room - counter.count - 3) / 3)
        var line: String
        if barWidth >= minimumBarWidth {
            let filled = total > 0 ? barWidth * done / total : barWidth
            line =
                "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "] "
                + counter
        } else {
            line = counter
        }
        let labelRoom = room - line.count - 1
        if !label.isEmpty, labelRoom >= 4 {
            line += " " + truncated(label, to: labelRoom)
        }
        return line
    }

    /// The text that replaces the current line with the bar: carriage return, the bar, and an
    /// erase to the end of the line for a shorter label than the last one.
    static func redraw(done: Int, total: Int, label: String, width: Int) -> String {
        "\r" + render(done: done, total: total, label: label, width: width) + "\u{1B}[K"
    }

    /// Erases the bar's line so the next output starts on a clean line.
    static let clear = "\r\u{1B}[K"

    /// Keeps the end of a long name (`…-overview.json`), the part that tells files apart.
    static func truncated(_ text: String, to length: Int) -> String {
        guard text.count > length else { return text }
        return "…" + text.suffix(length - 1)
    }

    /// The width of the terminal on standard error, or `COLUMNS`, or 80.
    static func terminalWidth(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        return 80
    }
}
