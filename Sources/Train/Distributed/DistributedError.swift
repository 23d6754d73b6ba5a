/// Why a distributed run cannot start or go on; one line, naming the rank when it matters.
public struct DistributedError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
