// One error type for everything that can be wrong with a report's templates, so the
// CLI can print it as `file:line: message` like a compiler would.

public struct TemplateError: Error, CustomStringConvertible, Equatable {
    /// The file at fault (manifest or fragment), as given to the loader.
    public var file: String
    /// 1-based line in `file`, when the problem has one.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file; self.line = line; self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
