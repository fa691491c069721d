import Foundation
import GFSLanguage

/// Turns command results into what the user reads: key/value blocks for records, aligned
/// tables for lists of records, one JSON document per line for `--output json`.
///
/// Every known secret is masked with `***` before anything is formatted.
struct ResultFormatter {
    var secrets: Set<String>

    /// One line of compact JSON.
    func json(_ value: Value) -> String {
        Redactor(secrets: secrets).redact(value).compactJSON
    }

    /// The readable form of a result: the command's own rendering where it has one (a pulled
    /// dashboard as indented JSON, a diff as its lines), else a record as a key/value block
    /// and a list as a table (with the command's columns where it names some). Always ends
    /// with a line break.
    func text(_ value: Value, display: ResultDisplay = ResultDisplay()) -> String {
        let value = Redactor(secrets: secrets).redact(value)
        if let text = display.text?(value, self) { return text }
        switch value {
        case .list(let rows):
            return table(rows, columns: display.columns) + "\n"
        case .record(let record):
            return keyValueBlock(record) + "\n"
        default:
            return value.description + "\n"
        }
    }

    /// `key  value` lines with the keys padded to one width.
    func keyValueBlock(_ record: Record) -> String {
        let width = record.keys.map(\.count).max() ?? 0
        return record.map { key, value in
            key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + cell(value)
        }.joined(separator: "\n")
    }

    /// An aligned table: a header of column names, then one line per row.
    func table(_ rows: [Value], columns preferred: [String]?) -> String {
        guard !rows.isEmpty else { return "(none)" }
        let records = rows.compactMap(\.recordValue)
        guard records.count == rows.count else {
            return rows.map(cell).joined(separator: "\n")
        }
        var columns: [String]
        if let preferred {
            columns = preferred.filter { name in records.contains { $0[name] != nil } }
        } else {
            columns = []
            for record in records {
                for (key, value) in record where !columns.contains(key) {
                    if case .record = value { continue }
                    columns.append(key)
                }
            }
        }
        let cells = records.map { record in columns.map { record[$0].map(cell) ?? "" } }
        // Each cell is measured once (in characters) and padded with spaces appended from one
        // string: Foundation's `padding(toLength:)` took most of a 1,000-row push table's time.
        let counts = cells.map { $0.map(\.count) }
        var widths = columns.map(\.count)
        for row in counts {
            for index in row.indices where row[index] > widths[index] { widths[index] = row[index] }
        }
        let spaces = String(repeating: " ", count: 64)
        var text = ""
        func appendLine(_ values: [String], _ counts: [Int]) {
            for (index, value) in values.enumerated() {
                text += value
                guard index < values.count - 1 else { break }
                var pad = widths[index] - counts[index] + 2
                while pad > 0 {
                    let chunk = min(pad, spaces.utf8.count)
                    text += spaces.prefix(chunk)
                    pad -= chunk
                }
            }
            while text.last == " " { text.removeLast() }
        }
        let header = columns.map { $0.uppercased() }
        appendLine(header, header.map(\.count))
        for (row, rowCounts) in zip(cells, counts) {
            text += "\n"
            appendLine(row, rowCounts)
        }
        return text
    }

    func cell(_ value: Value) -> String {
        switch value {
        case .null: "-"
        case .list(let values) where values.allSatisfy({ if case .string = $0 { true } else { false } }):
            values.map(\.description).joined(separator: ",")
        case .record(let record):
            Self.nameAndID(record) ?? value.description
        default: value.description
        }
    }

    /// A reference such as `context`'s org, a record of just `name` and `id`, read as
    /// `apiorg (id 2)`; any other nested record stays JSON so no field is hidden.
    static func nameAndID(_ record: Record) -> String? {
        guard record.count == 2, case .string(let name)? = record["name"], let id = record["id"], id != .null
        else { return nil }
        return "\(name) (id \(id.description))"
    }

    func diffText(_ record: Record) -> String {
        let file = record["file"]?.description ?? "?"
        let status = record["status"]?.description ?? "?"
        var lines = ["\(file): \(status)"]
        if case .list(let diff)? = record["diff"] {
            lines += diff.map(\.description)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
