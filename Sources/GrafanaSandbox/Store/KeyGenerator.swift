import Foundation
import GFSValue

/// Makes credentials in Grafana's formats, so a client that inspects a key cannot tell the
/// sandbox from Grafana.
enum KeyGenerator {
    private static let alphanumerics = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// `util.GetRandomString(n)`: letters and digits.
    static func randomString(_ length: Int) -> String {
        String((0..<length).map { _ in alphanumerics.randomElement()! })
    }

    /// A dashboard, folder or data source uid as Grafana's `util.GenerateShortUID` makes
    /// them in 11.x (14 characters, a letter first).
    static func shortUID() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return String(letters.randomElement()!) + randomString(13).lowercased()
    }

    // MARK: Legacy API keys (pkg/components/apikeygen/apikeygen.go)

    /// The client secret of a legacy key: `base64(json {"k","n","id"})`, the JSON written by
    /// Go's `json.Marshal` of `ApiKeyJson{Key "k", Name "n", OrgId "id"}`.
    static func legacyKey(name: String, orgID: Int64) -> (clientSecret: String, secret: String) {
        let secret = randomString(32)
        let json: Value = .record(["k": .string(secret), "n": .string(name), "id": .int(orgID)])
        return (Data(json.encoded().utf8).base64EncodedString(), secret)
    }

    /// Decodes a legacy key into its secret, name and org; `nil` when it is not one.
    static func decodeLegacyKey(_ key: String) -> (secret: String, name: String, orgID: Int64)? {
        guard let data = Data(base64Encoded: key),
            let object = try? Value(jsonUTF8: data, options: .goDecoder).objectValue,
            let secret = object["k"]?.stringValue, let name = object["n"]?.stringValue,
            let orgID = object["id"]?.integerValue
        else { return nil }
        return (secret, name, orgID)
    }

    // MARK: Service-account tokens (pkg/components/satokengen/tokengen.go)

    /// `"gl" + "sa" + "_" + secret + "_" + checksum`, checksum = hex of the little-endian bytes
    /// of `crc32.ChecksumIEEE("glsa_" + secret)`.
    static func serviceAccountToken() -> (clientSecret: String, secret: String) {
        let secret = randomString(32)
        return ("glsa_" + secret + "_" + checksum(for: secret), secret)
    }

    /// The secret of a well-formed `glsa_` token, or `nil` (satokengen `Decode`: the `gl`
    /// prefix, exactly three `_`-separated parts and a matching checksum).
    static func decodeServiceAccountToken(_ token: String) -> String? {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard token.hasPrefix("gl"), parts.count == 3 else { return nil }
        let secret = String(parts[1])
        guard String(parts[0]) == "glsa", String(parts[2]) == checksum(for: secret) else { return nil }
        return secret
    }

    static func checksum(for secret: String) -> String {
        let crc = CRC32.checksum(Array(("glsa_" + secret).utf8))
        return (0..<4).map { index in
            let byte = UInt8(truncatingIfNeeded: crc >> UInt32(index * 8))
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The stored form of a secret: Grafana keeps only a hash (`util.EncodePassword`); the
    /// sandbox uses SHA-256 for the same purpose.
    static func hash(_ secret: String, salt: String) -> String {
        SHA256.hex(salt + ":" + secret)
    }
}

/// CRC-32 (IEEE 802.3), as Go's `hash/crc32.ChecksumIEEE`.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
