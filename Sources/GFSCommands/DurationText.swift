import Foundation

/// Durations as people write them on the command line and in `config.yaml`.
public enum DurationText {
    /// `500ms`, `30s`, `2m`, `1h` or a plain number of seconds (`1.5`); nil for anything else,
    /// for zero, and for more than a day (no request should wait that long).
    public static func parse(_ text: String) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces)
        var number = Substring(text)
        var scale = 1.0
        for (suffix, seconds) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = seconds
            break
        }
        guard let value = Double(number), value.isFinite, value > 0, value * scale <= 86_400 else { return nil }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }

    /// What ``parse(_:)`` accepts, for hints.
    public static let accepted = "a number with ms, s, m or h, such as 30s or 2m"
}
