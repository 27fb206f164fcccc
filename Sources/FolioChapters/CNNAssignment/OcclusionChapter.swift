import FolioCharts
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN

/// 2.4: occlusion maps of the best model: five patch sizes on one test image per
/// class, test image 61 with the second notebook's settings, and a sweep of patch sizes.
struct OcclusionChapter: Chapter {
    static let name = "occlusion"
    static let declaration = ContentDeclaration(
        values: """
            all_classes? all_correct? alpha batch black_background_drop black_background_matters?
            black_difference black_fill black_images black_ink_drop black_ink_larger black_ink_matters?
            black_no_difference? black_p classes correct_images drop_scale faint_share figure_patches fill flipped_at_reference
            fragile[class index min separator] fragile_class fragile_flip_patch fragile_flips?
            grey_background_drop grey_background_matters? grey_difference grey_images grey_ink_drop
            grey_ink_larger grey_ink_matters? grey_no_difference? grey_p image_list images ink_threshold
            largest_drop largest_rise lowest_baseline map_effects[patch largest mean separator] margin
            mean_movement min_movement misclassified_movement monotonic?
            protocol_epochs protocol_model protocol_validation r_max r_min r_negative_sizes r_positive_sizes
            r_reference r_strength r_strongest_positive? r_weak_everywhere? reference_patch side
            side_plus_one sign_test_can_reject? single_baseline single_class single_fill single_flip_class
            single_flipped? single_flips single_index single_map_side single_max single_min
            single_min_column single_min_row single_patch single_positions single_r single_r_positive?
            single_r_strength smallest_faint? smallest_largest_drop smallest_patch smallest_share spearman sturdiest_class sturdiest_flip sturdiest_min sweep_first sweep_last
            sweep_sizes sweep_step worst_patch
            """,
        figures: OcclusionFigures.names + ["occlusion-single", "occlusion-sweep-chart"],
        tables: ["occlusion-fill", "occlusion-images", "occlusion-sweep"])
    static let figurePatches = [1, 3, 5, 7, 14]
    static let fill: Float = 0.5
    /// The second notebook's single view: test image 61, an 8 × 8 patch of zeros.
    static let singleImage = 61, singlePatch = 8, singleFill: Float = 0
    /// The sweep size whose per-image minima rank the classes by fragility.
    static let referencePatch = 8
    /// On the maps' blue scale, a cell below a twentieth of the scale is hard to tell
    /// from white: a map whose largest drop stays below it shows no effect.
    static let faintShare = 0.05

    /// The quick profile sweeps every fourth size over three images: its share of the
    /// build stays at a few seconds while every figure and table is still drawn.
    static func sweepPatches(_ profile: Profile) -> [Int] {
        profile == .full ? Array(2...16) : Array(stride(from: 4, through: 16, by: 4))
    }
    static func imageCount(_ profile: Profile) -> Int { profile == .full ? 10 : 3 }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let best = try OptimiserRuns.best(c)
        let test = c.testSet, names = c.classNames, side = test.cols
        let sweep = Self.sweepPatches(c.profile)
        let patches = Array(Set(Self.figurePatches + sweep)).sorted()
        let images = OcclusionStudy.imagesPerClass(c, count: Self.imageCount(c.profile))
        let study = try OcclusionStudy.run(c, run: best.run, model: best.model, images: images,
                                           patches: patches, fill: Self.fill)
        let singleIndex = min(Self.singleImage, test.count - 1)
        let single = try OcclusionStudy.run(c, run: best.run, model: best.model, images: [singleIndex],
                                            patches: [Self.singlePatch], fill: Self.singleFill)[0]
        let pixels = study.map { s in test.image(s.index).map { Float($0) / 255 } }
        let ink = pixels.map { ActivationStatistics.inkMask($0).map { $0 ? Float(1) : 0 } }
        let summaries = sweep.compactMap { PatchSummary(patch: $0, study: study, ink: ink, cols: side) }
        let contrasts = sweep.map { InkContrast(patch: $0, study: study, ink: ink, cols: side) }
        // The same images under a black patch of the reference size: black is the
        // background's own value, so there only hidden ink changes the input.
        let black = try OcclusionStudy.run(c, run: best.run, model: best.model, images: images,
                                           patches: [Self.referencePatch], fill: Self.singleFill)

        var values: [String: TemplateValue] = [
            "images": .count(study.count), "all_classes": .bool(study.count == names.count),
            "classes": .count(names.count), "fill": .plain(Self.fill),
            "figure_patches": .string(Self.figurePatches.map(String.init).joined(separator: ", ")),
            "sweep_first": .count(sweep.first!), "sweep_last": .count(sweep.last!),
            "sweep_step": .count(sweep.count > 1 ? sweep[1] - sweep[0] : 1), "sweep_sizes": .count(sweep.count),
            "ink_threshold": .plain(ActivationStatistics.inkThreshold),
            "side": .plain(side), "side_plus_one": .plain(side + 1),
            "reference_patch": .count(Self.referencePatch), "batch": .count(Occlusion.batchSize),
            "image_list": .string(study.map { "\($0.index) (\(names[$0.label]))" }.joined(separator: ", ")),
            "all_correct": .bool(study.allSatisfy { $0.basePrediction == $0.label }),
            "lowest_baseline": .percent(Double(study.map(\.baseline).min() ?? .nan)),
        ]
        values.merge(AnalysedModelNote.values(c, kind: best.kind, run: best.run)) { $1 }
        var figures: [String: FigureContent] = [:]

        // The maps as drops in P(true class), all three figures on one scale.
        let effects = OcclusionFigures.effects(study, patches: Self.figurePatches)
        let scaleTop = OcclusionFigures.scaleTop(effects)
        figures.merge(OcclusionFigures.figures(study, test: test, names: names, patches: Self.figurePatches,
                                               worstPatch: Self.worstPatch, scaleTop: scaleTop)) { $1 }
        values["drop_scale"] = .decimal(scaleTop, digits: 1)
        values["largest_drop"] = .decimal(effects.map(\.largestDrop).max() ?? .nan, digits: 3)
        values["largest_rise"] = .decimal(effects.map(\.largestRise).max() ?? .nan, digits: 4)
        values["map_effects"] = .list(effects.enumerated().map { k, e in
            .object(["patch": .count(e.patch), "largest": .decimal(e.largestDrop, digits: 4),
                     "mean": .decimal(e.meanDrop, digits: 4),
                     "separator": .string(Wording.separator(k, of: effects.count))])
        })
        let smallest = effects.first!
        values["smallest_patch"] = .count(smallest.patch)
        values["smallest_largest_drop"] = .decimal(smallest.largestDrop, digits: 4)
        values["smallest_share"] = .percent(smallest.largestDrop / scaleTop, digits: 1)
        values["smallest_faint"] = .bool(smallest.largestDrop < Self.faintShare * scaleTop)
        values["faint_share"] = .percent(Self.faintShare, digits: 0)
        values["worst_patch"] = .count(Self.worstPatch)

        // Test image 61: the image and its map with labelled axes and the range in the title.
        let map = single.maps[0]
        let ticks = { (n: Int) in (0..<n).map { $0 % 5 == 0 ? String($0) : "" } }
        let image = Heatmap(title: "Test image \(single.index) (\(names[single.label]))", xLabel: "column", yLabel: "row",
                            values: Images.raster(test, single.index), colorMap: .gray, range: 0...1,
                            xTickLabels: ticks(side), yTickLabels: ticks(test.rows), colorBarLabel: "Pixel value")
        let heat = Heatmap(title: "P(\(names[single.label])), \(map.patch) × \(map.patch) patch of \(Self.format(map.fill))",
                           xLabel: "patch left column", yLabel: "patch top row", values: Self.raster(map),
                           colorMap: .viridis, xTickLabels: ticks(map.columns), yTickLabels: ticks(map.rows),
                           colorBarLabel: "P(true class)", showsRangeInTitle: true)
        figures["occlusion-single"] = FigureContent("", Figure(widthPoints: 450, heightPoints: 250, columns: 2,
                                                               panels: [.heatmap(image), .heatmap(heat)]))
        let lowest = map.probability.indices.min { map.probability[$0] < map.probability[$1] }!
        let corner = map.corner(lowest)
        values["single_index"] = .plain(single.index)
        values["single_class"] = .string(names[single.label])
        values["single_patch"] = .count(map.patch)
        values["single_fill"] = .string(Self.format(map.fill))
        values["single_baseline"] = .percent(Double(single.baseline))
        values["single_min"] = .decimal(Double(map.probability[lowest]), digits: 4)
        values["single_max"] = .decimal(Double(map.probability.max()!), digits: 4)
        values["single_min_row"] = .count(corner.row)
        values["single_min_column"] = .count(corner.column)
        values["single_map_side"] = .count(map.rows)
        let flips = map.predicted.filter { $0 != single.label }
        values["single_flips"] = .count(flips.count)
        values["single_positions"] = .count(map.probability.count)
        values["single_flipped"] = .bool(!flips.isEmpty)
        // With a patch of 0 only hidden ink can change the input, so the drop should follow it.
        let singleInk = ActivationStatistics.inkMask(test.image(single.index).map { Float($0) / 255 }).map { $0 ? Float(1) : 0 }
        let singleR = SampleCorrelation.pearson(map.probability.map { Double(single.baseline - $0) },
                                                Occlusion.coverage(of: singleInk, cols: side, map: map))
        values["single_r"] = .decimal(singleR ?? .nan, digits: 2)
        values["single_r_positive"] = .bool((singleR ?? 0) >= 0.1)
        values["single_r_strength"] = .string(Wording.strength(singleR ?? 0))
        let counts = Dictionary(flips.map { ($0, 1) }, uniquingKeysWith: +)
        values["single_flip_class"] = .string(counts.max { $0.value < $1.value }.map { names[$0.key] } ?? "")

        // The sweep: mean and minimum P(true class) per patch size.
        let sweepTable = TableContent(
            caption: "P(true class) per patch size over the \(study.count) images (fill \(Self.fill), stride 1).",
            header: ["patch", "mean P", "mean of minima", "lowest P (image)", "misclassified", "r(drop, ink)",
                     "ink − background"],
            rows: zip(summaries, contrasts).map { (s: PatchSummary, contrast: InkContrast?) -> [String] in
                let lowest = Format.decimal(s.minimum, digits: 3) + " (#\(study[s.weakestImage].index))"
                let r = s.inkCorrelation.map { Format.decimal($0, digits: 2) } ?? "—"
                return [String(s.patch), Format.decimal(s.meanProbability, digits: 3),
                        Format.decimal(s.meanMinimum, digits: 3), lowest, Format.percentAboveZero(s.misclassified, digits: 1), r,
                        contrast.map { Format.decimal($0.difference, digits: 3) } ?? "—"]
            }, alignments: [.right, .right, .right, .right, .right, .right, .right])
        let x = summaries.map { Double($0.patch) }
        figures["occlusion-sweep-chart"] = FigureContent("", Figure(widthPoints: 450, heightPoints: 250, .line(LineChart(
            xLabel: "Patch size (pixels)", yLabel: "P(true class)", series: [
                Series(name: "mean over positions", x: x, y: summaries.map(\.meanProbability), style: .lineWithMarkers),
                Series(name: "mean of per-image minima", x: x, y: summaries.map(\.meanMinimum), style: .lineWithMarkers, marker: .square),
                Series(name: "lowest over all images", x: x, y: summaries.map(\.minimum), style: .lineWithMarkers, marker: .triangle),
            ], yRange: 0...1.02, legend: .best))))

        let means = summaries.map(\.meanProbability)
        values["monotonic"] = .bool(zip(means, means.dropFirst()).allSatisfy { $0 > $1 })
        let drops = summaries.map { 1 - $0.meanProbability }
        values["spearman"] = .decimal(SampleCorrelation.spearman(x, drops) ?? .nan, digits: 2)
        let (first, last) = (summaries.first!, summaries.last!)
        func move(_ a: Double, _ b: Double, digits: Int = 3, percent: Bool = false) -> TemplateValue {
            let f = { (v: Double) in percent ? Format.percent(v, digits: 1) : Format.decimal(v, digits: digits) }
            return .string(Wording.movement(f(a), f(b), up: "rises", down: "falls", same: "stays at", rising: b > a))
        }
        values["mean_movement"] = move(first.meanProbability, last.meanProbability)
        values["min_movement"] = move(first.minimum, last.minimum)
        values["misclassified_movement"] = move(first.misclassified, last.misclassified, percent: true)
        let correlations = summaries.compactMap(\.inkCorrelation)
        values["r_min"] = .decimal(correlations.min() ?? .nan, digits: 2)
        values["r_max"] = .decimal(correlations.max() ?? .nan, digits: 2)
        let strongest = correlations.max { abs($0) < abs($1) } ?? 0
        values["r_strength"] = .string(Wording.strength(strongest))
        values["r_weak_everywhere"] = .bool(abs(strongest) < 0.3)
        values["r_strongest_positive"] = .bool(strongest > 0)
        values["r_positive_sizes"] = .count(correlations.filter { $0 >= 0.1 }.count)
        values["r_negative_sizes"] = .count(correlations.filter { $0 <= -0.1 }.count)
        let reference = summaries.first { $0.patch == Self.referencePatch }!
        values["r_reference"] = .decimal(reference.inkCorrelation ?? .nan, digits: 2)

        // Ink against background at the reference size, grey fill and black fill.
        guard let grey = InkContrast(patch: Self.referencePatch, study: study, ink: ink, cols: side),
              let dark = InkContrast(patch: Self.referencePatch, study: black, ink: ink, cols: side) else {
            throw ModelError("occlusion: no image has both ink and background positions")
        }
        for (key, contrast) in [("grey", grey), ("black", dark)] {
            values["\(key)_ink_drop"] = .decimal(contrast.meanInkDrop, digits: 3)
            values["\(key)_background_drop"] = .decimal(contrast.meanBackgroundDrop, digits: 3)
            values["\(key)_difference"] = .decimal(contrast.difference, digits: 3)
            values["\(key)_ink_larger"] = .count(contrast.inkLarger)
            values["\(key)_images"] = .count(contrast.images)
            values["\(key)_p"] = .pValue(contrast.pValue)
            values["\(key)_ink_matters"] = .bool(contrast.verdict == .inkMatters)
            values["\(key)_background_matters"] = .bool(contrast.verdict == .backgroundMatters)
            values["\(key)_no_difference"] = .bool(contrast.verdict == .noClearDifference)
        }
        values["margin"] = .decimal(InkContrast.margin, digits: 2)
        values["alpha"] = .decimal(InkContrast.alpha, digits: 2)
        values["sign_test_can_reject"] = .bool(
            McNemarTest(onlyFirstCorrect: grey.images, onlySecondCorrect: 0).pValue < InkContrast.alpha)
        values["black_fill"] = .string(Self.format(Self.singleFill))
        let fillTable = TableContent(
            caption: "Patch of \(Self.referencePatch) × \(Self.referencePatch) pixels over the \(study.count) images: mean drop of P(true class) where the patch covers ink and where it covers only background (each image's mean, averaged over images), their difference, the images where the ink drop is larger, and the sign test over images.",
            header: ["fill", "drop on ink", "drop on background", "difference", "images ink > background", "sign test"],
            rows: [(Self.format(Self.fill) + " (grey)", grey), (Self.format(Self.singleFill) + " (black)", dark)].map { name, t in
                [name, Format.decimal(t.meanInkDrop, digits: 3), Format.decimal(t.meanBackgroundDrop, digits: 3),
                 Format.decimal(t.difference, digits: 3), "\(t.inkLarger) of \(t.images)", Format.pValue(t.pValue)]
            }, alignments: [.left, .right, .right, .right, .right, .right])

        // Fragility: each image's lowest P(true class) at the reference patch size.
        let ranked = study.sorted { ($0.map(patch: Self.referencePatch)?.probability.min() ?? 1)
                                    < ($1.map(patch: Self.referencePatch)?.probability.min() ?? 1) }
        // At most three, and never the sturdiest image, which is named on its own.
        let fragileCount = min(3, ranked.count - 1)
        values["fragile"] = .list(ranked.prefix(fragileCount).enumerated().map { k, s in
            .object(["class": .string(names[s.label]), "index": .plain(s.index),
                     "min": .decimal(Double(s.map(patch: Self.referencePatch)!.probability.min()!), digits: 3),
                     "separator": .string(Wording.separator(k, of: fragileCount))])
        })
        // The smallest patches that misclassify the most and the least fragile image.
        let firstFlip = ranked[0].basePrediction == ranked[0].label ? ranked[0].smallestFlippingPatch : nil
        values["fragile_flips"] = .bool(firstFlip != nil)
        values["fragile_flip_patch"] = .string(firstFlip.map(String.init) ?? "")
        values["fragile_class"] = .string(names[ranked[0].label])
        values["sturdiest_flip"] = .string(ranked.last!.smallestFlippingPatch.map { "only from \($0) pixels on" }
                                           ?? "at no size up to \(patches.last!) pixels")
        let sturdiest = ranked.last!
        values["sturdiest_class"] = .string(names[sturdiest.label])
        values["sturdiest_min"] = .decimal(Double(sturdiest.map(patch: Self.referencePatch)!.probability.min()!), digits: 3)
        // Only images classified correctly without occlusion can be flipped by it.
        let correct = study.filter { $0.basePrediction == $0.label }
        let flippedAtReference = correct.filter { s in s.map(patch: Self.referencePatch)!.predicted.contains { $0 != s.label } }
        values["correct_images"] = .count(correct.count)
        values["flipped_at_reference"] = .count(flippedAtReference.count)
        let imageTable = TableContent(
            caption: "Each occluded image: P(true class) without occlusion, its lowest value under a patch of \(Self.referencePatch) × \(Self.referencePatch) pixels, and the smallest patch size that makes it misclassified at some position.",
            header: ["test image", "class", "P unoccluded", "min P, patch \(Self.referencePatch)", "smallest misclassifying patch"],
            rows: study.map { s in
                [String(s.index), names[s.label], Format.decimal(Double(s.baseline), digits: 4),
                 Format.decimal(Double(s.map(patch: Self.referencePatch)!.probability.min()!), digits: 3),
                 s.basePrediction != s.label ? "wrong unoccluded"
                     : s.smallestFlippingPatch.map(String.init) ?? "none up to \(patches.last!)"]
            }, alignments: [.right, .left, .right, .right, .right])
        return SectionContent(values: values, figures: figures,
                              tables: ["occlusion-sweep": sweepTable, "occlusion-images": imageTable,
                                       "occlusion-fill": fillTable])
    }

    /// The patch size whose most damaging position is shown on each image's second line.
    static let worstPatch = 7

    static func raster(_ map: OcclusionMap) -> Raster {
        Raster(rows: map.rows, columns: map.columns, values: map.probability)
    }

    /// 0 → "0", 0.5 → "0.5".
    static func format(_ v: Float) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
