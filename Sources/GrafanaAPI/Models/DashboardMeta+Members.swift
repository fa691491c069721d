import GFSValue

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// `dashboard push` reads a `meta` and a save answer for every dashboard it compares or saves.
// Decoding them through a `Value` tree and `ValueDecoder` (or Foundation's `JSONDecoder`)
// cost 45 to 67 thousand instructions each, more than reading the dashboard's own members;
// here the members are read straight from the answer's bytes. Anything these readers do not
// expect (a type other than the plain one, a repeated key, an escaped or non-ASCII string that
// needs decoding is still fine) makes them give up with nil, and the caller decodes as
// before, so the value and every error stay those of the decoder.

/// Reads the scalar members of an object already checked by `JSONReader`.
struct JSONMemberScalars {
    var bytes: UnsafeBufferPointer<UInt8>

    /// Calls `body` with each member's key (the bytes between its quotes) and value range,
    /// in order, for the object at `range` of a document the reader has accepted. False, with
    /// nothing more called, when a key holds an escape (its text then needs decoding) or
    /// `body` returns false. A scan of bytes already checked: `JSONReader.objectMembers`
    /// makes a `String` of every key, which for a `meta` cost more than reading the values.
    func forEachMember(
        in range: Range<Int>,
        _ body: (UnsafeBufferPointer<UInt8>, Range<Int>) -> Bool
    ) -> Bool {
        var index = range.lowerBound + 1
        let end = range.upperBound - 1
        while true {
            skipWhitespace(&index, end)
            guard index < end, bytes[index] == UInt8(ascii: "\"") else { return index >= end }
            let keyStart = index + 1
            index = keyStart
            while bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { return false }
                index += 1
            }
            let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<index])
            index += 1
            skipWhitespace(&index, end)
            index += 1  // the colon
            skipWhitespace(&index, end)
            let valueStart = index
            skipValue(&index, end)
            guard body(key, valueStart..<index) else { return false }
            skipWhitespace(&index, end)
            if index < end, bytes[index] == UInt8(ascii: ",") { index += 1 }
        }
    }

    private func skipWhitespace(_ index: inout Int, _ end: Int) {
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    /// Moves past a string, a number, a literal, or a whole object or array.
    private func skipValue(_ index: inout Int, _ end: Int) {
        var depth = 0
        repeat {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                while bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                index += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                index += 1
            default:
                // A number or literal, or the whitespace and separators between members.
                index += 1
                if depth == 0 {
                    while index < end {
                        switch bytes[index] {
                        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: " "),
                            UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                            return
                        default: index += 1
                        }
                    }
                }
            }
        } while depth > 0
    }

    /// `null` (absent for an optional field).
    func isNull(_ range: Range<Int>) -> Bool {
        range.count == 4 && bytes[range.lowerBound] == UInt8(ascii: "n")
    }

    /// A string, or nil for `null`; false when the value is neither.
    func string(_ range: Range<Int>, into field: inout String?) -> Bool {
        if isNull(range) {
            field = nil
            return true
        }
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\"") else { return false }
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        var plain = true
        for index in inner where bytes[index] == UInt8(ascii: "\\") || bytes[index] >= 0x80 {
            plain = false
            break
        }
        if plain {
            field = String(decoding: UnsafeBufferPointer(rebasing: bytes[inner]), as: UTF8.self)
            return true
        }
        // Escapes and text beyond ASCII are decoded (and checked) as the reader does.
        guard case .string(let text)? = JSONReader.value(bytes, at: range) else { return false }
        field = text
        return true
    }

    /// An integer written with digits only (and a leading minus), or nil for `null`; false
    /// for anything else (a fraction or exponent is left to the decoder).
    func integer(_ range: Range<Int>, into field: inout Int64?) -> Bool {
        if isNull(range) {
            field = nil
            return true
        }
        var index = range.lowerBound
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < range.upperBound, range.upperBound - index <= 18 else { return false }
        var value: Int64 = 0
        while index < range.upperBound {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return false }
            value = value * 10 + Int64(digit)
            index += 1
        }
        field = negative ? -value : value
        return true
    }

    /// `true` or `false`, or nil for `null`; false for anything else.
    func bool(_ range: Range<Int>, into field: inout Bool?) -> Bool {
        switch bytes[range.lowerBound] {
        case UInt8(ascii: "t"): field = true
        case UInt8(ascii: "f"): field = false
        case UInt8(ascii: "n"): field = nil
        default: return false
        }
        return true
    }
}

extension DashboardMeta {
    /// The metadata from the members of a `meta` object, or nil when a member needs the
    /// decoder (see above). Unknown members are skipped, as the decoder skips them.
    init?(object range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes[range.lowerBound] == UInt8(ascii: "{") else { return nil }
        let read = JSONMemberScalars(bytes: bytes)
        var meta = DashboardMeta()
        let complete = read.forEachMember(in: range) { key, range in
            guard let field = Field(key) else { return true }
            switch field {
            case .type: return read.string(range, into: &meta.type)
            case .slug: return read.string(range, into: &meta.slug)
            case .url: return read.string(range, into: &meta.url)
            case .version: return read.integer(range, into: &meta.version)
            case .created: return read.string(range, into: &meta.created)
            case .updated: return read.string(range, into: &meta.updated)
            case .createdBy: return read.string(range, into: &meta.createdBy)
            case .updatedBy: return read.string(range, into: &meta.updatedBy)
            case .canSave: return read.bool(range, into: &meta.canSave)
            case .canEdit: return read.bool(range, into: &meta.canEdit)
            case .canDelete: return read.bool(range, into: &meta.canDelete)
            case .isFolder: return read.bool(range, into: &meta.isFolder)
            case .folderUid: return read.string(range, into: &meta.folderUid)
            case .folderTitle: return read.string(range, into: &meta.folderTitle)
            case .folderUrl: return read.string(range, into: &meta.folderUrl)
            case .provisioned: return read.bool(range, into: &meta.provisioned)
            case .isStarred: return read.bool(range, into: &meta.isStarred)
            }
        }
        guard complete else { return nil }
        self = meta
    }
}

extension DashboardMeta {
    /// The fields, found by a key's length first: a `switch` over 17 strings compared each
    /// key of a `meta` (two dozen of them) with every name in turn.
    fileprivate enum Field {
        case type, slug, url, version, created, updated, createdBy, updatedBy, canSave, canEdit, canDelete
        case isFolder, folderUid, folderTitle, folderUrl, provisioned, isStarred

        private static let names: [(StaticString, Field)] = [
            ("type", .type), ("slug", .slug), ("url", .url), ("version", .version), ("created", .created),
            ("updated", .updated), ("createdBy", .createdBy), ("updatedBy", .updatedBy), ("canSave", .canSave),
            ("canEdit", .canEdit), ("canDelete", .canDelete), ("isFolder", .isFolder), ("folderUid", .folderUid),
            ("folderTitle", .folderTitle), ("folderUrl", .folderUrl), ("provisioned", .provisioned),
            ("isStarred", .isStarred),
        ]

        /// The field a key (its bytes, with no escape) names, if any: names of the key's
        /// length are compared with it byte for byte.
        init?(_ key: UnsafeBufferPointer<UInt8>) {
            for (name, field) in Self.names
            where name.utf8CodeUnitCount == key.count && memcmp(key.baseAddress!, name.utf8Start, key.count) == 0 {
                self = field
                return
            }
            return nil
        }
    }
}

extension SavedDashboard {
    /// The save answer from its bytes, or nil when the decoder must read it (see above).
    init?(answer bytes: UnsafeBufferPointer<UInt8>) {
        guard let members = try? JSONReader.objectMembers(bytes) else { return nil }
        let read = JSONMemberScalars(bytes: bytes)
        var uid: String?
        var saved = SavedDashboard(uid: "")
        // `JSONDecoder` keeps the first of a repeated key, a record the last: it decides. One
        // bit a field read (a `Set` of the keys cost as much as the rest of the reading).
        var seen: UInt8 = 0
        for (key, range) in members.members {
            let ok: Bool
            let bit: UInt8
            switch key {
            case "id": (ok, bit) = (read.integer(range, into: &saved.id), 1 << 0)
            // A `null` uid is the decoder's error to report.
            case "uid": (ok, bit) = (!read.isNull(range) && read.string(range, into: &uid), 1 << 1)
            case "url": (ok, bit) = (read.string(range, into: &saved.url), 1 << 2)
            case "status": (ok, bit) = (read.string(range, into: &saved.status), 1 << 3)
            case "version": (ok, bit) = (read.integer(range, into: &saved.version), 1 << 4)
            case "slug": (ok, bit) = (read.string(range, into: &saved.slug), 1 << 5)
            case "folderUid": (ok, bit) = (read.string(range, into: &saved.folderUid), 1 << 6)
            default: continue
            }
            guard ok, seen & bit == 0 else { return nil }
            seen |= bit
        }
        guard let uid else { return nil }
        saved.uid = uid
        self = saved
    }
}
