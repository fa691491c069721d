/// Writes JSON the way Go's `encoding/json` does, so bodies match Grafana's byte for byte.
extension JSONValue {
    /// Compact form, as `json.Marshal`.
    func encoded() -> String {
        var output = ""
        write(to: &output, indent: nil, level: 0)
        return output
    }

    /// Indented form, as `json.MarshalIndent(v, "", "  ")` (used by `/api/health`).
    func encodedIndented() -> String {
        var output = ""
        write(to: &output, indent: "  ", level: 0)
        return output
    }

    private func write(to output: inout String, indent: String?, level: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value): output += Self.goFloat(value)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let items):
            if items.isEmpty {
                output += "[]"
                return
            }
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                Self.newline(&output, indent: indent, level: level + 1)
                item.write(to: &output, indent: indent, level: level + 1)
            }
            Self.newline(&output, indent: indent, level: level)
            output += "]"
        case .object(let object):
            if object.count == 0 {
                output += "{}"
                return
            }
            output += "{"
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { output += "," }
                Self.newline(&output, indent: indent, level: level + 1)
                Self.writeString(entry.key, to: &output)
                output += indent == nil ? ":" : ": "
                entry.value.write(to: &output, indent: indent, level: level + 1)
            }
            Self.newline(&output, indent: indent, level: level)
            output += "}"
        }
    }

    private static func newline(_ output: inout String, indent: String?, level: Int) {
        guard let indent else { return }
        output += "\n"
        output += String(repeating: indent, count: level)
    }

    /// Go escapes `<`, `>`, `&`, U+2028 and U+2029 besides the JSON-mandatory characters
    /// (`encoding/json` `encodeState.string` with `escapeHTML` on, the `json.Marshal` default).
    private static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                output += unicodeEscape(scalar.value)
            default:
                if scalar.value < 0x20 {
                    output += unicodeEscape(scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// Go's float64 formatting: shortest representation, plain decimal for 1e-6 <= |f| < 1e21,
    /// otherwise an exponent without leading zeros (`1e+21`, `1e-7`).
    static func goFloat(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        let magnitude = abs(value)
        if magnitude == 0 { return value.sign == .minus ? "-0" : "0" }
        if magnitude >= 1e-6 && magnitude < 1e21 {
            if value.rounded() == value && magnitude < 1e15 {
                return String(Int64(value))
            }
            let text = "\(value)"
            if !text.contains("e") { return text.hasSuffix(".0") ? String(text.dropLast(2)) : text }
            // Swift switches to exponents earlier than Go does; expand by hand.
            return expandExponent(text)
        }
        var text = "\(value)"
        if let eIndex = text.firstIndex(of: "e") {
            var mantissa = String(text[..<eIndex])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            var exponent = String(text[text.index(after: eIndex)...])
            var sign = "+"
            if exponent.hasPrefix("-") { sign = "-"; exponent.removeFirst() }
            if exponent.hasPrefix("+") { exponent.removeFirst() }
            while exponent.hasPrefix("0") && exponent.count > 1 { exponent.removeFirst() }
            text = mantissa + "e" + sign + exponent
        }
        return text
    }

    private static func expandExponent(_ text: String) -> String {
        guard let eIndex = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: eIndex)...]) else {
            return text
        }
        var mantissa = String(text[..<eIndex])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = String(parts[0])
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerPart + fractionPart
        var pointPosition = integerPart.count + exponent
        if pointPosition <= 0 {
            digits = String(repeating: "0", count: 1 - pointPosition) + digits
            pointPosition = 1
        }
        if digits.count < pointPosition { digits += String(repeating: "0", count: pointPosition - digits.count) }
        var result = String(digits.prefix(pointPosition))
        var fraction = String(digits.dropFirst(pointPosition))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if !fraction.isEmpty { result += "." + fraction }
        return (negative ? "-" : "") + result
    }
}
