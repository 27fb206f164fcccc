import CCairo
import CPango

// Lays out a math tree as boxes, following TeX's rules in simplified form: four
// styles (display, text, script, scriptscript), inter-atom spacing by class,
// fractions on the math axis, scripts shifted from the base's height and depth,
// and limits above and below large operators in display style.

enum MathStyle {
    case display, text, script, scriptScript

    var scale: Double {
        switch self {
        case .display, .text: return 1
        case .script: return 0.7
        case .scriptScript: return 0.55
        }
    }
    var scriptStyle: MathStyle { self == .display || self == .text ? .script : .scriptScript }
    var fractionStyle: MathStyle {
        switch self {
        case .display: return .text
        case .text: return .script
        case .script, .scriptScript: return .scriptScript
        }
    }
    var isScript: Bool { self == .script || self == .scriptScript }
}

/// Typesets TeX-subset math with Pango glyphs and Cairo rules.
/// Holds Pango objects, so keep one per drawing task.
public final class MathTypesetter {
    let text: PangoTextContext
    public let fontSize: Double
    private var runs: [String: MathGlyphRun] = [:]
    private(set) var axisPerPoint = 0.25
    private(set) var xHeightPerPoint = 0.52

    /// `cairo` is a `cairo_t *` on the surface the math will be drawn to.
    public convenience init(cairo: OpaquePointer, fontSize: Double = 10.5) {
        self.init(text: PangoTextContext(cairo: cairo), fontSize: fontSize)
    }

    package init(text: PangoTextContext, fontSize: Double) {
        self.text = text
        self.fontSize = fontSize
        // The math axis is the middle of the minus sign; measure it rather than guess.
        let minus = run("−", .upright, size: 100)
        axisPerPoint = (minus.ascent - minus.descent) / 2 / 100
        xHeightPerPoint = run("x", .upright, size: 100).ascent / 100
    }

    /// Parses and typesets `source`; throws `MathError` for anything outside the subset.
    public func typeset(_ source: String, display: Bool, fontSize: Double? = nil) throws -> MathBox {
        typeset(try MathParser.parse(source), display: display, fontSize: fontSize)
    }

    public func typeset(_ nodes: [MathNode], display: Bool, fontSize: Double? = nil) -> MathBox {
        list(nodes, display ? .display : .text, base: fontSize ?? self.fontSize)
    }

    /// Draws `box` with its baseline's left end at (x, baseline), in the current source colour.
    public func draw(_ box: MathBox, into cairo: OpaquePointer, x: Double, baseline: Double) {
        box.draw(into: cairo, x: x, baseline: baseline)
    }

    // MARK: Glyphs

    func run(_ string: String, _ variant: MathVariant, size: Double) -> MathGlyphRun {
        let key = "\(variant)|\(size)|\(string)"
        if let cached = runs[key] { return cached }
        let layout = text.makeLayout(family: .serif, size: size, italic: variant == .italic, bold: variant == .bold)
        pango_layout_set_text(layout, string, -1)
        let made = MathGlyphRun(layout: layout, italic: variant == .italic)
        runs[key] = made
        return made
    }

    // MARK: Lists and spacing

    func list(_ nodes: [MathNode], _ style: MathStyle, base: Double) -> MathBox {
        let em = base * style.scale
        var atoms: [(box: MathBox, cls: MathAtomClass?)] = nodes.map { node in
            if case .space(let amount) = node { return (MathBox(width: amount * em), nil) }
            return atom(node, style, base: base)
        }
        // A binary operator with nothing to its left (or an operator, relation or opening
        // there), or a relation/closing to its right, is unary: treat it as ordinary.
        let classed = atoms.indices.filter { atoms[$0].cls != nil }
        for (k, i) in classed.enumerated() where atoms[i].cls == .binary {
            let previous = k > 0 ? atoms[classed[k - 1]].cls : nil
            let next = k + 1 < classed.count ? atoms[classed[k + 1]].cls : nil
            let unaryBefore: Set<MathAtomClass?> = [nil, .binary, .largeOperator, .relation, .opening, .punctuation]
            let unaryAfter: Set<MathAtomClass?> = [nil, .relation, .closing, .punctuation]
            if unaryBefore.contains(previous) || unaryAfter.contains(next) { atoms[i].cls = .ordinary }
        }
        var result = MathBox()
        var previous: MathAtomClass?
        for atom in atoms {
            if let cls = atom.cls {
                if let p = previous { result.width += spacing(p, cls, style) / 18 * em }
                previous = cls
            }
            result.place(atom.box, x: result.width, y: 0)
            result.width += atom.box.width
            result.italicEnd = atom.box.italicEnd
        }
        return result
    }

    /// Inter-atom space in mu (1/18 em), TeX's table; entries marked "not in scripts"
    /// vanish in script styles.
    func spacing(_ left: MathAtomClass, _ right: MathAtomClass, _ style: MathStyle) -> Double {
        let thin = 3.0, medium = 4.0, thick = 5.0
        let s = style.isScript
        switch (left, right) {
        case (.ordinary, .largeOperator), (.largeOperator, .ordinary), (.largeOperator, .largeOperator),
             (.closing, .largeOperator), (.inner, .largeOperator):
            return thin
        case (.ordinary, .binary), (.binary, .ordinary), (.binary, .largeOperator), (.binary, .opening),
             (.binary, .inner), (.closing, .binary), (.inner, .binary):
            return s ? 0 : medium
        case (.ordinary, .relation), (.relation, .ordinary), (.largeOperator, .relation), (.relation, .largeOperator),
             (.relation, .opening), (.relation, .inner), (.closing, .relation), (.inner, .relation):
            return s ? 0 : thick
        case (.ordinary, .inner), (.largeOperator, .inner), (.closing, .inner), (.punctuation, _),
             (.inner, .ordinary), (.inner, .opening), (.inner, .punctuation), (.inner, .inner):
            return s ? 0 : thin
        default:
            return 0
        }
    }

    // MARK: Atoms

    func atom(_ node: MathNode, _ style: MathStyle, base: Double) -> (box: MathBox, cls: MathAtomClass?) {
        let size = base * style.scale
        switch node {
        case .variable(let s): return (.run(run(s, .italic, size: size)), .ordinary)
        case .number(let s): return (.run(run(s, .upright, size: size)), .ordinary)
        case .symbol(let s, let cls): return (.run(run(s, .upright, size: size)), cls)
        case .text(let s): return (.run(run(s, .upright, size: size)), .ordinary)
        case .styled(let s, let variant): return (.run(run(s, variant, size: size)), .ordinary)
        case .function(let name, _): return (.run(run(name, .upright, size: size)), .largeOperator)
        case .largeOperator(let glyph): return (largeOperator(glyph, style, base: base), .largeOperator)
        case .group(let nodes): return (list(nodes, style, base: base), .ordinary)
        case .space(let amount): return (MathBox(width: amount * size), nil)
        case .scripts(let baseNode, let sub, let sup):
            let (nucleus, cls) = atom(baseNode, style, base: base)
            if style == .display, takesLimits(baseNode) {
                return (limits(nucleus, sub: sub, sup: sup, style, base: base), cls)
            }
            return (scripts(nucleus, sub: sub, sup: sup, style, base: base), cls)
        case .fraction(let numerator, let denominator):
            return (fraction(numerator, denominator, style, base: base), .inner)
        case .root(let body, let index): return (root(body, index: index, style, base: base), .ordinary)
        case .accent(let body, let accent): return (self.accent(body, accent, style, base: base), .ordinary)
        case .fenced(let open, let body, let close):
            return (fenced(open, body, close, style, base: base), .inner)
        }
    }

    func takesLimits(_ node: MathNode) -> Bool {
        switch node {
        case .largeOperator(let g): return !["∫", "∬", "∮"].contains(g)
        case .function(_, let limits): return limits
        default: return false
        }
    }

    func largeOperator(_ glyph: String, _ style: MathStyle, base: Double) -> MathBox {
        let grow = style == .display ? 1.55 : style == .text ? 1.2 : 1.0
        let r = run(glyph, .upright, size: base * style.scale * grow)
        // Centre the glyph on the math axis.
        let axis = axisPerPoint * base * style.scale
        var box = MathBox(width: r.width)
        box.place(.run(r), x: 0, y: axis - (r.ascent - r.descent) / 2)
        return box
    }

    func scripts(_ nucleus: MathBox, sub: MathNode?, sup: MathNode?, _ style: MathStyle, base: Double) -> MathBox {
        let em = base * style.scale
        let scriptStyle = style.scriptStyle
        let supBox = sup.map { list([$0], scriptStyle, base: base) }
        let subBox = sub.map { list([$0], scriptStyle, base: base) }
        let xHeight = xHeightPerPoint * em
        let scriptDrop = 0.386 * base * scriptStyle.scale
        var supShift = 0.0, subShift = 0.0
        // TeX measures from a compound nucleus's height and depth, but uses fixed
        // shifts for a single character so x^2 and b^2 put the 2 at the same height.
        let height = nucleus.isCharacter ? 0 : nucleus.ascent - scriptDrop
        let depth = nucleus.isCharacter ? 0 : nucleus.descent + 0.05 * em
        if let s = supBox {
            supShift = max(height, style == .display ? 0.41 * em : 0.36 * em, s.descent + xHeight / 4)
        }
        if let s = subBox {
            subShift = max(depth, supBox == nil ? 0.15 * em : 0.25 * em, s.ascent - 0.8 * xHeight)
        }
        if let p = supBox, let b = subBox {
            // Keep at least four rule widths between the superscript's bottom and the subscript's top.
            let gap = (supShift - p.descent) - (b.ascent - subShift)
            let minimum = 4 * ruleThickness(em)
            if gap < minimum { subShift += minimum - gap }
        }
        var box = nucleus
        let kern = nucleus.italicEnd ? 0.08 * em : 0
        let start = nucleus.width
        var end = start
        if let s = supBox { box.place(s, x: start + kern, y: supShift); end = max(end, start + kern + s.width) }
        if let s = subBox { box.place(s, x: start, y: -subShift); end = max(end, start + s.width) }
        box.width = end + 0.04 * em
        box.italicEnd = false
        return box
    }

    func limits(_ nucleus: MathBox, sub: MathNode?, sup: MathNode?, _ style: MathStyle, base: Double) -> MathBox {
        let em = base * style.scale
        let supBox = sup.map { list([$0], style.scriptStyle, base: base) }
        let subBox = sub.map { list([$0], style.scriptStyle, base: base) }
        let width = max(nucleus.width, supBox?.width ?? 0, subBox?.width ?? 0)
        var box = MathBox(width: width)
        box.place(nucleus, x: (width - nucleus.width) / 2, y: 0)
        let gap = 0.15 * em
        if let s = supBox {
            box.place(s, x: (width - s.width) / 2, y: nucleus.ascent + gap + s.descent)
            box.ascent += 0.08 * em
        }
        if let s = subBox {
            box.place(s, x: (width - s.width) / 2, y: -(nucleus.descent + gap + s.ascent))
            box.descent += 0.08 * em
        }
        return box
    }

    func ruleThickness(_ em: Double) -> Double { max(0.35, 0.05 * em) }

    func fraction(_ numerator: MathNode, _ denominator: MathNode, _ style: MathStyle, base: Double) -> MathBox {
        let em = base * style.scale
        let partStyle = style.fractionStyle
        let num = list([numerator], partStyle, base: base)
        let den = list([denominator], partStyle, base: base)
        let rule = ruleThickness(em)
        let axis = axisPerPoint * em
        let gap = style == .display ? 2.5 * rule : 1.5 * rule
        let pad = 0.12 * em
        let inner = max(num.width, den.width) + 0.1 * em
        var box = MathBox(width: inner + 2 * pad)
        let numShift = max(axis + rule / 2 + gap + num.descent, style == .display ? 0.68 * em : 0.0)
        let denShift = max(den.ascent + gap + rule / 2 - axis, style == .display ? 0.68 * em : 0.0)
        box.place(num, x: pad + (inner - num.width) / 2, y: numShift)
        box.place(den, x: pad + (inner - den.width) / 2, y: -denShift)
        box.items.append(.rule(x: pad, y: axis - rule / 2, width: inner, height: rule))
        return box
    }

    func root(_ body: MathNode, index: MathNode?, _ style: MathStyle, base: Double) -> MathBox {
        let em = base * style.scale
        let inner = list([body], style, base: base)
        let rule = ruleThickness(em)
        let gap = style == .display ? 0.2 * em : 0.12 * em
        let top = max(inner.ascent, xHeightPerPoint * em) + gap + rule / 2
        let bottom = -max(inner.descent, 0.05 * em) - 0.05 * em
        let height = top - bottom
        let signWidth = min(0.55 * em + 0.1 * height, 1.0 * em)
        let tickY = bottom + min(0.5 * height, 0.45 * em)
        var box = MathBox(width: 0)
        var indexWidth = 0.0
        if let index {
            let i = list([index], .scriptScript, base: base)
            indexWidth = max(0, i.width - 0.3 * signWidth)
            box.place(i, x: 0, y: tickY + 0.1 * em + i.descent)
        }
        let x0 = indexWidth
        box.items.append(.stroke([
            .move(x0, tickY - 0.05 * em),
            .line(x0 + 0.18 * signWidth, tickY),
            .line(x0 + 0.48 * signWidth, bottom),
            .line(x0 + signWidth, top),
            .line(x0 + signWidth + inner.width + 0.1 * em, top),
        ], lineWidth: rule))
        // The down stroke of a radical is the heavy one.
        box.items.append(.stroke([.move(x0 + 0.18 * signWidth, tickY), .line(x0 + 0.48 * signWidth, bottom)],
                                 lineWidth: 2.2 * rule))
        box.place(inner, x: x0 + signWidth + 0.05 * em, y: 0)
        box.width = x0 + signWidth + inner.width + 0.15 * em
        box.ascent = max(box.ascent, top + rule)
        box.descent = max(box.descent, -bottom + rule)
        return box
    }
}
