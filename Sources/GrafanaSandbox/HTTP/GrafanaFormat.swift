import Foundation

/// Grafana's derived strings: avatar paths and slugs.
enum GrafanaFormat {
    /// `dtos.GetGravatarUrl`: `/avatar/` + md5 of the lowercased, trimmed email.
    static func avatarURL(_ email: String) -> String {
        "/avatar/" + MD5.hex(email.lowercased().trimmingCharacters(in: .whitespaces))
    }

    /// `dtos.GetGravatarUrlWithDefault(cfg, text, defaultText)`: with no email, the avatar is
    /// derived from the name with non-alphanumerics removed plus `@localhost`.
    static func avatarURL(email: String, orName name: String) -> String {
        if !email.isEmpty { return avatarURL(email) }
        let cleaned = String(name.unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) })
        return avatarURL(cleaned + "@localhost")
    }

    /// `slugify.Slugify` (`pkg/infra/slugify`): lowercase, non-alphanumerics to `-`, collapsed.
    static func slug(_ title: String) -> String {
        var slug = ""
        var lastWasDash = false
        for scalar in title.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII {
                slug.unicodeScalars.append(scalar)
                lastWasDash = false
            } else if !lastWasDash && !slug.isEmpty {
                slug += "-"
                lastWasDash = true
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug
    }
}
