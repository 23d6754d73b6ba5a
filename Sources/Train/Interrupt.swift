import Foundation
import Synchronization

/// Ctrl-C handling: the first SIGINT asks training to stop after the current batch (so the best
/// checkpoint is kept and the test set still evaluated); a second one exits at once.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    public static var requested: Bool { flag.load(ordering: .relaxed) }

    /// Installs the handler. Only async-signal-safe work happens inside it.
    public static func install() {
        // A parent may have blocked SIGINT for its children (Foundation's Process does).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            if Interrupt.flag.exchange(true, ordering: .relaxed) { _exit(130) }
        }
    }

    /// Clears a pending request (tests).
    public static func reset() { flag.store(false, ordering: .relaxed) }
}
