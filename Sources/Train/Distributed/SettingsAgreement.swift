import Foundation

extension Communicator {
    /// Checks that every rank was started with the same `settings` (flag values, data sizes):
    /// rank 0's are sent to all, each rank compares, and the number of ranks that differ is
    /// summed. Throws on every rank when any differs — on a differing rank naming the first
    /// differences, elsewhere saying how many ranks differ — so all ranks stop with one line.
    public func checkAgreement(_ settings: [String: String]) throws(DistributedError) {
        guard size > 1 else { return }
        let mine = (try? JSONEncoder.sorted.encode(settings)) ?? Data()
        let rootBytes = broadcast(bytes: Array(mine), root: 0)
        let root = (try? JSONDecoder().decode([String: String].self, from: Data(rootBytes))) ?? [:]
        let differences = Set(settings.keys).union(root.keys).sorted().filter { settings[$0] != root[$0] }
        let differing = Int(allReduceSum([differences.isEmpty ? 0 : 1])[0])
        guard differing > 0 else { return }
        if differences.isEmpty {
            throw DistributedError(
                description:
                    "rank \(rank): \(differing) of \(size) ranks were started with options that differ from rank 0's (see their errors); start every rank with the same flags"
            )
        }
        let shown = differences.prefix(3).map { "\($0) \(settings[$0] ?? "unset") here but \(root[$0] ?? "unset") on rank 0" }
        let more = differences.count > 3 ? " (and \(differences.count - 3) more)" : ""
        throw DistributedError(
            description:
                "rank \(rank): options differ from rank 0's: \(shown.joined(separator: ", "))\(more); start every rank with the same flags"
        )
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys, so equal dictionaries encode to equal bytes.
    fileprivate static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
