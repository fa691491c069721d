public import GFSLanguage

/// Source text with positions marked inside it, so tests never count columns by hand
/// (swift-format's `MarkedText`).
///
/// Write `⏩` and `⏪` around the range a diagnostic should cover, or put the keycap
/// markers `1️⃣` … `9️⃣` where positions are wanted:
///
///     let marked = MarkedText("echo ⏩\"abc⏪")
///     marked.text      // echo "abc
///     marked.range     // 1:6 to 1:10
///
/// Positions follow `SourcePosition`: UTF-8 offsets, 1-based lines, and columns that count
/// Unicode scalars.
public struct MarkedText: Sendable {
    /// The text with every marker removed.
    public let text: String
    /// The position of each marker, by the marker itself (`"1️⃣"`, `"⏩"`, `"⏪"`).
    public let markers: [String: SourcePosition]

    /// Strips the markers from `marked` and records where each one stood.
    public init(_ marked: String) {
        var text = ""
        var markers: [String: SourcePosition] = [:]
        var position = SourcePosition(offset: 0, line: 1, column: 1)
        for character in marked {
            let spelled = String(character)
            if Self.markerNames.contains(spelled) {
                precondition(markers[spelled] == nil, "Marker \(spelled) appears twice in \(marked)")
                markers[spelled] = position
                continue
            }
            text.append(character)
            for scalar in character.unicodeScalars {
                position.offset += String(scalar).utf8.count
                if scalar == "\n" {
                    position.line += 1
                    position.column = 1
                } else {
                    position.column += 1
                }
            }
        }
        self.text = text
        self.markers = markers
    }

    /// The position of `marker`; the marker must be in the text.
    public subscript(marker: String) -> SourcePosition {
        guard let position = markers[marker] else {
            preconditionFailure("No marker \(marker) in the text")
        }
        return position
    }

    /// From `⏩` to `⏪`; an empty range at `⏩` when there is no `⏪`.
    public var range: SourceRange {
        let start = self["⏩"]
        return SourceRange(start: start, end: markers["⏪"] ?? start)
    }

    /// The marked text as a source file.
    public func source(named name: String = "test.gfs") -> SourceFile {
        SourceFile(name: name, text: text)
    }

    private static let markerNames: Set<String> = [
        "⏩", "⏪", "0️⃣", "1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣",
    ]
}
