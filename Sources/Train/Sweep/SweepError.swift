/// Why a sweep cannot start or go on; one line.
public struct SweepError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
