import CCairo
import CPango

// Accents over a nucleus, and delimiters sized to their contents (\left … \right).

extension MathTypesetter {
    func accent(_ body: MathNode, _ accent: MathAccent, _ style: MathStyle, base: Double) -> MathBox {
        let em = base * style.scale
        var box = list([body], style, base: base)
        let single: Bool
        if case .variable(let v) = body, v.count == 1 { single = true } else { single = false }
        // Italic letters lean right, so their accents sit right of the box centre.
        let skew = box.italicEnd && single ? 0.08 * em : 0
        let centre = box.width / 2 + skew
        let bottom = max(box.ascent, xHeightPerPoint * em) + 0.08 * em
        let rule = ruleThickness(em)
        let halfWidth = single ? 0.22 * em : max(0.22 * em, box.width / 2 - 0.04 * em)
        switch accent {
        case .bar:
            box.items.append(.rule(x: centre - halfWidth, y: bottom + 0.04 * em, width: 2 * halfWidth, height: rule))
            box.ascent = bottom + 0.04 * em + rule
        case .hat:
            let h = 0.16 * em, w = min(halfWidth, 0.3 * em)
            box.items.append(.stroke([.move(centre - w, bottom), .line(centre, bottom + h), .line(centre + w, bottom)],
                                     lineWidth: rule * 1.1))
            box.ascent = bottom + h + rule
        case .tilde:
            let h = 0.07 * em, w = min(halfWidth, 0.3 * em), y = bottom + 0.06 * em
            box.items.append(.stroke([.move(centre - w, y - h / 2),
                                      .curve(centre - w / 2, y + 1.5 * h, centre + w / 2, y - 1.5 * h, centre + w, y + h / 2)],
                                     lineWidth: rule * 1.2))
            box.ascent = y + h + rule
        case .vec:
            let y = bottom + 0.08 * em, w = halfWidth, head = 0.1 * em
            box.items.append(.stroke([.move(centre - w, y), .line(centre + w, y)], lineWidth: rule))
            box.items.append(.stroke([.move(centre + w - head, y + head * 0.7), .line(centre + w, y),
                                      .line(centre + w - head, y - head * 0.7)], lineWidth: rule))
            box.ascent = y + head + rule
        case .dot:
            let r = 0.055 * em, y = bottom + 0.08 * em
            box.items.append(.stroke([.move(centre, y), .line(centre, y)], lineWidth: 2 * r))
            box.ascent = y + 2 * r
        }
        box.italicEnd = false
        return box
    }

    func fenced(_ open: String, _ body: [MathNode], _ close: String, _ style: MathStyle, base: Double) -> MathBox {
        let em = base * style.scale
        let inner = list(body, style, base: base)
        let axis = axisPerPoint * em
        // Cover the body symmetrically about the axis, like TeX's \delimiterfactor.
        let needed = 2 * max(inner.ascent - axis, inner.descent + axis) * 0.92
        func delimiter(_ glyph: String) -> MathBox {
            guard !glyph.isEmpty else { return MathBox(width: 0.1 * em) }
            let natural = run(glyph, .upright, size: em)
            let naturalHeight = natural.ascent + natural.descent
            if needed <= naturalHeight * 1.05 { return .run(natural) }
            if let drawn = drawnDelimiter(glyph, height: needed, axis: axis, em: em) { return drawn }
            let r = run(glyph, .upright, size: em * min(needed / naturalHeight, 3.2))
            var box = MathBox(width: r.width)
            box.place(.run(r), x: 0, y: axis - (r.ascent - r.descent) / 2)
            return box
        }
        let left = delimiter(open), right = delimiter(close)
        var box = MathBox()
        box.place(left, x: 0, y: 0)
        box.place(inner, x: left.width, y: 0)
        box.place(right, x: left.width + inner.width, y: 0)
        box.width = left.width + inner.width + right.width
        return box
    }

    /// Tall parentheses, brackets and bars drawn as outlines: a scaled glyph would
    /// grow heavy strokes, while TeX's big delimiters keep their stroke weight.
    func drawnDelimiter(_ glyph: String, height: Double, axis: Double, em: Double) -> MathBox? {
        let top = axis + height / 2, bottom = axis - height / 2
        let stroke = 0.085 * em, side = 0.1 * em
        var box = MathBox()
        switch glyph {
        case "(", ")":
            // Outer and inner curves meet in thin tips; the bowl is thickest at the middle.
            let bow = min(0.22 * em + 0.05 * height, 0.6 * em), end = 0.03 * em
            let tipX = side + bow, width = tipX + end + side
            func control(_ middle: Double, _ tip: Double) -> Double { (middle - 0.25 * tip) / 0.75 }
            let k = 0.3 * height
            var outline: [MathPathElement] = [
                .move(tipX, top),
                .curve(control(side, tipX), top - k, control(side, tipX), bottom + k, tipX, bottom),
                .line(tipX + end, bottom),
                .curve(control(side + stroke, tipX + end), bottom + k, control(side + stroke, tipX + end), top - k, tipX + end, top),
            ]
            if glyph == ")" {
                outline = outline.map {
                    switch $0 {
                    case .move(let x, let y): return .move(width - x, y)
                    case .line(let x, let y): return .line(width - x, y)
                    case .curve(let a, let b, let c, let d, let e, let f): return .curve(width - a, b, width - c, d, width - e, f)
                    }
                }
            }
            box.items.append(.fill(outline))
            box.width = width
        case "[", "]":
            let width = 0.28 * em
            let x = glyph == "[" ? side : side + width - stroke
            box.items.append(.rule(x: x, y: bottom, width: stroke, height: height))
            box.items.append(.rule(x: side, y: top - stroke * 0.8, width: width, height: stroke * 0.8))
            box.items.append(.rule(x: side, y: bottom, width: width, height: stroke * 0.8))
            box.width = width + 2 * side
        case "|":
            box.items.append(.rule(x: side, y: bottom, width: stroke * 0.8, height: height))
            box.width = stroke + 2 * side
        case "‖":
            box.items.append(.rule(x: side, y: bottom, width: stroke * 0.8, height: height))
            box.items.append(.rule(x: side + 0.16 * em, y: bottom, width: stroke * 0.8, height: height))
            box.width = 0.16 * em + stroke + 2 * side
        default:
            return nil
        }
        box.ascent = top
        box.descent = -bottom
        return box
    }
}
