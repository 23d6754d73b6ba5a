import Foundation
import Testing

/// Runs the built `perplex` executable (it sits beside the test bundle in the build folder).
enum CLI {
    /// `PERPLEX_EXECUTABLE` runs the tests against another build (say, to see a regression test
    /// fail on the code before its fix).
    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["PERPLEX_EXECUTABLE"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.pathExtension == "xctest" { dir.deleteLastPathComponent() }
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("perplex")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("perplex")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when the process ended by a signal (a trap), not by exit().
        var crashed: Bool
    }

    /// Starts perplex with `arguments` (and `environment` added to this process's); the caller
    /// waits or kills.
    static func start(
        _ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]
    ) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func run(_ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let (process, out, err) = try start(arguments, in: folder, environment: environment)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self),
            crashed: process.terminationReason == .uncaughtSignal)
    }

    /// Runs perplex with `input` on its stdin; past `timeout` seconds it is killed and the result
    /// says so (`timedOut`), so a command that would never return fails its test instead of hanging it.
    static func run(_ arguments: [String], stdin input: String = "", timeout: Double) throws -> (result: Result, timedOut: Bool) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let (inPipe, out, err) = (Pipe(), Pipe(), Pipe())
        (process.standardInput, process.standardOutput, process.standardError) = (inPipe, out, err)
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        // Read while it runs: a full pipe would stall the child.
        nonisolated(unsafe) var stdout = Data()
        nonisolated(unsafe) var stderr = Data()
        let readers = DispatchGroup()
        DispatchQueue.global().async(group: readers) { stdout = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: readers) { stderr = err.fileHandleForReading.readDataToEndOfFile() }
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
        let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        readers.wait()
        let result = Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self),
            crashed: !timedOut && process.terminationReason == .uncaughtSignal)
        return (result, timedOut)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-cli-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A data folder with the given split texts.
    static func dataFolder(train: String, valid: String, test: String) throws -> URL {
        let dir = try temporaryDirectory()
        for (name, text) in [("train.txt", train), ("valid.txt", valid), ("test.txt", test)] {
            try text.write(to: dir.appendingPathComponent(name), atomically: false, encoding: .utf8)
        }
        return dir
    }
}
