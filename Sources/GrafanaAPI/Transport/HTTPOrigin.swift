import Foundation

/// Where an `http://` server is, parsed once from a base URL instead of from every request's
/// URL string: the host to connect to, its port, the `Host` header and the sub-path prefix.
struct HTTPOrigin: Sendable, Hashable {
    /// The host to resolve, without brackets.
    var host: String
    var port: UInt16
    /// The `Host` header: the URL's host and any explicit port.
    var authority: String
    /// What the base URL has after its authority (`/grafana`), trailing slashes dropped; may be empty.
    var prefix: String
    /// The idle-connection pool's key.
    let key: String

    init(host: String, port: UInt16, authority: String, prefix: String) {
        self.host = host
        self.port = port
        self.authority = authority
        self.prefix = prefix
        self.key = "\(host):\(port)"
    }

    /// The origin of an `http://` base URL; nil for any other scheme or a URL without a host.
    init?(baseURL: URL) {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.init(url: base)
    }

    /// Splits `http://user@host:port/prefix` (the part after the authority is kept as the
    /// prefix, a query included); nil for anything else.
    init?(url: String) {
        guard url.utf8.count > 7, url.prefix(7).lowercased() == "http://" else { return nil }
        let rest = url.dropFirst(7)
        let slash = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<slash]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = Substring(authority)
        var port: UInt16 = 80
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.first == ":" {
                guard let given = UInt16(after.dropFirst()) else { return nil }
                port = given
            } else if !after.isEmpty {
                return nil
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let given = UInt16(authority[authority.index(after: colon)...]) else { return nil }
            port = given
        }
        guard !host.isEmpty else { return nil }
        self.init(host: String(host), port: port, authority: String(authority), prefix: String(rest[slash...]))
    }

    /// Appends the request target (`/prefix/api/...?a=b`, never empty) to `head`.
    func appendTarget(path: String, query: [QueryItem], to head: inout [UInt8]) {
        let start = head.count
        head.append(contentsOf: prefix.utf8)
        head.append(contentsOf: path.utf8)
        for (index, item) in query.enumerated() {
            head.append(index == 0 ? UInt8(ascii: "?") : UInt8(ascii: "&"))
            PercentEncoding.append(item.name, to: &head)
            head.append(UInt8(ascii: "="))
            PercentEncoding.append(item.value, to: &head)
        }
        // As a URL's target: an empty one is `/`, one that begins with its query gets `/` first.
        if head.count == start {
            head.append(UInt8(ascii: "/"))
        } else if head[start] == UInt8(ascii: "?") {
            head.insert(UInt8(ascii: "/"), at: start)
        }
    }
}

/// Percent-encoding over UTF-8 bytes: RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`)
/// stay, every other byte becomes `%XX` in upper-case hex. The output is that of Foundation's
/// `addingPercentEncoding(withAllowedCharacters:)` with the same set, without going through
/// `NSString` and CoreFoundation for each segment of each request.
enum PercentEncoding {
    /// Whether `byte` stays as it is.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// `text` encoded; the same string when nothing needs encoding.
    static func encode(_ text: String) -> String {
        guard !text.utf8.allSatisfy(isUnreserved) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3)
        append(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text`, encoded, to `bytes`.
    static func append(_ text: String, to bytes: inout [UInt8]) {
        for byte in text.utf8 {
            if isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 15)])
            }
        }
    }
}

/// ASCII comparisons over UTF-8 bytes, for header names and tokens.
enum ASCII {
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Whether `bytes` equal `lowercase` (which is lower-case ASCII), ignoring ASCII case.
    static func equals<Bytes: Collection<UInt8>>(_ bytes: Bytes, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        return zip(bytes, expected).allSatisfy { lower($0) == $1 }
    }

    /// Whether two strings are equal ignoring ASCII case (header names are ASCII).
    static func equalsIgnoringCase(_ left: String, _ right: String) -> Bool {
        left.utf8.count == right.utf8.count && zip(left.utf8, right.utf8).allSatisfy { lower($0) == lower($1) }
    }

    /// Whether `bytes` contain `lowercase` (lower-case ASCII), ignoring ASCII case.
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        let needle = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        guard needle.count <= bytes.count else { return false }
        var start = 0
        while start + needle.count <= bytes.count {
            var index = 0
            while index < needle.count, lower(bytes[start + index]) == needle[index] { index += 1 }
            if index == needle.count { return true }
            start += 1
        }
        return false
    }
}
