import Crypto

// Hex digests over swift-crypto, under the names the sandbox's callers use. Declared in this
// module, `SHA256` here shadows swift-crypto's type of the same name, which is reached as
// `Crypto.SHA256`.

/// MD5, only for Gravatar-style avatar paths: Grafana's `dtos.GetGravatarUrl` answers
/// `/avatar/<md5 of the lowercased email>`.
enum MD5 {
    static func hex(_ text: String) -> String {
        hexString(Insecure.MD5.hash(data: Array(text.utf8)))
    }
}

/// SHA-256, for the salted hashes the sandbox stores instead of passwords and token secrets.
enum SHA256 {
    static func hex(_ text: String) -> String {
        hexString(Crypto.SHA256.hash(data: Array(text.utf8)))
    }
}

private func hexString(_ digest: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var bytes: [UInt8] = []
    for byte in digest {
        bytes.append(digits[Int(byte >> 4)])
        bytes.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: bytes, as: UTF8.self)
}
