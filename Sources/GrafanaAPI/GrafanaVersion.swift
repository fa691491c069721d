import Foundation

/// A Grafana server version, with the capability checks the client needs.
///
/// Parses what `/api/health` and `buildInfo.version` report: `11.4.0`, `v12.1.0`,
/// `11.5.0-pre`, `11.3.0-75420.patch2-75797` (Amazon Managed Grafana style suffixes;
/// grafana-client cuts at the first `-`, API-NOTES §2.10).
///
/// Ordering follows semantic versioning: `11.3.0-pre < 11.3.0`. Capability checks look
/// at the numbers only, so a pre-release of 11.3.0 already counts as 11.3.
public struct GrafanaVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major version.
    public var major: Int
    /// The minor version.
    public var minor: Int
    /// The patch version.
    public var patch: Int
    /// The part after the first `-`, if any: `pre`, `75420.patch2-75797`.
    public var prerelease: String?

    /// Creates a version from its parts.
    public init(major: Int, minor: Int, patch: Int = 0, prerelease: String? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
    }

    /// Parses `[v]MAJOR.MINOR[.PATCH][-SUFFIX]`; nil for anything else (`""`, `"main"`).
    public init?(_ text: String) {
        var text = Substring(text.trimmingCharacters(in: .whitespaces))
        if text.first == "v" || text.first == "V" { text = text.dropFirst() }
        // Build metadata (`+security-01`) comes last and is ignored, as semver says.
        if let plus = text.firstIndex(of: "+") { text = text[..<plus] }
        var prerelease: String?
        if let dash = text.firstIndex(of: "-") {
            prerelease = String(text[text.index(after: dash)...])
            text = text[..<dash]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        let numbers = parts.map { Int($0) }
        guard numbers.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        self.init(
            major: numbers[0]!,
            minor: numbers[1]!,
            patch: numbers.count > 2 ? numbers[2]! : 0,
            prerelease: prerelease?.isEmpty == true ? nil : prerelease
        )
    }

    /// `11.4.0`, or `11.5.0-pre` with a pre-release part.
    public var description: String {
        "\(major).\(minor).\(patch)" + (prerelease.map { "-\($0)" } ?? "")
    }

    /// Semantic-version order: numbers first, then a pre-release before the release.
    public static func < (lhs: GrafanaVersion, rhs: GrafanaVersion) -> Bool {
        if lhs.numbers != rhs.numbers { return lhs.numbers.lexicographicallyPrecedes(rhs.numbers) }
        switch (lhs.prerelease, rhs.prerelease) {
        case (nil, nil), (nil, _?): return false
        case (_?, nil): return true
        case (let left?, let right?): return left < right
        }
    }

    private var numbers: [Int] { [major, minor, patch] }

    /// Whether this version is at least `major.minor.patch`, ignoring any pre-release suffix.
    public func isAtLeast(_ major: Int, _ minor: Int, _ patch: Int = 0) -> Bool {
        !numbers.lexicographicallyPrecedes([major, minor, patch])
    }

    // MARK: Capabilities (API-NOTES §2.4, §2.5)

    /// Service accounts and their tokens exist: GA in 9.1 (beta behind a toggle in 8.5).
    public var hasServiceAccounts: Bool { isAtLeast(9, 1) }

    /// `POST /api/auth/keys` answers 410 Gone: 11.3.0 and later (PR grafana/grafana#92965).
    public var legacyKeyCreationGone: Bool { isAtLeast(11, 3) }

    /// The `/api/auth/keys` routes are removed entirely and answer 404: 12.1 and later
    /// (PR grafana/grafana#106019; the exact release is unverified in API-NOTES).
    public var legacyKeyRoutesGone: Bool { isAtLeast(12, 1) }

    /// Whether `createKey` makes a service-account token here (else a legacy API key).
    public var createsKeysWithServiceAccounts: Bool { hasServiceAccounts }
}
