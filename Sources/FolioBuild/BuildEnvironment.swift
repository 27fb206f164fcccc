import Foundation
import FolioCharts
import FolioData
import FolioNN

/// What produced a report: the program and its version, the libraries whose
/// numerics or drawing could change a result, the machine, and the options. Shown
/// at the end of each report, stored in results.json and in the PDF's metadata, so
/// a number can be traced to the run that printed it.
public struct BuildEnvironment: Sendable, Equatable {
    public var folioVersion = FolioVersion.string
    /// Short commit of the checkout, nil outside a git checkout.
    public var commit: String?
    /// The checkout had changes to tracked files not yet committed.
    public var uncommittedChanges = false
    public var swiftVersion = BuildEnvironment.compilerVersion
    public var blas = BLASInfo.configuration
    public var blasKernels = BLASInfo.coreName
    public var cairo = DrawingLibraries.cairoVersion
    public var pango = DrawingLibraries.pangoVersion
    public var cpu = BuildEnvironment.cpuModel()
    public var threads: Int
    public var seed: UInt64
    public var profile: String
    public var dataset: String
    /// SHA-256 of each decompressed data file, by role ("train-images", …).
    public var dataChecksums: [String: String]
    /// ISO 8601 date and time the build started, in UTC.
    public var date: String

    public init(request: BuildRequest, data: Dataset, checkout: URL, date: Date = Date()) {
        threads = request.threads; seed = request.seed; profile = request.profile.rawValue
        dataset = data.kind.displayName
        dataChecksums = Dictionary(data.files.compactMap { f in f.sha256.map { (f.role, $0) } }, uniquingKeysWith: { a, _ in a })
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        self.date = formatter.string(from: date)
        let git = Self.gitState(checkout)
        commit = git?.commit; uncommittedChanges = git?.dirty ?? false
    }

    /// "3f2a9c1d2e4b" or "3f2a9c1d2e4b with uncommitted changes".
    public var commitDescription: String {
        guard let commit else { return "unknown (not a git checkout)" }
        return uncommittedChanges ? "\(commit) with uncommitted changes" : commit
    }

    /// The rows of the report's environment block, in reading order.
    public var rows: [(name: String, value: String)] {
        [("Folio", "\(folioVersion), commit \(commitDescription)"),
         ("Swift", swiftVersion),
         ("OpenBLAS", "\(blas); kernels \(blasKernels)"),
         ("Cairo / Pango", "\(cairo) / \(pango)"),
         ("CPU", "\(cpu), \(threads) thread\(threads == 1 ? "" : "s")"),
         ("Options", "seed \(seed), \(profile) profile"),
         ("Dataset", dataset + (dataChecksums.isEmpty ? "" : "; SHA-256 " + dataChecksums.sorted { $0.key < $1.key }
             .map { "\($0.key) \($0.value.prefix(12))…" }.joined(separator: ", "))),
         ("Built", date)]
    }

    /// As stored in results.json.
    public var json: [String: Any] {
        ["folioVersion": folioVersion, "commit": commit as Any, "uncommittedChanges": uncommittedChanges,
         "swift": swiftVersion, "openBLAS": blas, "openBLASKernels": blasKernels, "cairo": cairo, "pango": pango,
         "cpu": cpu, "threads": threads, "seed": String(seed), "profile": profile, "dataset": dataset,
         "dataChecksums": dataChecksums, "date": date]
    }

    static var compilerVersion: String {
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// The "model name" line of /proc/cpuinfo.
    static func cpuModel() -> String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown CPU" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// The checkout's commit and whether tracked files differ from it, asked of git.
    static func gitState(_ checkout: URL) -> (commit: String, dirty: Bool)? {
        func git(_ arguments: [String]) -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-C", checkout.path] + arguments
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return nil }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
        }
        guard let commit = git(["rev-parse", "--short=12", "HEAD"])?.trimmingCharacters(in: .whitespacesAndNewlines),
              !commit.isEmpty else { return nil }
        let status = git(["status", "--porcelain", "--untracked-files=no"]) ?? ""
        return (commit, !status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }
}
