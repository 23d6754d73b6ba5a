import Foundation

/// Finding the job this process belongs to.
public enum Distributed {
    /// True in builds with `PERPLEX_MPI=1`.
    public static var hasMPI: Bool {
        #if PERPLEX_MPI
            return true
        #else
            return false
        #endif
    }

    /// The MPI library this build links ("Open MPI v4.1.4"), or a note that there is none.
    public static var mpiDescription: String {
        #if PERPLEX_MPI
            return MPICommunicator.libraryVersion
        #else
            return "none (build with PERPLEX_MPI=1 for data-parallel training)"
        #endif
    }

    /// Processes in the job that started this one, read from the launcher's environment (Open MPI's
    /// `mpirun`, or a PMI launcher such as MPICH's or Slurm's); nil when not started by one.
    public static var launchedSize: Int? {
        let environment = ProcessInfo.processInfo.environment
        for key in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"] {
            if let size = environment[key].flatMap({ Int($0) }) { return size }
        }
        return nil
    }

    /// The world this process trains in: MPI's when started by an MPI launcher in an MPI build,
    /// else a single process. A launcher with more than one process and a build without MPI is an
    /// error (each process would otherwise train alone and write the same run folder).
    public static func world() throws(DistributedError) -> any Communicator {
        guard let size = launchedSize else { return SingleProcess() }
        #if PERPLEX_MPI
            return try MPICommunicator()
        #else
            if size > 1 {
                throw DistributedError(
                    description:
                        "started by an MPI launcher with \(size) processes, but this perplex was built without MPI; build it with PERPLEX_MPI=1 swift build -c release --scratch-path .build-mpi"
                )
            }
            return SingleProcess()
        #endif
    }
}
