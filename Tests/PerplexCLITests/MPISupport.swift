import Foundation

/// Finds what the distributed tests need — `mpirun` and a perplex built with PERPLEX_MPI=1 — and
/// runs jobs with it. Without them the tests are skipped and `skipReason` says why.
enum MPIRun {
    /// The MPI build: $PERPLEX_MPI_BINARY, else .build-mpi/release/perplex beside this package,
    /// else the perplex under test when it was itself built with MPI.
    static let binary: URL? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [
            ProcessInfo.processInfo.environment["PERPLEX_MPI_BINARY"].map { URL(fileURLWithPath: $0) },
            root.appendingPathComponent(".build-mpi/release/perplex"), CLI.executable
        ].compactMap { $0 }
        return candidates.first { url in
            guard FileManager.default.isExecutableFile(atPath: url.path),
                let version = try? capture(url, ["--version"])
            else { return false }
            return version.contains("Open MPI")
        }
    }()

    static let mpirun: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Nil when the tests can run; printed once otherwise.
    static let skipReason: String? = {
        let reason: String? =
            mpirun == nil
            ? "mpirun not found (apt-get install openmpi-bin)"
            : binary == nil ? "no MPI build of perplex (PERPLEX_MPI=1 swift build -c release --scratch-path .build-mpi)" : nil
        if let reason { print("DistributedTests skipped: \(reason)") }
        return reason
    }()

    static var available: Bool { skipReason == nil }

    struct Result {
        var status: Int32
        var output: String
        var seconds: Double
    }

    /// Runs `mpirun` with `launch` (e.g. ["-np", "2"]) then perplex `arguments` (or an MPMD line
    /// when `arguments` holds ":"); kills the job after `timeout` seconds.
    static func run(_ launch: [String], _ arguments: [String], timeout: Double = 300) throws -> Result {
        guard let mpirun, let binary else { return Result(status: -1, output: "MPI unavailable", seconds: 0) }
        var words = ["--oversubscribe", "--bind-to", "none"] + launch + [binary.path]
        for argument in arguments {
            // In an MPMD line every ":"-separated part names the program again.
            words.append(argument)
            if argument == ":" { words += launch + [binary.path] }
        }
        let process = Process()
        process.executableURL = mpirun
        process.arguments = words
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let start = Date()
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        return Result(
            status: process.terminationStatus, output: String(decoding: data, as: UTF8.self),
            seconds: Date().timeIntervalSince(start))
    }

    private static func capture(_ url: URL, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
