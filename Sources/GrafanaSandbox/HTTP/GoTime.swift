import Foundation
import GFSValue

/// Go's `time.Time` JSON form (RFC 3339), in UTC as the sandbox keeps time.
enum GoTime {
    static func format(_ date: Date) -> String {
        RFC3339.string(from: date)
    }

    static func json(_ date: Date) -> Value { .string(format(date)) }

    static func json(_ date: Date?) -> Value { date.map { .string(format($0)) } ?? .null }

    /// `util.GetAgeString` (`pkg/util/strings.go`): the age shown beside `lastSeenAt`,
    /// `10y`, `3M`, `2w`, `5d`, `4h`, `7m` or `< 1m` (docs example `"lastSeenAtAge": "< 1m"`).
    static func age(_ date: Date, now: Date = Date()) -> String {
        let minutes = now.timeIntervalSince(date) / 60
        let steps: [(Double, String)] = [
            (525_600, "y"), (43_800, "M"), (10_080, "w"), (1_440, "d"), (60, "h"), (1, "m"),
        ]
        for (size, unit) in steps where Int(minutes / size) > 0 {
            return "\(Int(minutes / size))\(unit)"
        }
        return "< 1m"
    }

    /// The zero `time.Time`, which Go writes for unset non-pointer times.
    static let zero = "0001-01-01T00:00:00Z"
}
