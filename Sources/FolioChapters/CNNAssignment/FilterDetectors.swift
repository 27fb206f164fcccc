import Foundation
import FolioDocument
import FolioNN

/// What a 3 × 3 filter detects, read off its weights by fitting templates.
///
/// The kernel's mean is removed first (it only adds uniform brightness); what is left
/// is compared with three families of zero-mean patterns on the 3 × 3 grid:
/// - an edge: a tilted plane a·x + b·y (two orthogonal ramps); its fit gives the
///   direction in which the weights grow, i.e. the direction of the brightness step
///   the filter answers most strongly;
/// - a line: a bright (or dark) bar through the centre, horizontal, vertical or on a
///   diagonal, on a background of the other sign (the best of the four);
/// - centre-surround: the centre against its eight neighbours (a dot or a hole).
/// Each family's R² is the share of the mean-free kernel's squared norm it explains;
/// the filter takes the family with the largest R² when that reaches `threshold`
/// (the same 0.5 that `KernelStatistics` uses for "oriented", so edges here are
/// exactly the oriented filters of its table), and is "mixed" otherwise. The plane is
/// antisymmetric under a half turn and the other two families symmetric, so an edge
/// and a line or dot cannot both reach 0.5.
struct FilterPattern: Equatable {
    enum Kind: String, CaseIterable { case edge, line, centreSurround, mixed }

    var kind: Kind
    /// R² of the winning family (or of the best one, for a mixed filter).
    var fit: Double
    /// Edges: direction of increasing weight in degrees, counter-clockwise from
    /// "to the right" with the image's up as up (0–360). Lines: the bar's orientation
    /// (0 horizontal, 45 rising to the right, 90 vertical, 135 falling to the right).
    var angle: Double
    /// Lines: a bright bar (positive along the bar); centre-surround: on-centre.
    var positive: Bool

    static let threshold = 0.5

    /// Bars through the centre, zero-mean, as (orientation in degrees, weights).
    static let lines: [(Double, [Double])] = [
        (0, [-1, -1, -1, 2, 2, 2, -1, -1, -1]),
        (90, [-1, 2, -1, -1, 2, -1, -1, 2, -1]),
        (135, [2, -1, -1, -1, 2, -1, -1, -1, 2]),   // top-left to bottom-right
        (45, [-1, -1, 2, -1, 2, -1, 2, -1, -1]),    // bottom-left to top-right
    ]
    static let centreSurround: [Double] = [-1, -1, -1, -1, 8, -1, -1, -1, -1]

    init(_ kernel: [Float]) {
        precondition(kernel.count == 9, "templates are defined for 3 × 3 kernels")
        let mean = kernel.reduce(0.0) { $0 + Double($1) } / 9
        let d = kernel.map { Double($0) - mean }
        let energy = d.reduce(0) { $0 + $1 * $1 }
        /// Share of the energy along one template, and the sign of the projection.
        func share(_ t: [Double]) -> (r2: Double, sign: Double) {
            let dot = zip(d, t).reduce(0) { $0 + $1.0 * $1.1 }
            let norm = t.reduce(0) { $0 + $1 * $1 }
            return (energy > 0 ? dot * dot / (norm * energy) : 0, dot >= 0 ? 1 : -1)
        }
        // The plane: x to the right, y up (row 0 is the top), both centred.
        var sx = 0.0, sy = 0.0
        for (i, w) in d.enumerated() {
            sx += Double(i % 3 - 1) * w
            sy += Double(1 - i / 3) * w
        }
        let edge = energy > 0 ? (sx * sx + sy * sy) / 6 / energy : 0   // Σx² = Σy² = 6 on the grid
        var angle = atan2(sy, sx) * 180 / .pi
        if angle < 0 { angle += 360 }
        let bars = Self.lines.map { (orientation: $0.0, fit: share($0.1)) }
        let bar = bars.max { $0.fit.r2 < $1.fit.r2 }!
        let dot = share(Self.centreSurround)

        let best = max(edge, bar.fit.r2, dot.r2)
        if best < Self.threshold {
            self.init(kind: .mixed, fit: best, angle: 0, positive: true)
        } else if edge == best {
            self.init(kind: .edge, fit: edge, angle: angle, positive: true)
        } else if bar.fit.r2 == best {
            self.init(kind: .line, fit: bar.fit.r2, angle: bar.orientation, positive: bar.fit.sign > 0)
        } else {
            self.init(kind: .centreSurround, fit: dot.r2, angle: 0, positive: dot.sign > 0)
        }
    }

    init(kind: Kind, fit: Double, angle: Double, positive: Bool) {
        self.kind = kind; self.fit = fit; self.angle = angle; self.positive = positive
    }

    /// The eight compass directions, 45° apart, counter-clockwise from the right.
    static let directions = ["right", "upper right", "top", "upper left", "left", "lower left", "bottom", "lower right"]
    static let arrows = ["→", "↗", "↑", "↖", "←", "↙", "↓", "↘"]

    /// Index of the nearest compass direction of an edge.
    var direction: Int { Int((angle / 45).rounded()) % 8 }

    /// The group a filter falls in; filters of one group detect the same thing.
    var group: String {
        switch kind {
        case .edge: return "edge, brighter towards the \(Self.directions[direction])"
        case .line:
            let orientation = [0: "horizontal", 45: "rising diagonal", 90: "vertical", 135: "falling diagonal"][Int(angle)]!
            return "\(positive ? "bright" : "dark") \(orientation) line"
        case .centreSurround: return positive ? "bright dot (on-centre)" : "dark dot (off-centre)"
        case .mixed: return "no single template"
        }
    }

    /// A short mark for the filter's cell in the figure.
    var symbol: String {
        switch kind {
        case .edge: return Self.arrows[direction]
        case .line:
            let bar = [0: "—", 45: "/", 90: "|", 135: "\\"][Int(angle)]!
            return positive ? bar : bar + "\u{2212}"   // a dark line carries a minus
        case .centreSurround: return positive ? "●" : "○"
        case .mixed: return ""
        }
    }

    /// Order of the groups in tables: edges by direction, then lines, dots, mixed.
    var groupOrder: Int {
        switch kind {
        case .edge: return direction
        case .line: return 8 + Int(angle) / 45 * 2 + (positive ? 0 : 1)
        case .centreSurround: return 16 + (positive ? 0 : 1)
        case .mixed: return 18
        }
    }
}

/// The filters of a layer sorted into `FilterPattern` groups.
struct FilterGroups {
    struct Group { var name: String; var order: Int; var filters: [Int] }
    let patterns: [FilterPattern]
    let groups: [Group]

    init(_ kernels: [[Float]]) {
        patterns = kernels.map(FilterPattern.init)
        var byName: [String: Group] = [:]
        for (k, p) in patterns.enumerated() {
            byName[p.group, default: Group(name: p.group, order: p.groupOrder, filters: [])].filters.append(k)
        }
        groups = byName.values.sorted { $0.order < $1.order }
    }

    func count(_ kind: FilterPattern.Kind) -> Int { patterns.filter { $0.kind == kind }.count }
    func filters(_ kind: FilterPattern.Kind) -> [Int] { patterns.indices.filter { patterns[$0].kind == kind } }
    func count(group name: String) -> Int { groups.first { $0.name == name }?.filters.count ?? 0 }
}

/// 2.1's answer to "what do they respond to": each first-layer filter of the best
/// model named by the template it matches (`FilterPattern`), against the same
/// counts at initialisation and for the contrast model.
enum FilterDetectorReport {
    static func make(_ models: [VisualisedModel]) -> (values: [String: TemplateValue], table: TableContent) {
        let best = FilterGroups(models[0].convolutions[0].kernels)
        let initial = FilterGroups(models[0].initialConvolutions[0].kernels)
        let other = FilterGroups(models[1].convolutions[0].kernels)
        var values: [String: TemplateValue] = [:]
        for (kind, key) in [(FilterPattern.Kind.edge, "edge"), (.line, "line"), (.centreSurround, "dot"), (.mixed, "mixed")] {
            values["best_\(key)_count"] = .count(best.count(kind))
            values["init_\(key)_count"] = .count(initial.count(kind))
            if kind == .mixed { continue }
            // The clearest filter of the kind (highest R²), for the prose to name.
            let top = best.filters(kind).max { best.patterns[$0].fit < best.patterns[$1].fit }
            values["has_\(key)"] = .bool(top != nil)
            // Placeholders inside a false section still need values.
            values["top_\(key)"] = ""; values["top_\(key)_fit"] = ""
            values["top_edge_angle"] = values["top_edge_angle"] ?? ""
            values["top_edge_direction"] = values["top_edge_direction"] ?? ""
            values["top_line_group"] = values["top_line_group"] ?? ""
            values["top_dot_on"] = values["top_dot_on"] ?? false
            guard let top else { continue }
            let pattern = best.patterns[top]
            values["top_\(key)"] = .plain(top)
            values["top_\(key)_fit"] = .decimal(pattern.fit, digits: 2)
            if kind == .edge {
                values["top_edge_angle"] = .decimal(pattern.angle, digits: 0)
                values["top_edge_direction"] = .string(FilterPattern.directions[pattern.direction])
            } else if kind == .line {
                values["top_line_group"] = .string(pattern.group)
            } else {
                values["top_dot_on"] = .bool(pattern.positive)
            }
        }
        // Edge directions: how many distinct compass directions the edges cover.
        let directions = Set(best.patterns.filter { $0.kind == .edge }.map(\.direction))
        values["edge_directions"] = .count(directions.count)
        values["detector_threshold"] = .plain(FilterPattern.threshold)
        values["best_detectors"] = .count(best.patterns.count - best.count(.mixed))
        values["init_detectors"] = .count(initial.patterns.count - initial.count(.mixed))
        values["more_detectors"] = .bool(best.count(.mixed) < initial.count(.mixed))
        // Filter k at initialisation and after training is a pair: McNemar's exact test
        // on "matches a pattern" asks whether training changed the share of matches.
        let matched = { (g: FilterGroups) in g.patterns.map { $0.kind != .mixed } }
        let test = McNemarTest(firstCorrect: matched(best), secondCorrect: matched(initial))
        values["gained"] = .count(test.onlyFirstCorrect)
        values["lost"] = .count(test.onlySecondCorrect)
        values["detectors_p"] = .pValue(test.pValue)
        values["detectors_significant"] = .bool(test.isSignificant())
        // Filters that also answer to brightness (not balanced, KernelStatistics' test).
        let bright = models[0].convolutions[0].kernels.indices.filter {
            KernelStatistics.balance(models[0].convolutions[0].kernels[$0]) >= KernelStatistics.balancedBelow
        }
        values["brightness_filters"] = .string(KernelFigures.filterList(bright))
        values["has_brightness"] = .bool(!bright.isEmpty)

        var names: [(String, Int)] = []
        for g in best.groups + initial.groups + other.groups where !names.contains(where: { $0.0 == g.name }) {
            names.append((g.name, g.order))
        }
        let rows = names.sorted { $0.1 < $1.1 }.map { name, _ -> [String] in
            let members = best.groups.first { $0.name == name }?.filters ?? []
            // The unmatched filters are simply the rest; listing them would crowd the table.
            let listed = name == FilterPattern(kind: .mixed, fit: 0, angle: 0, positive: true).group
                ? "the other \(members.count)" : members.map(String.init).joined(separator: ", ")
            return [name, members.isEmpty ? "—" : listed,
                    String(members.count), String(initial.count(group: name)), String(other.count(group: name))]
        }
        let table = TableContent(
            caption: "What each first-layer filter of \(models[0].name) detects: the template family (edge, line or centre-surround) explaining at least \(FilterPattern.threshold) of its mean-free weights, filter numbers from 0; the counts for the same model at initialisation and for \(models[1].name).",
            header: ["detector", "filters of \(models[0].name)", "count", "at start", models[1].name],
            rows: rows, alignments: [.left, .left, .right, .right, .right])
        return (values, table)
    }
}
