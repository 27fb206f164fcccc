import FolioCharts
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN

/// Set-up: the data (splits, pixel range, classes), sample images, the network.
struct SetupChapter: Chapter {
    static let name = "setup"
    static let declaration = ContentDeclaration(
        values: """
            balance_ratio cols commonest_share dataset_name pixel_max pixel_mean pixel_min pixel_std
            rarest_share rows seed test_images train_images train_total validation_images
            """,
        figures: ["samples"],
        tables: ["class-counts", "network"])

    func content(_ c: ChapterContext) throws -> SectionContent {
        let split = c.split
        let trainSet = c.data.train.subset(split.train), valSet = c.data.train.subset(split.validation)
        let test = c.testSet
        let stats = trainSet.pixelStatistics()
        let range = trainSet.pixelRange()
        let counts = [trainSet.classCounts(), valSet.classCounts(), test.classCounts()]
        let classTable = TableContent(
            caption: "Images per class in the three sets.",
            header: ["class", "training", "validation", "test"],
            rows: c.classNames.indices.map { k in [c.classNames[k]] + counts.map { Format.count($0[k]) } }
                + [["total"] + counts.map { Format.count($0.reduce(0, +)) }],
            alignments: [.left, .right, .right, .right])
        var rng = SeededGenerator(seed: c.seed, stream: "setup.samples")
        let samples = (0..<20).map { _ in split.train[rng.below(split.train.count)] }
        let grid = Images.grid(c.data.train, indices: samples, titles: samples.map { c.classNames[Int(c.data.train.labels[$0])] }, columns: 10)
        let model = try Model(kind: .simpleCNN, seed: c.seed)
        let network = TableContent.layers(of: model, caption: "The SimpleCNN, layer by layer (computed from the model).")
        return SectionContent(values: [
            "dataset_name": .string(c.data.kind.displayName),
            "train_total": .count(c.data.train.count), "rows": .count(c.data.train.rows), "cols": .count(c.data.train.cols),
            "train_images": .count(split.train.count), "validation_images": .count(split.validation.count),
            "test_images": .count(test.count), "seed": .plain(c.seed),
            "pixel_min": .decimal(range.min, digits: 0), "pixel_max": .decimal(range.max, digits: 0),
            "pixel_mean": .decimal(stats.mean), "pixel_std": .decimal(stats.std),
            // How far from balanced: the largest class over the smallest, in the least balanced set.
            "balance_ratio": .decimal(counts.map { Double($0.max() ?? 0) / Double(max($0.min() ?? 1, 1)) }.max() ?? .nan, digits: 2),
            "rarest_share": .percent(counts.map { Double($0.min() ?? 0) / Double(max($0.reduce(0, +), 1)) }.min() ?? .nan, digits: 1),
            "commonest_share": .percent(counts.map { Double($0.max() ?? 0) / Double(max($0.reduce(0, +), 1)) }.max() ?? .nan, digits: 1),
        ], figures: ["samples": FigureContent("", Figure(widthPoints: 430, heightPoints: 100, .imageGrid(grid)))],
           tables: ["class-counts": classTable, "network": network])
    }
}

extension TableContent {
    /// A network's layers with their output shapes ("N" for the batch) and parameter
    /// counts, as torchsummary lists them.
    static func layers(of model: Model, caption: String) -> TableContent {
        TableContent(
            caption: caption, header: ["layer", "output shape", "parameters"],
            rows: model.layerRows(inputShape: model.inputShape).map {
                [$0.layer, "[" + $0.outputShape.map { $0 < 0 ? "N" : String($0) }.joined(separator: ", ") + "]", Format.count($0.parameters)]
            },
            alignments: [.left, .left, .right])
    }
}
