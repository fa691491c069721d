import Foundation

/// MD5 (RFC 1321), only for Gravatar-style avatar paths: Grafana's `dtos.GetGravatarUrl`
/// answers `/avatar/<md5 of the lowercased email>`.
enum MD5 {
    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
        14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
        21, 6, 10, 15, 21,
    ]
    private static let constants: [UInt32] = (0..<64).map { index in
        UInt32(truncatingIfNeeded: Int64(abs(sin(Double(index + 1))) * 4_294_967_296.0))
    }

    static func hex(_ text: String) -> String {
        var a0: UInt32 = 0x6745_2301
        var b0: UInt32 = 0xefcd_ab89
        var c0: UInt32 = 0x98ba_dcfe
        var d0: UInt32 = 0x1032_5476
        var data = Array(text.utf8)
        let bitLength = UInt64(data.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for index in 0..<8 { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(index * 8))) }
        for chunk in stride(from: 0, to: data.count, by: 64) {
            var words = [UInt32](repeating: 0, count: 16)
            for index in 0..<16 {
                let base = chunk + index * 4
                let b0 = UInt32(data[base])
                let b1 = UInt32(data[base + 1]) << 8
                let b2 = UInt32(data[base + 2]) << 16
                let b3 = UInt32(data[base + 3]) << 24
                words[index] = b0 | b1 | b2 | b3
            }
            var (a, b, c, d) = (a0, b0, c0, d0)
            for index in 0..<64 {
                var f: UInt32
                let g: Int
                switch index {
                case 0..<16: f = (b & c) | (~b & d); g = index
                case 16..<32: f = (d & b) | (~d & c); g = (5 * index + 1) % 16
                case 32..<48: f = b ^ c ^ d; g = (3 * index + 5) % 16
                default: f = c ^ (b | ~d); g = (7 * index) % 16
                }
                f = f &+ a &+ constants[index] &+ words[g]
                a = d
                d = c
                c = b
                b = b &+ ((f << shifts[index]) | (f >> (32 - shifts[index])))
            }
            a0 = a0 &+ a; b0 = b0 &+ b; c0 = c0 &+ c; d0 = d0 &+ d
        }
        var hex = ""
        for word in [a0, b0, c0, d0] {
            for index in 0..<4 {
                let byte = UInt8(truncatingIfNeeded: word >> UInt32(index * 8))
                let digits = String(byte, radix: 16)
                hex += byte < 16 ? "0" + digits : digits
            }
        }
        return hex
    }
}
