import FolioCharts
import FolioDocument

/// A chart-kit figure placed in the document: vector drawing for the PDF, inline
/// SVG for the HTML. The conformance lives here so neither FolioCharts nor
/// FolioDocument depends on the other.
public struct ChartFigure: DocumentFigure {
    public let figure: FolioCharts.Figure

    public init(_ figure: FolioCharts.Figure) { self.figure = figure }

    public var widthPoints: Double { figure.widthPoints }
    public var heightPoints: Double { figure.heightPoints }

    public func draw(into cairo: OpaquePointer) { FolioCharts.draw(figure, into: cairo) }

    public func svg(idPrefix: String) throws -> String { try svgString(figure, idPrefix: idPrefix) }
}

extension FigureContent {
    init(_ caption: String, _ figure: FolioCharts.Figure) {
        self.init(caption: caption, figure: ChartFigure(figure))
    }
}
