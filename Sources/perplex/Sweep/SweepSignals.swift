import Foundation
import Synchronization

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP during a sweep: each is counted and forwarded to the
/// training process that is running, which stops after its current batch, keeps its best model and
/// exits; the sweep then stops without marking that run finished, so running the same command
/// again resumes there. A second Ctrl-C reaches the child too, which then exits at once.
enum SweepSignals {
    private static let received = Atomic<Int>(0)
    private static let forwarded = Atomic<Int>(0)
    private static let child = Atomic<Int32>(0)

    /// True once a stop signal has arrived.
    static var requested: Bool { received.load(ordering: .sequentiallyConsistent) > 0 }

    /// Installs the handlers (only async-signal-safe work happens in them).
    static func install() {
        // A parent may have blocked these for its children (Foundation's Process does).
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&blocked, signalNumber) }
        sigprocmask(SIG_UNBLOCK, &blocked, nil)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { signalNumber in
                SweepSignals.received.add(1, ordering: .sequentiallyConsistent)
                let pid = SweepSignals.child.load(ordering: .sequentiallyConsistent)
                if pid > 0 {
                    kill(pid, signalNumber)
                    SweepSignals.forwarded.add(1, ordering: .sequentiallyConsistent)
                }
            }
        }
    }

    /// Forwards signals to `pid` from now on, and sends it a SIGINT if one arrived before it was
    /// known (between its start and this call).
    static func track(_ pid: pid_t) {
        child.store(pid, ordering: .sequentiallyConsistent)
        if received.load(ordering: .sequentiallyConsistent) > forwarded.load(ordering: .sequentiallyConsistent) {
            forwarded.add(1, ordering: .sequentiallyConsistent)
            kill(pid, SIGINT)
        }
    }

    /// Stops forwarding (the child has ended).
    static func untrack() { child.store(0, ordering: .sequentiallyConsistent) }
}
