import FolioCharts
import FolioData
import FolioDocument

/// 2.4's map figures: each map drawn as the drop in P(true class) from the unoccluded
/// image, every map of the three figures on one colour scale. Maps with a range of
/// their own would stretch a 10⁻⁷ ripple of a one-pixel patch over the whole colour
/// bar, as strong to the eye as a patch that removes the probability, and no two maps
/// could be compared.
enum OcclusionFigures {
    static let names = ["occlusion-maps-a", "occlusion-maps-b", "occlusion-maps-c"]

    /// How far the patches of one size moved P(true class), over every position of
    /// every image: a drop is the unoccluded probability minus the occluded one.
    struct SizeEffect {
        var patch: Int
        var largestDrop: Double
        var meanDrop: Double
        /// The largest rise (a negative drop): occlusion that made the network surer.
        var largestRise: Double
    }

    static func effects(_ study: [OccludedImage], patches: [Int]) -> [SizeEffect] {
        patches.compactMap { patch in
            let drops = study.flatMap { s in (s.map(patch: patch)?.probability ?? []).map { Double(s.baseline - $0) } }
            guard let largest = drops.max(), let smallest = drops.min() else { return nil }
            return SizeEffect(patch: patch, largestDrop: largest, meanDrop: drops.reduce(0, +) / Double(drops.count),
                              largestRise: max(0, -smallest))
        }
    }

    /// The top of the shared scale: the largest drop rounded up to a tenth, so the
    /// colour bar ends on a labelled value and the darkest map reaches the dark end.
    static func scaleTop(_ effects: [SizeEffect]) -> Double {
        max(0.1, ((effects.map(\.largestDrop).max() ?? 0) * 10 - 1e-9).rounded(.up) / 10)
    }

    /// The three figures, the images split between them in order. A line is 76 pt
    /// tall, so eight lines (four images) still fit a page at full size.
    static func figures(_ study: [OccludedImage], test: ImageSet, names classNames: [String], patches: [Int],
                        worstPatch: Int, scaleTop: Double) -> [String: FigureContent] {
        var figures: [String: FigureContent] = [:]
        for (name, range) in zip(names, chunks(study.count, into: names.count)) {
            let rows = study[range].flatMap { s in Self.rows(s, test: test, names: classNames, patches: patches, worstPatch: worstPatch) }
            figures[name] = FigureContent("", Figure(
                widthPoints: PrintSize.textWidth, heightPoints: 12 + 76 * Double(max(rows.count, 1)),
                .imageHeatmapRows(ImageHeatmapRows(rows: rows, heatmapColorMap: .blues,
                                                   colorBarLabel: "Drop in P(true class)", sharedRange: 0...scaleTop))))
        }
        return figures
    }

    /// `count` items split into `parts` consecutive ranges, the larger ones first.
    static func chunks(_ count: Int, into parts: Int) -> [Range<Int>] {
        var start = 0
        return (0..<parts).map { k in
            let size = count / parts + (k < count % parts ? 1 : 0)
            defer { start += size }
            return start..<(start + size)
        }
    }

    /// The two figure lines of one occluded image: the image with the maps of the
    /// smaller half of `patches`, then the image under its most damaging patch of
    /// `worstPatch` pixels with the maps of the larger half. Three maps a line keep them
    /// large enough to read.
    static func rows(_ s: OccludedImage, test: ImageSet, names: [String], patches: [Int], worstPatch: Int) -> [ImageHeatmapRow] {
        func heatmaps(_ sizes: ArraySlice<Int>) -> [TitledHeatmap] {
            sizes.compactMap { p in
                s.map(patch: p).map { TitledHeatmap(values: drop($0, baseline: s.baseline), title: "patch \(p) × \(p)") }
            }
        }
        let image = Images.raster(test, s.index)
        var occluded = image
        var title = "no \(worstPatch)×\(worstPatch) map"
        if let map = s.map(patch: worstPatch) {
            let k = map.probability.indices.min { map.probability[$0] < map.probability[$1] }!
            let (top, left) = map.corner(k)
            for y in top..<(top + map.patch) {
                for x in left..<(left + map.patch) { occluded.values[y * occluded.columns + x] = Double(map.fill) }
            }
            title = "\(worstPatch)×\(worstPatch): P \(Format.decimal(Double(map.probability[k]), digits: 2))"
        }
        let half = (patches.count + 1) / 2
        return [ImageHeatmapRow(image: image, imageTitle: "#\(s.index) (\(names[s.label]))", heatmaps: heatmaps(patches.prefix(half))),
                ImageHeatmapRow(image: occluded, imageTitle: title, heatmaps: heatmaps(patches.dropFirst(half)))]
    }

    /// The map as drops from the unoccluded probability.
    static func drop(_ map: OcclusionMap, baseline: Float) -> Raster {
        Raster(rows: map.rows, columns: map.columns, values: map.probability.map { Double(baseline - $0) })
    }
}
