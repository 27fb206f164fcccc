import Foundation
import Synchronization

/// What is known about one of the four files after loading it.
public struct DataFileReport: Sendable, Codable {
    public enum Checksum: String, Sendable, Codable { case match = "yes", mismatch = "no", unknown }
    public let role: String
    public let path: String
    public let count: Int
    /// SHA-256 of the decompressed bytes; nil when not computed.
    public let sha256: String?
    public let checksum: Checksum
}

/// A dataset with its training and test sets and where they came from.
public struct Dataset: Sendable {
    public let kind: DatasetKind
    public let directory: String
    public let train: ImageSet
    public let test: ImageSet
    public let files: [DataFileReport]
    /// Wall time of `load`, for the record (`folio data` prints it).
    public var loadSeconds: Double = 0
    /// Time spent computing checksums within `load` (nothing when already hashed).
    public var hashSeconds: Double = 0

    public var classNames: [String] { kind.classNames }

    public init(kind: DatasetKind, directory: String, train: ImageSet, test: ImageSet, files: [DataFileReport] = []) {
        self.kind = kind; self.directory = directory; self.train = train; self.test = test; self.files = files
    }

    /// SHA-256 of each decompressed file, by role ("train images", …): part of every
    /// cache key, so results computed on other files are never served.
    public var checksums: [String: String] {
        Dictionary(files.compactMap { f in f.sha256.map { (f.role, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    /// Whether all four files are the published ones of `kind`: then the kind's name
    /// stands for their checksums (training keys name the dataset, not its bytes).
    public var isPublished: Bool { files.count == 4 && files.allSatisfy { $0.checksum == .match } }

    /// Loads the four files from `directory`, hashing each decompressed file and
    /// comparing it with the published checksum (a mismatch is reported, not fatal: a
    /// well-formed file still loads). Hashing is always done, since the cache keys by
    /// the checksums; a file unchanged since it was last hashed in this process (same
    /// path, size and modification time) is not hashed again, so tests that load the
    /// data many times pay once. `verify` is kept for callers that ask for the
    /// checksums explicitly (`folio data`).
    public static func load(_ kind: DatasetKind, from directory: String, verify: Bool = false) throws -> Dataset {
        let start = DispatchTime.now().uptimeNanoseconds
        let names = DataSource.baseNames
        func path(_ base: String) throws -> String {
            guard let p = DataSource.filePath(base, in: directory) else {
                throw DataError(directory + "/" + base, "file not found (nor with .gz)")
            }
            return p
        }
        var reports: [DataFileReport] = []
        var hashNanoseconds: UInt64 = 0
        func read(_ base: String, role: String, dims: Int) throws -> IDX.File {
            let p = try path(base)
            let bytes = try IDX.readBytes(at: p)
            let file = try IDX.parse(bytes, path: p, expectedDimensions: dims)
            var digest: String? = nil
            // Hashing is timed apart from reading so `folio data` can report both.
            let hashStart = DispatchTime.now().uptimeNanoseconds
            defer { hashNanoseconds += DispatchTime.now().uptimeNanoseconds - hashStart }
            var status = DataFileReport.Checksum.unknown
            let d = checksum(bytes, path: p)
            digest = d
            if let known = kind.knownChecksums[base] { status = known == d ? .match : .mismatch }
            reports.append(DataFileReport(role: role, path: p, count: file.dimensions[0], sha256: digest, checksum: status))
            return file
        }
        func imageSet(images: String, labels: String, split: String) throws -> ImageSet {
            let img = try read(images, role: "\(split) images", dims: 3)
            let lab = try read(labels, role: "\(split) labels", dims: 1)
            let imgPath = try path(images), labPath = try path(labels)
            guard img.dimensions[0] == lab.dimensions[0] else {
                throw DataError(labPath, "has \(lab.dimensions[0]) labels but \(imgPath) has \(img.dimensions[0]) images")
            }
            if let bad = lab.data.firstIndex(where: { $0 > 9 }) {
                let index = bad - lab.data.startIndex
                throw DataError(labPath, "label \(lab.data[bad]) at index \(index) is outside 0–9")
            }
            return ImageSet(rows: img.dimensions[1], cols: img.dimensions[2], pixels: Array(img.data), labels: Array(lab.data))
        }
        let train = try imageSet(images: names.trainImages, labels: names.trainLabels, split: "train")
        let test = try imageSet(images: names.testImages, labels: names.testLabels, split: "test")
        guard train.rows == test.rows, train.cols == test.cols else {
            throw DataError(directory, "training images are \(train.rows)×\(train.cols) but test images are \(test.rows)×\(test.cols)")
        }
        var data = Dataset(kind: kind, directory: directory, train: train, test: test, files: reports)
        data.hashSeconds = Double(hashNanoseconds) / 1e9
        data.loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 - data.hashSeconds
        return data
    }

    /// Digests already computed in this process, by path, size and modification time.
    private static let digests = Mutex<[String: String]>([:])

    private static func checksum(_ bytes: [UInt8], path: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = attributes?[.size] as? Int ?? -1
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
        let id = "\(path)|\(size)|\(modified)"
        if let known = digests.withLock({ $0[id] }) { return known }
        let digest = SHA256.hex(bytes)
        digests.withLock { $0[id] = digest }
        return digest
    }
}
