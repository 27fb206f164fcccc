/// A problem with an input file, worded for the person who supplied it: the file's
/// path first, then what is wrong with it.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
