import ArgumentParser
import FolioBuild
import Foundation
import FolioCharts
import FolioExperiments
import FolioNN

/// `folio bench`: training and inference throughput on the real data.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training and inference throughput (images/s) and peak memory; build with -c release."
    )

    @Option(help: "Comma-separated keys to measure (default: all).")
    var only: String?

    @Option(help: "Seconds to measure each key.")
    var seconds: Double = 4

    @Option(help: "Threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print one JSON object mapping each key to images/s.")
    var json = false

    @Flag(help: "Time the figure benchmarks of the chart kit instead.")
    var figures = false

    @OptionGroup var source: DatasetOptions

    func run() throws {
        if figures {
            for t in try Gallery.timings() { print("\(t.name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%.3f", t.seconds)) s") }
            return
        }
        let keys = only.map { $0.split(separator: ",").map(String.init) } ?? AssignmentBenchmarks.keys
        if let unknown = keys.first(where: { !AssignmentBenchmarks.keys.contains($0) }) {
            throw ValidationError("unknown key \(unknown); keys: \(AssignmentBenchmarks.keys.joined(separator: ", "))")
        }
        let data = try source.load()
        var results = try Benchmark.run(try AssignmentBenchmarks.cases(keys: keys), seconds: seconds, threads: threads, train: data.train)
        results["peak_rss_mb"] = Benchmark.peakResidentMegabytes()
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("Folio \(FolioVersion.string), \(threads) thread\(threads == 1 ? "" : "s"), batch 64 unless the key says otherwise")
            for key in keys { print("  \(key.padding(toLength: 28, withPad: " ", startingAt: 0)) \(grouped(Int(results[key] ?? 0)).leftPadded(10)) images/s") }
            print("  peak resident memory \(String(format: "%.0f", results["peak_rss_mb"] ?? 0)) MB")
        }
    }
}

/// `folio gallery`: one example of every chart kind.
struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Draw one example of every chart kind to output/gallery/ (PDF, SVG, PNG and an index.html)."
    )

    @Option(help: "Output folder.")
    var output = "output/gallery"

    func run() throws {
        let urls = try Gallery.write(to: URL(fileURLWithPath: output))
        print("\(urls.count) files in \(output)")
    }
}
