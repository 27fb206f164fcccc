import Foundation

/// A result computed from trained networks and stored as JSON (`result.json`):
/// occlusion maps, adversarial images, predictions on transformed digits. Cheap next
/// to training, but not free, and a chapter that changes its analysis must say so:
/// `version` is a required argument, part of the key, so an edited computation is
/// computed afresh instead of serving what the old code produced.
public struct DerivedResult<Configuration: Encodable, Value: Codable>: CachedComputation {
    public let kind: String
    public let version: Int
    public let configuration: Configuration
    public let label: String
    let compute: () throws -> Value

    /// `label` names the computation in the build log and in `folio status`.
    public init(_ label: String, kind: String, version: Int, configuration: Configuration,
                compute: @escaping () throws -> Value) {
        self.label = label; self.kind = kind; self.version = version
        self.configuration = configuration; self.compute = compute
    }

    public var summary: String { "compute \(label)" }
    public var memoName: String { Self.resultName }

    static var resultName: String { "result.json" }

    public func result(from entry: CacheEntry, in cache: ResultCache) throws -> Value {
        let key = entry.folder.lastPathComponent
        if !cache.force, let value = entry.load(Self.resultName, consequence: "computing it again",
                                                parse: { try JSONDecoder().decode(Value.self, from: $0) }) {
            cache.log.reused(label, key: key)
            return value
        }
        let start = try cache.beginComputing(self, in: entry,
                                             reason: cache.force ? "--force given" : "no cached result for this configuration (\(key))",
                                             estimate: cache.recordedEstimate(kind: kind))
        let value = try compute()
        try entry.write(try JSONEncoder().encode(value), Self.resultName)
        cache.recordTiming(cache.finishedComputing(self, since: start), in: entry)
        return value
    }
}

extension ResultCache {
    /// The cached value of a derived computation, or computes, stores and returns it:
    /// `c.cache.value("occlusion of 3 test images", kind: "occlusion", version: 1,
    /// config: key) { … }`. `what` names it in the build log and in `folio status`.
    public func value<C: Encodable, T: Codable>(_ what: String, kind: String, version: Int, config: C,
                                                compute: @escaping () throws -> T) throws -> T {
        try value(DerivedResult(what, kind: kind, version: version, configuration: config, compute: compute))
    }
}
