/// The 64-bit hash behind `JSONDigest`: words of eight bytes folded in one by one with a
/// full-width multiply (the high and low halves of the 128-bit product xored, as wyhash's
/// `mum` does), then mixed once more by MurmurHash3's finaliser.
///
/// It replaces `Hasher` for digests: SipHash costs tens of instructions per call and needs a
/// `String` for text, while a digest feeds every key and string of a dashboard straight from
/// the document's bytes. It is not meant to resist inputs crafted to collide; for ordinary
/// documents two different values share a digest with a chance of about 2^-64.
struct DigestHasher {
    private(set) var state: UInt64

    /// A hasher whose first word is `seed`; a member's hasher starts from its key's hash.
    init(seed: UInt64 = 0x243F_6A88_85A3_08D3) {
        state = seed
    }

    @inline(__always)
    mutating func combine(_ word: UInt64) {
        let product = (state ^ word).multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
        state = product.high ^ product.low
    }

    @inline(__always)
    mutating func combine(_ value: Int) {
        combine(UInt64(bitPattern: Int64(value)))
    }

    /// The length first, then the bytes eight at a time: no sequence of byte strings feeds
    /// the same words as another.
    mutating func combine(bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        combine(UInt64(count))
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= count {
            combine(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(base[offset]) << shift
                shift += 8
                offset += 1
            }
            combine(tail)
        }
    }

    /// Text as `String`'s `==` compares it (canonical equivalence): its NFC bytes. Plain
    /// ASCII is already NFC, so only other text pays for normalising.
    mutating func combine(text: String) {
        var text = text
        let isASCII = text.withUTF8 { Parser.isASCII($0) }
        if isASCII {
            text.withUTF8 { combine(bytes: $0) }
        } else {
            text._nfcCodeUnits.withUnsafeBufferPointer { combine(bytes: $0) }
        }
    }

    /// The state mixed so that every bit of it moves about half of the result's bits.
    func finalize() -> UInt64 {
        var mixed = state
        mixed ^= mixed >> 33
        mixed &*= 0xFF51_AFD7_ED55_8CCD
        mixed ^= mixed >> 33
        mixed &*= 0xC4CE_B9FE_1A85_EC53
        mixed ^= mixed >> 33
        return mixed
    }
}

/// Whether `count` bytes at `first` and `second` are the same, eight at a time (the module
/// does without libc's `memcmp`).
func bytesEqual(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer, count: Int) -> Bool {
    var offset = 0
    while offset + 8 <= count {
        if first.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            != second.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        {
            return false
        }
        offset += 8
    }
    while offset < count {
        if first.load(fromByteOffset: offset, as: UInt8.self) != second.load(fromByteOffset: offset, as: UInt8.self) {
            return false
        }
        offset += 1
    }
    return true
}
