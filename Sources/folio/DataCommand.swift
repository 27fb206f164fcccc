import ArgumentParser
import Foundation
import FolioData

/// `folio data`: verifies the dataset's files and summarises what they hold.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Verify the dataset files (SHA-256) and summarise splits, classes and pixel statistics."
    )

    @OptionGroup var source: DatasetOptions

    @Option(help: "Training images in the seeded train/validation split.")
    var trainCount = 50_000

    @Option(help: "Validation images in the seeded train/validation split.")
    var validationCount = 10_000

    @Option(help: "Seed of the train/validation split.")
    var seed: UInt64 = 0

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let data = try source.load(verify: true)
        guard trainCount + validationCount <= data.train.count else {
            throw ValidationError("--train-count + --validation-count (\(trainCount + validationCount)) exceeds the \(data.train.count) training images")
        }
        let summary = DataSummary(data, trainCount: trainCount, validationCount: validationCount, seed: seed)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.text)
        }
    }
}

/// What `folio data` reports, in a form that is both printable and encodable.
struct DataSummary: Encodable {
    struct Split: Encodable { let name: String; let images: Int; let classCounts: [Int] }
    let dataset: String
    let directory: String
    let classNames: [String]
    let files: [DataFileReport]
    let splits: [Split]
    let trainingPixelMean: Double
    let trainingPixelStd: Double
    let pixelMin: Double
    let pixelMax: Double
    let split: [String: Int]
    let allChecksumsMatch: Bool
    let readSeconds: Double
    let checksumSeconds: Double

    init(_ data: Dataset, trainCount: Int, validationCount: Int, seed: UInt64) {
        dataset = data.kind.rawValue
        directory = data.directory
        classNames = data.classNames
        files = data.files
        let divided = FolioData.Split(count: data.train.count, trainCount: trainCount, validationCount: validationCount, seed: seed)
        splits = [
            Split(name: "train (all)", images: data.train.count, classCounts: data.train.classCounts()),
            Split(name: "test", images: data.test.count, classCounts: data.test.classCounts()),
            Split(name: "train (seeded split)", images: divided.train.count,
                  classCounts: data.train.subset(divided.train).classCounts()),
            Split(name: "validation (seeded split)", images: divided.validation.count,
                  classCounts: data.train.subset(divided.validation).classCounts()),
        ]
        let stats = data.train.pixelStatistics()
        trainingPixelMean = stats.mean
        trainingPixelStd = stats.std
        let range = data.train.pixelRange()
        pixelMin = range.min; pixelMax = range.max
        split = ["train": trainCount, "validation": validationCount, "seed": Int(seed)]
        allChecksumsMatch = data.files.allSatisfy { $0.checksum == .match }
        readSeconds = data.loadSeconds
        checksumSeconds = data.hashSeconds
    }

    var text: String {
        var out = "\(DatasetKind(rawValue: dataset)?.displayName ?? dataset) in \(directory)\n\n"
        let pathWidth = max(4, files.map(\.path.count).max() ?? 0)
        out += "file".padding(toLength: pathWidth, withPad: " ", startingAt: 0) + "   count   SHA-256 matches\n"
        for f in files {
            out += f.path.padding(toLength: pathWidth, withPad: " ", startingAt: 0)
            out += " " + grouped(f.count).leftPadded(7) + "   " + f.checksum.rawValue + "\n"
        }
        if !allChecksumsMatch {
            let bad = files.filter { $0.checksum == .mismatch }.map(\.path)
            if !bad.isEmpty {
                out += "\nWARNING: checksum mismatch for \(bad.joined(separator: ", ")): these are not the known \(dataset) files (they still load, being well-formed).\n"
            }
        }
        out += "\nclasses: " + classNames.joined(separator: ", ") + "\n\n"
        let nameWidth = splits.map(\.name.count).max() ?? 0
        out += "split".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "   images   per class (0–9)\n"
        for s in splits {
            out += s.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            out += " " + grouped(s.images).leftPadded(8) + "   " + s.classCounts.map(String.init).joined(separator: " ") + "\n"
        }
        out += "\ntraining pixels scaled to [0, 1]: mean \(String(format: "%.4f", trainingPixelMean)), std \(String(format: "%.4f", trainingPixelStd)), range \(String(format: "%.0f", pixelMin))–\(String(format: "%.0f", pixelMax))\n"
        out += "read and decoded in \(String(format: "%.3f", readSeconds)) s; checksums computed in \(String(format: "%.3f", checksumSeconds)) s"
        return out
    }
}

func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, c) in digits.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + String(out.reversed())
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
