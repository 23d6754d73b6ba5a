import Foundation

/// Escaping for text placed in XML, SVG or HTML, in element content or in quoted attributes.
public enum Markup {
    /// Replaces `&`, `<`, `>`, `"` and `'` by character references; drops control characters
    /// that XML 1.0 does not allow (all below U+0020 except tab, newline and carriage return).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
