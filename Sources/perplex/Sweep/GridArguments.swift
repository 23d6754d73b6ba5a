extension SweepCommand {
    /// Lets grid items be written as train options, `--grid --emsize=200,400 --nlayers=1,2`: in
    /// the run of items right after `--grid`, a `--key=v1,v2,…` token (a value list with a comma)
    /// loses its dashes; the run ends at the first token that starts with `-` and is not such an
    /// item. Other arguments, and any command but `sweep`, are left as they are.
    static func normalizingGridItems(_ arguments: [String]) -> [String] {
        guard arguments.first == "sweep" else { return arguments }
        var out: [String] = []
        var inGrid = false
        for argument in arguments {
            if argument == "--grid" {
                inGrid = true
            } else if inGrid && argument.hasPrefix("-") {
                let isItem =
                    argument.hasPrefix("--") && argument.contains("=")
                    && argument.drop { $0 != "=" }.contains(",")
                if isItem {
                    out.append(String(argument.drop { $0 == "-" }))
                    continue
                }
                inGrid = false
            }
            out.append(argument)
        }
        return out
    }
}
