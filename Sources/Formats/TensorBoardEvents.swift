import Foundation

/// A TensorBoard event file, `events.out.tfevents.<unix time>.<hostname>`: TFRecord-framed `Event`
/// messages (TensorFlow's event.proto), the first holding `file_version` "brain.Event:2", each
/// later one a `wall_time`, a `step` and a `Summary` of scalars (`value { tag simple_value }`).
/// Records are written as they come (no buffering), so a running TensorBoard sees them at once.
public final class TensorBoardEventFile {
    /// What every event file's name starts with (TensorBoard reads files whose names hold "tfevents").
    public static let namePrefix = "events.out.tfevents."

    /// The file written.
    public let url: URL
    private let handle: FileHandle

    /// Creates a new event file in `folder` (which must exist) and writes its file-version record.
    /// An existing file is never appended to: when the name is taken (two files in one second),
    /// ".2", ".3", … is added.
    public init(folder: URL, time: Date = Date(), hostname: String = ProcessInfo.processInfo.hostName) throws {
        let host = hostname.isEmpty ? "localhost" : hostname.replacingOccurrences(of: "/", with: "_")
        let base = "\(Self.namePrefix)\(Int(time.timeIntervalSince1970)).\(host)"
        var url = folder.appendingPathComponent(base)
        var n = 1
        while FileManager.default.fileExists(atPath: url.path) {
            n += 1
            url = folder.appendingPathComponent("\(base).\(n)")
        }
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw FileWriteError(description: "cannot write \(url.path): \(writeProblem(url.path) ?? "cannot create the file")")
        }
        self.url = url
        handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: TFRecord.frame(Self.fileVersionEvent(wallTime: time.timeIntervalSince1970)))
    }

    deinit { try? handle.close() }

    /// Appends one event holding `scalars` (tag, value) at `step`.
    public func add(_ scalars: [(tag: String, value: Float)], step: Int, wallTime: Date = Date()) throws {
        let event = Self.scalarEvent(scalars, step: step, wallTime: wallTime.timeIntervalSince1970)
        try handle.write(contentsOf: TFRecord.frame(event))
    }

    /// The bytes of the first `Event`: `wall_time` (field 1) and `file_version` (field 3).
    public static func fileVersionEvent(wallTime: Double) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.string(3, "brain.Event:2")
        return event.bytes
    }

    /// The bytes of an `Event` with `wall_time` (1), `step` (2) and a `summary` (5) whose repeated
    /// `value` (1) each hold a `tag` (1) and a `simple_value` (2, float).
    public static func scalarEvent(_ scalars: [(tag: String, value: Float)], step: Int, wallTime: Double) -> [UInt8] {
        var summary = ProtobufWriter()
        for (tag, value) in scalars {
            var entry = ProtobufWriter()
            entry.string(1, tag)
            entry.float(2, value)
            summary.message(1, entry)
        }
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.varint(2, Int64(step))
        event.message(5, summary)
        return event.bytes
    }
}
