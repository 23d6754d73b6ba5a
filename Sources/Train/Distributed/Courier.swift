import Foundation

/// The communication thread of `GradientAverager`: runs the jobs it is sent one after another, in
/// the order sent, while the sender goes on; `waitForAll()` returns when every job sent so far has
/// finished. It is the only thread that calls the communicator between a step's first `send` and
/// that wait (MPI_THREAD_SERIALIZED's rule).
final class Courier: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var sent = 0
    private var finished = 0
    private var stopping = false

    init() {
        let thread = Thread { [self] in loop() }
        thread.name = "perplex.gradient-courier"
        // A thread's own stack: MPI's progress engine wants more than a few pages.
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Queues `job` to run after the jobs sent before it.
    func send(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        sent += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every job sent so far has run.
    func waitForAll() {
        condition.lock()
        while finished < sent { condition.wait() }
        condition.unlock()
    }

    /// Ends the thread once the queued jobs are done.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
            finished += 1
            condition.broadcast()
            condition.unlock()
        }
    }
}
