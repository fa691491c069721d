/// Lays out completion candidates in columns, as a shell lists them on an ambiguous Tab.
enum CandidateList {
    /// The candidates in columns that fit `width`, filled down each column first (`ls`'s
    /// order), one line per row, each line ending in a newline.
    static func layout(_ names: [String], width: Int) -> String {
        guard !names.isEmpty else { return "" }
        let cell = (names.map(\.count).max() ?? 0) + 2
        let columns = max(1, min(names.count, width / max(cell, 1)))
        let rows = (names.count + columns - 1) / columns
        var lines: [String] = []
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row
                guard index < names.count else { break }
                let name = names[index]
                let isLast = column == columns - 1 || (column + 1) * rows + row >= names.count
                line += isLast ? name : name + String(repeating: " ", count: cell - name.count)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
