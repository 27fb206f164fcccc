/// How much work a build does. `full` runs every protocol as the assignments give
/// it; `quick` answers every question on small subsets with few epochs, for previews
/// and the test suite. The report's title block names the profile that built it.
public enum Profile: String, Codable, CaseIterable, Sendable {
    case full
    case quick

    /// Training images of the seeded split.
    public var trainCount: Int { self == .full ? 50_000 : 3_000 }
    /// Validation images of the seeded split.
    public var validationCount: Int { self == .full ? 10_000 : 1_000 }
    /// Test images evaluated (the first ones of the test set).
    public var testCount: Int { self == .full ? 10_000 : 1_000 }

    /// The number of epochs to run where the protocol asks for `full`.
    public func epochs(_ full: Int) -> Int { self == .full ? full : min(full, 2) }
}
