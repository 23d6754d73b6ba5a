import ArgumentParser
import Foundation
import Train

extension TrainCommand {
    /// The option names a sweep grid may use — every `perplex train` option its help shows, except
    /// `--save` and `--overwrite`, read from the command's declared properties so the list cannot fall behind (hidden
    /// options, for tests, are left out) — and whether each is a flag (a grid gives flags the
    /// values `true` and `false`).
    static var gridKeys: [String: Bool] {
        var keys: [String: Bool] = [:]
        func add(_ options: Any) {
            for child in Mirror(reflecting: options).children {
                guard let label = child.label, label.hasPrefix("_") else { continue }
                if child.value is OptionGroup<ModelOptions> {
                    add(ModelOptions())
                    continue
                }
                if child.value is OptionGroup<IterationFlags> {
                    add(IterationFlags())
                    continue
                }
                keys[RunSettings.optionName(String(label.dropFirst()))] = child.value is Flag<Bool>
            }
        }
        add(TrainCommand())
        (keys["save"], keys["overwrite"]) = (nil, nil)
        let help = TrainCommand.helpMessage(includeHidden: false, columns: 10_000)
        return keys.filter { key, _ in help.range(of: "--\(key)(?![A-Za-z0-9_-])", options: .regularExpression) != nil }
    }

    /// The `perplex train` arguments for one grid point: `--key=value` for options, `--key` for a
    /// flag set to true, nothing for a flag set to false.
    static func arguments(for settings: SweepSettings, flags: Set<String>) -> [String] {
        settings.settings.flatMap { setting -> [String] in
            if flags.contains(setting.key) { return setting.value == "true" ? ["--\(setting.key)"] : [] }
            return ["--\(setting.key)=\(setting.value)"]
        }
    }
}
