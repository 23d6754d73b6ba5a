#if PERPLEX_MPI
    import CMPI
    import Foundation

    /// `Communicator` over MPI's world communicator (Open MPI). Counts above Int32.max are split
    /// into several calls.
    ///
    /// Threads: MPI is initialised with `MPI_THREAD_SERIALIZED` — any thread may call MPI, never
    /// two at once. `GradientAverager`'s communication thread makes the step's gradient
    /// collectives while the main thread runs backward (which calls no MPI) and waits for them
    /// before its own next call. Where the library grants less (`allowsCommunicationThread`
    /// false) the averager makes its calls on the main thread, after backward.
    public final class MPICommunicator: Communicator {
        public let rank: Int
        public let size: Int
        public let localSize: Int
        public let allowsCommunicationThread: Bool
        private let world = perplex_mpi_comm_world()
        private var finished = false

        /// Initialises MPI; fails when `MPI_Init_thread` does.
        public init() throws(DistributedError) {
            // Sums are MPI_Iallreduce (see `complete`). Open MPI's nonblocking collectives (libnbc)
            // pick a binomial tree — reduce to one rank, then broadcast: every byte crosses a
            // link twice, one way after the other — for fewer than 4 ranks or in-place buffers;
            // the ring sends each rank's halves both ways at once (2 ranks, 14.8 MB over 1 Gbit/s:
            // 161 ms instead of 318). Every rank gets the same sums from either. The user's
            // setting, where given, stays.
            setenv("OMPI_MCA_coll_libnbc_iallreduce_algorithm", "1", 0)
            var provided: Int32 = 0
            guard MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided) == MPI_SUCCESS else {
                throw DistributedError(description: "MPI_Init_thread failed")
            }
            allowsCommunicationThread = provided >= Int32(MPI_THREAD_SERIALIZED)
            var rank: Int32 = 0
            var size: Int32 = 0
            MPI_Comm_rank(world, &rank)
            MPI_Comm_size(world, &size)
            self.rank = Int(rank)
            self.size = Int(size)
            localSize = Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"] ?? "") ?? 1
        }

        /// Open MPI's version line (`MPI_Get_library_version` may be called before `MPI_Init`).
        public static var libraryVersion: String {
            var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_LIBRARY_VERSION_STRING) + 1)
            var length: Int32 = 0
            MPI_Get_library_version(&buffer, &length)
            let text = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return text.split(separator: ",").first.map(String.init) ?? text
        }

        private func chunks(_ count: Int, _ body: (Int, Int32) -> Void) {
            var start = 0
            while start < count {
                let n = min(count - start, Int(Int32.max))
                body(start, Int32(n))
                start += n
            }
        }

        /// Waits for `request`, polling: MPI's blocking calls spin on a core, which on a machine
        /// whose cores all compute (the communication thread beside backward) takes the core from
        /// backward. A poll moves what the sockets can take (the kernel keeps the link busy from
        /// their buffers), so after a few quick polls the wait sleeps ~0.1 ms between them.
        private func complete(_ request: inout MPI_Request?) {
            var done: Int32 = 0
            var polls = 0
            while true {
                MPI_Test(&request, &done, nil)
                if done != 0 { return }
                polls += 1
                if polls > 16 { usleep(100) }
            }
        }

        // Sums go through MPI_Iallreduce whose order of addition is fixed by the rank count and
        // the length, so a bucket sums alike whichever thread sends it and when.
        public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
            guard let base = values.baseAddress else { return }
            chunks(values.count) { start, n in
                var request: MPI_Request?
                MPI_Iallreduce(perplex_mpi_in_place(), base + start, n, perplex_mpi_float(), perplex_mpi_sum(), world, &request)
                complete(&request)
            }
        }

        public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
            guard let base = values.baseAddress else { return }
            chunks(values.count) { start, n in
                var request: MPI_Request?
                MPI_Iallreduce(perplex_mpi_in_place(), base + start, n, perplex_mpi_double(), perplex_mpi_sum(), world, &request)
                complete(&request)
            }
        }

        public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) {
            guard let base = values.baseAddress else { return }
            chunks(values.count) { start, n in
                MPI_Bcast(base + start, n, perplex_mpi_float(), Int32(root), world)
            }
        }

        public func broadcast(bytes: [UInt8], root: Int) -> [UInt8] {
            var count = [Double(bytes.count)]
            count.withUnsafeMutableBytes { raw in
                _ = MPI_Bcast(raw.baseAddress, 1, perplex_mpi_double(), Int32(root), world)
            }
            var result = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count[0]))
            result.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                chunks(raw.count) { start, n in
                    MPI_Bcast(base + start, n, perplex_mpi_byte(), Int32(root), world)
                }
            }
            return result
        }

        public func allGather(
            _ values: UnsafeBufferPointer<Float>, counts: [Int], into result: UnsafeMutableBufferPointer<Float>
        ) {
            gather(UnsafeRawPointer(values.baseAddress), counts, UnsafeMutableRawPointer(result.baseAddress), perplex_mpi_float())
        }

        public func allGather(
            _ values: UnsafeBufferPointer<Int32>, counts: [Int], into result: UnsafeMutableBufferPointer<Int32>
        ) {
            gather(UnsafeRawPointer(values.baseAddress), counts, UnsafeMutableRawPointer(result.baseAddress), perplex_mpi_int32())
        }

        /// `MPI_Allgatherv` of `counts[r]` elements from each rank r (in one call: the counts
        /// and offsets are 32-bit, so the total must stay below 2³¹ elements).
        private func gather(_ send: UnsafeRawPointer?, _ counts: [Int], _ receive: UnsafeMutableRawPointer?, _ type: MPI_Datatype)
        {
            precondition(
                counts.count == size && counts.reduce(0, +) < Int(Int32.max), "allGather: \(counts.reduce(0, +)) elements")
            let sizes = counts.map { Int32($0) }
            var offsets = [Int32](repeating: 0, count: size)
            for r in 1..<Swift.max(1, size) { offsets[r] = offsets[r - 1] + sizes[r - 1] }
            // MPI wants a valid address even for an empty buffer.
            var empty: Int32 = 0
            withUnsafeMutablePointer(to: &empty) { spare in
                var request: MPI_Request?
                _ = MPI_Iallgatherv(
                    send ?? UnsafeRawPointer(spare), sizes[rank], type, receive ?? UnsafeMutableRawPointer(spare), sizes, offsets,
                    type, world, &request)
                complete(&request)
            }
        }

        public func barrier() { MPI_Barrier(world) }

        public func finish() {
            guard !finished else { return }
            finished = true
            MPI_Finalize()
        }
    }
#endif
