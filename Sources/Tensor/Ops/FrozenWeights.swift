import Foundation

/// Packed copies of weights that stay unchanged for a while (an evaluation pass), kept from one
/// call of the fused recurrent ops to the next.
///
/// Inside `FrozenWeights.scope { … }` the fused LSTM and GRU pack each weight on their first call
/// and reuse the packed copy on every later one (every window of the pass: the medium LSTM's four
/// matrices are 27 MB, packed afresh per window otherwise). Outside a scope — training, where the
/// optimizer moves the weights between calls — every call packs its own. The caller promises that
/// no weight read inside the scope changes (its values or its storage) before the scope ends.
///
/// A task-local value: read on the calling thread (the ops capture it before handing work to the
/// pool, whose threads do not see task-locals).
public final class FrozenWeights: @unchecked Sendable {
    /// The scope's cache, nil outside every scope.
    @TaskLocal public static var current: FrozenWeights?

    /// Runs `body` with a fresh cache as `current`; the packed copies are freed when it returns.
    public static func scope<T>(_ body: () throws -> T) rethrows -> T {
        try $current.withValue(FrozenWeights(), operation: body)
    }

    /// One packed copy: which weight (its storage, as shaped), in which layout (`use`: the op's
    /// name for it), which part of it (`part` of `parts`: one core's share), in which precision.
    struct Key: Hashable {
        let storage: ObjectIdentifier
        let shape: [Int]
        let use: String
        let part: Int
        let parts: Int
        let bf16: Bool
    }

    private let lock = NSLock()
    private var recurrent: [Key: RecurrentWeight] = [:]
    /// The storage of the weights whose copies are kept, alive as long as the keys naming it.
    private var owners: [ObjectIdentifier: TensorStorage] = [:]

    init() {}

    /// The packed copy of `weight` for `key`, made by `make` on the first request. Two threads
    /// asking for different keys at once each make their own.
    func recurrentWeight(
        _ weight: Tensor, use: String, part: Int = 0, of parts: Int = 1, bf16: Bool, _ make: () -> RecurrentWeight
    ) -> RecurrentWeight {
        let key = Key(
            storage: ObjectIdentifier(weight.storage), shape: weight.shape, use: use, part: part, parts: parts, bf16: bf16)
        lock.lock()
        if let found = recurrent[key] {
            lock.unlock()
            return found
        }
        lock.unlock()
        let made = make()
        lock.lock()
        recurrent[key] = made
        owners[key.storage] = weight.storage
        lock.unlock()
        return made
    }
}

extension Optional where Wrapped == FrozenWeights {
    /// The scope's packed copy of `weight` (made on the first request), or a fresh one outside a scope.
    func recurrentWeight(
        _ weight: Tensor, use: String, part: Int = 0, of parts: Int = 1, bf16: Bool, _ make: () -> RecurrentWeight
    ) -> RecurrentWeight {
        switch self {
        case .some(let frozen): frozen.recurrentWeight(weight, use: use, part: part, of: parts, bf16: bf16, make)
        case .none: make()
        }
    }
}
