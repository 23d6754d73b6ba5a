import Foundation

/// A text as each kind of file may hold it: LF, CRLF or CR line breaks, with or without a UTF-8
/// byte-order mark (Windows editors write CRLF and often the mark).
public enum LineEndings {
    public static func variants(of lf: String) -> [(name: String, bytes: [UInt8])] {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let plain = Array(lf.utf8)
        let crlf = plain.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
        let cr = plain.map { $0 == 0x0A ? 0x0D : $0 }
        return [
            ("LF", plain), ("CRLF", crlf), ("CR", cr), ("BOM+LF", bom + plain), ("BOM+CRLF", bom + crlf), ("BOM+CR", bom + cr)
        ]
    }

    /// The bytes as a String, the byte-order mark kept (as `String(decoding:)` keeps it).
    public static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    public static func folder(_ files: [String: [UInt8]]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-eol-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        return dir
    }
}
