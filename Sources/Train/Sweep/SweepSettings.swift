/// One `key=value` choice of a sweep run.
public struct SweepSetting: Codable, Equatable, Hashable, Sendable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One point of a sweep grid: a value for every key, in the grid's key order.
public struct SweepSettings: Codable, Equatable, Hashable, Sendable {
    public var settings: [SweepSetting]
    public init(_ settings: [SweepSetting]) { self.settings = settings }

    /// The value chosen for `key`.
    public subscript(key: String) -> String? { settings.first { $0.key == key }?.value }

    /// `model=LSTM,nlayers=1` — the settings as one line.
    public var label: String { settings.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }

    /// The run's sub-folder name: the label with every character other than letters, digits and
    /// `.` `_` `+` `-` `=` `,` replaced by `_` (values such as paths stay one folder).
    public var folderName: String {
        String(label.map { Self.isSafe($0) ? $0 : "_" })
    }

    static func isSafe(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "._+-=,".contains(character))
    }
}
