import Foundation

/// Where a dataset's four files are looked for, in order:
/// 1. the directory the user names (`--data DIR`);
/// 2. for MNIST, `data/mnist/` of the Folio checkout;
/// 3. for MNIST, torchvision's layout `./data/MNIST/raw/` that notebook users have;
/// for Fashion-MNIST, Debian's `/usr/share/datasets/fashion-mnist/` (after 1).
public enum DataSource {
    public static let fashionSystemDirectory = "/usr/share/datasets/fashion-mnist"

    /// The four files' base names (each may also exist with `.gz`).
    public static let baseNames = (
        trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
        testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte"
    )

    /// Directories to try, in order, for a dataset.
    public static func candidates(for kind: DatasetKind, explicit: String?, projectRoot: String?) -> [String] {
        if let explicit { return [explicit] }
        switch kind {
        case .mnist:
            var dirs: [String] = []
            if let root = projectRoot { dirs.append(root + "/data/mnist") }
            dirs.append(FileManager.default.currentDirectoryPath + "/data/MNIST/raw")
            return dirs
        case .fashionMNIST:
            var dirs: [String] = []
            if let root = projectRoot { dirs.append(root + "/data/fashion-mnist") }
            dirs.append(FileManager.default.currentDirectoryPath + "/data/FashionMNIST/raw")
            dirs.append(fashionSystemDirectory)
            return dirs
        }
    }

    /// The first candidate directory that holds a training-images file.
    public static func resolve(_ kind: DatasetKind, explicit: String?, projectRoot: String?) throws -> String {
        let dirs = candidates(for: kind, explicit: explicit, projectRoot: projectRoot)
        for dir in dirs where filePath(baseNames.trainImages, in: dir) != nil { return dir }
        if let explicit {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: explicit, isDirectory: &isDirectory) {
                throw DataError(explicit, "directory not found")
            }
            if !isDirectory.boolValue { throw DataError(explicit, "is a file, expected a directory holding the four IDX files") }
            throw DataError(explicit + "/" + baseNames.trainImages, "file not found (nor with .gz)")
        }
        let hint = kind == .fashionMNIST ? " (install Debian's dataset-fashion-mnist, or pass --data DIR)" : " (pass --data DIR)"
        throw DataError(dirs.joined(separator: ", "), "no \(kind.displayName) files found in any of these directories" + hint)
    }

    /// The path of `base` or `base.gz` in `dir`, whichever exists (raw preferred).
    public static func filePath(_ base: String, in dir: String) -> String? {
        for name in [base, base + ".gz"] {
            let path = dir + "/" + name
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    /// Finds the Folio checkout: the nearest folder above the working directory or the
    /// executable that has `report-templates/` and `Package.swift`.
    public static func projectRoot() -> String? {
        var starts = [FileManager.default.currentDirectoryPath]
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent().path
        starts.append(exe)
        for start in starts {
            var url = URL(fileURLWithPath: start)
            for _ in 0..<8 {
                let fm = FileManager.default
                if fm.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
                   fm.fileExists(atPath: url.appendingPathComponent("report-templates").path) {
                    return url.path
                }
                let parent = url.deletingLastPathComponent()
                if parent.path == url.path { break }
                url = parent
            }
        }
        return nil
    }
}
