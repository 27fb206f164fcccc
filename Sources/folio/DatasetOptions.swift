import ArgumentParser
import FolioData

extension DatasetKind: ExpressibleByArgument {}

/// Where the data comes from; shared by every command that reads it.
struct DatasetOptions: ParsableArguments {
    @Option(help: "Dataset: mnist or fashion-mnist.")
    var dataset: DatasetKind = .mnist

    @Option(name: .customLong("data"), help: "Directory holding the four IDX files (gzip-compressed or raw).")
    var directory: String?

    /// Resolves the directory (see DataSource for the order) and loads the dataset.
    func load(verify: Bool = false) throws -> Dataset {
        let dir = try DataSource.resolve(dataset, explicit: directory, projectRoot: DataSource.projectRoot())
        return try Dataset.load(dataset, from: dir, verify: verify)
    }
}
