import Foundation

/// An engine compiled for AVX2 (see Package.swift) would die of an illegal
/// instruction on a CPU without it; this file is compiled for baseline x86-64 and
/// says so clearly first.
enum CPUCheck {
    static let required = ["avx2", "fma", "bmi1", "bmi2", "abm", "movbe", "f16c"]

    /// The CPU features the engine was compiled for that this machine lacks.
    static func missingFeatures() -> [String] {
        #if FOLIO_AVX2 && os(Linux)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        let flags = Set(line.split(separator: " ").map(String.init))
        return required.filter { !flags.contains($0) }
        #else
        return []
        #endif
    }

    static func exitIfUnsupported() {
        let missing = missingFeatures()
        guard !missing.isEmpty else { return }
        FileHandle.standardError.write(Data("""
            folio: this build's engine uses AVX2 instructions (it was compiled on a machine that has them), \
            but this CPU lacks \(missing.joined(separator: ", ")). Rebuild on this machine, or with \
            FOLIO_PORTABLE=1 swift build -c release for any x86-64 CPU.\n
            """.utf8))
        exit(1)
    }
}
