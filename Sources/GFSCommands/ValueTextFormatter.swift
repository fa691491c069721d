public import GFSLanguage

/// Readable text for results: key/value lines for a record, an aligned table for a list of
/// records, one line per element for other lists.
///
///     id    2
///     name  apiorg
///
///     ID  NAME
///     1   Main Org.
///     2   apiorg
///
/// Nested lists and records show as compact JSON in their cell. The text ends with a line
/// break; an empty list shows `(none)`.
public enum ValueTextFormatter {
    public static func format(_ value: Value) -> String {
        switch value {
        case let .record(record):
            return keyValueLines(record)
        case let .list(elements):
            if elements.isEmpty { return "(none)\n" }
            let records = elements.compactMap { element -> Record? in
                if case let .record(record) = element { return record }
                return nil
            }
            if records.count == elements.count { return table(records) }
            return elements.map { $0.description + "\n" }.joined()
        default:
            return value.description + "\n"
        }
    }

    static func keyValueLines(_ record: Record) -> String {
        guard !record.isEmpty else { return "{}\n" }
        let width = record.keys.map(\.count).max() ?? 0
        return record.map { entry in
            trimmed(pad(entry.key, width) + "  " + cell(entry.value)) + "\n"
        }.joined()
    }

    static func table(_ records: [Record]) -> String {
        var columns: [String] = []
        for record in records {
            for key in record.keys where !columns.contains(key) { columns.append(key) }
        }
        let rows = records.map { record in columns.map { record[$0].map(cell) ?? "" } }
        let header = columns.map { $0.uppercased() }
        let widths = columns.indices.map { index in
            ([header[index]] + rows.map { $0[index] }).map(\.count).max() ?? 0
        }
        return ([header] + rows).map { row in
            trimmed(row.enumerated().map { pad($0.element, widths[$0.offset]) }.joined(separator: "  ")) + "\n"
        }.joined()
    }

    /// A value in one line: strings raw, everything else as interpolation shows it, and
    /// line breaks escaped so a cell never breaks the layout.
    static func cell(_ value: Value) -> String {
        value.description.replacingNewlines()
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    static func trimmed(_ line: String) -> String {
        var line = Substring(line)
        while line.last == " " { line = line.dropLast() }
        return String(line)
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        var result = ""
        for character in self {
            result += character == "\n" ? "\\n" : String(character)
        }
        return result
    }
}
