import Foundation
import GFSLanguage

/// Turns command results into what the user reads: key/value blocks for records, aligned
/// tables for lists of records, one JSON document per line for `--output json`.
///
/// Every known secret is masked with `***` before anything is formatted.
struct ResultFormatter {
    var secrets: Set<String>

    /// Columns a listing shows, by command, in order; other commands show the keys of their
    /// first row.
    static let columns: [[String]: [String]] = [
        ["org", "list"]: ["id", "name"],
        ["org", "user", "list"]: ["login", "email", "name", "role"],
        ["key", "list"]: ["name", "kind", "role", "serviceAccount", "expiration"],
        ["dashboard", "list"]: ["uid", "title", "folder", "tags"],
        ["dashboard", "push"]: ["file", "status", "uid", "title", "version", "error"],
        ["folder", "list"]: ["uid", "title"],
        ["datasource", "list"]: ["uid", "name", "type", "url", "isDefault"],
    ]

    /// One line of compact JSON.
    func json(_ value: Value) -> String {
        Redactor(secrets: secrets).redact(value).compactJSON
    }

    /// The readable form of a result: a pulled dashboard as indented JSON, a diff as its
    /// lines, a listing with the command's columns; the rest as ``ValueTextFormatter`` lays
    /// it out.
    func text(_ value: Value, command: [String]) -> String {
        let value = Redactor(secrets: secrets).redact(value)
        switch (command, value) {
        case (["dashboard", "pull"], .record(let record)) where record["file"] == nil:
            return value.prettyJSON + "\n"
        case (["dashboard", "diff"], .record(let record)):
            return diffText(record)
        case (_, .list(let rows)):
            guard let columns = Self.columns[command] else { return ValueTextFormatter.format(value) }
            return ValueTextFormatter.format(.list(rows.map { row in
                guard case .record(let record) = row else { return row }
                return .record(Record(columns.compactMap { name in record[name].map { (name, $0) } }))
            }))
        default:
            return ValueTextFormatter.format(value)
        }
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
