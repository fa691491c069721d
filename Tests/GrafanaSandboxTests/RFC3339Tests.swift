import Foundation
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// The hand-written timestamp formatter agrees with Foundation's ISO 8601 formatter, which it
/// replaced for speed.
@Suite struct RFC3339Tests {
    @Test(arguments: [
        0.0, 1.0, -1.0, 59.999, 86_399, 86_400, 951_782_400, 951_868_800, 1_700_000_000.75, 4_102_444_800,
        -2_208_988_800, 1_709_164_800, 1_709_251_199,
    ])
    func agreesWithFoundation(seconds: Double) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let date = Date(timeIntervalSince1970: seconds)
        #expect(RFC3339.string(from: date) == formatter.string(from: date))
    }

    @Test func everyDayOfFourCenturiesAgrees() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        // 1900 to 2300 in steps of a day and a bit, so each day and many times of day come up.
        var seconds = -2_208_988_800.0
        var mismatches: [String] = []
        while seconds < 10_413_792_000 && mismatches.count < 5 {
            let date = Date(timeIntervalSince1970: seconds)
            let expected = formatter.string(from: date)
            if RFC3339.string(from: date) != expected { mismatches.append(expected) }
            seconds += 90_061
        }
        #expect(mismatches.isEmpty)
    }
}
