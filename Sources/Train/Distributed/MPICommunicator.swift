#if PERPLEX_MPI
    import CMPI
    import Foundation

    /// `Communicator` over MPI's world communicator (Open MPI). Only the main thread calls MPI.
    /// Counts above Int32.max are split into several calls.
    public final class MPICommunicator: Communicator {
        public let rank: Int
        public let size: Int
        public let localSize: Int
        private let world = perplex_mpi_comm_world()
        private var finished = false

        /// Initialises MPI; fails when `MPI_Init` does.
        public init() throws(DistributedError) {
            guard MPI_Init(nil, nil) == MPI_SUCCESS else { throw DistributedError(description: "MPI_Init failed") }
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

        public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
            guard let base = values.baseAddress else { return }
            chunks(values.count) { start, n in
                MPI_Allreduce(perplex_mpi_in_place(), base + start, n, perplex_mpi_float(), perplex_mpi_sum(), world)
            }
        }

        public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
            guard let base = values.baseAddress else { return }
            chunks(values.count) { start, n in
                MPI_Allreduce(perplex_mpi_in_place(), base + start, n, perplex_mpi_double(), perplex_mpi_sum(), world)
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

        public func barrier() { MPI_Barrier(world) }

        public func finish() {
            guard !finished else { return }
            finished = true
            MPI_Finalize()
        }
    }
#endif
