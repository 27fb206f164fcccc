// One walk of the report tree, shared by everything that reads a Document. The HTML
// and PDF writers lay the report out through `Document.walk` (part, introduction,
// questions, end of part, in reading order), and the questions they both ask of the
// tree — which anchors exist, whether there is math — go through `forEachBlock` and
// `forEachInline` instead of a recursion of their own. A new kind of block is then
// taught to the walk once, and every reader sees it the same way.

/// What a reader does at each stop of `Document.walk`. Every stop defaults to doing
/// nothing, so a reader that wants only the questions (a table of contents) says so.
public protocol DocumentVisitor {
    /// A part begins: its heading.
    mutating func enterPart(_ part: Part) throws
    /// The part's introduction, before its first question (possibly empty).
    mutating func visitIntroduction(_ blocks: [Block], of part: Part) throws
    mutating func visitQuestion(_ question: Question, in part: Part) throws
    /// The part's last question has been visited.
    mutating func exitPart(_ part: Part) throws
}

extension DocumentVisitor {
    public mutating func enterPart(_ part: Part) throws {}
    public mutating func visitIntroduction(_ blocks: [Block], of part: Part) throws {}
    public mutating func visitQuestion(_ question: Question, in part: Part) throws {}
    public mutating func exitPart(_ part: Part) throws {}
}

extension Document {
    /// Takes `visitor` through the report in reading order.
    public func walk(_ visitor: inout some DocumentVisitor) throws {
        for part in parts {
            try visitor.enterPart(part)
            try visitor.visitIntroduction(part.intro, of: part)
            for question in part.questions { try visitor.visitQuestion(question, in: part) }
            try visitor.exitPart(part)
        }
    }

    /// Every block of the report, depth first in reading order: each part's
    /// introduction, then each question's prompt and answer.
    public func forEachBlock(_ body: (Block) throws -> Void) rethrows {
        for part in parts {
            try part.intro.forEachBlock(body)
            for question in part.questions { try question.forEachBlock(body) }
        }
    }

    /// Whether any block or inline holds TeX math (the HTML then needs KaTeX).
    public var containsMath: Bool {
        var found = false
        forEachBlock { block in
            if found { return }
            if case .math = block { found = true; return }
            for run in block.inlineRuns { run.forEachInline { if case .math = $0 { found = true } } }
        }
        return found
    }

    /// Every anchor a link may point to: parts, questions, placed figures and tables.
    public var anchors: Set<String> {
        var found = Set<String>()
        for part in parts {
            found.insert(part.id)
            found.formUnion(part.intro.placedAnchors)
            for question in part.questions {
                found.insert(question.anchor)
                found.formUnion(question.placedAnchors)
                if !question.supplements.isEmpty { found.insert(question.supplementsAnchor) }
            }
        }
        if colophon != nil { found.insert(Colophon.anchor) }
        return found
    }
}

extension Question {
    /// The prompt's blocks then the answer's, depth first.
    public func forEachBlock(_ body: (Block) throws -> Void) rethrows {
        try prompt.forEachBlock(body)
        try answer.forEachBlock(body)
    }

    /// Figure and table anchors placed in the prompt or the answer.
    public var placedAnchors: Set<String> { prompt.placedAnchors.union(answer.placedAnchors) }
}

extension Block {
    /// The blocks directly inside this one: a list's items in order, a quote's blocks.
    public var children: [Block] {
        switch self {
        case let .list(_, items): return items.flatMap { $0 }
        case let .quote(blocks): return blocks
        case .paragraph, .heading, .math, .code, .listing, .table, .figure, .rule: return []
        }
    }

    /// The runs of inline content this block holds itself (not its children's), in
    /// reading order: a paragraph's or heading's text; a table's caption, header cells
    /// and body cells; a figure's or listing's caption.
    public var inlineRuns: [[Inline]] {
        switch self {
        case let .paragraph(inlines), let .heading(_, inlines): return [inlines]
        case let .table(table): return [table.caption] + table.header + table.rows.flatMap { $0 }
        case let .figure(figure): return [figure.caption]
        case let .listing(listing): return [listing.caption]
        case .list, .quote, .math, .code, .rule: return []
        }
    }
}

extension Sequence<Block> {
    /// Visits every block, depth first in reading order (a list before its items).
    public func forEachBlock(_ body: (Block) throws -> Void) rethrows {
        for block in self {
            try body(block)
            try block.children.forEachBlock(body)
        }
    }

    /// Figure and table anchors placed in these blocks, at any depth.
    public var placedAnchors: Set<String> {
        var found = Set<String>()
        forEachBlock { block in
            switch block {
            case let .figure(figure): found.insert(figure.id)
            case let .table(table): if let id = table.id { found.insert(id) }
            default: break
            }
        }
        return found
    }
}

extension Inline {
    /// The inlines directly inside this one: emphasised, strong or linked text.
    public var children: [Inline] {
        switch self {
        case let .emphasis(inlines), let .strong(inlines): return inlines
        case let .link(text, _): return text
        case .text, .code, .math, .reference, .lineBreak: return []
        }
    }
}

extension Sequence<Inline> {
    /// Visits every inline, depth first in reading order.
    public func forEachInline(_ body: (Inline) throws -> Void) rethrows {
        for inline in self {
            try body(inline)
            try inline.children.forEachInline(body)
        }
    }
}

extension Document {
    /// The report with `transform` applied to every placed figure, at any depth.
    public func mappingFigures(_ transform: (FigureBlock) -> FigureBlock) -> Document {
        func map(_ blocks: [Block]) -> [Block] {
            blocks.map { block in
                switch block {
                case let .figure(figure): return .figure(transform(figure))
                case let .list(ordered, items): return .list(ordered: ordered, items: items.map(map))
                case let .quote(children): return .quote(map(children))
                default: return block
                }
            }
        }
        var copy = self
        for p in copy.parts.indices {
            copy.parts[p].intro = map(copy.parts[p].intro)
            for q in copy.parts[p].questions.indices {
                copy.parts[p].questions[q].answer = map(copy.parts[p].questions[q].answer)
            }
        }
        return copy
    }
}
