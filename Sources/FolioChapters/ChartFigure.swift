import FolioCharts
import FolioDocument
import Foundation

/// A chart-kit figure placed in the document: vector drawing for the PDF, inline
/// SVG for the HTML. The conformance lives here so neither FolioCharts nor
/// FolioDocument depends on the other.
public struct ChartFigure: DocumentFigure {
    public let figure: FolioCharts.Figure
    /// The SVG by id prefix, shared by copies of this figure: the HTML page and each
    /// section page, and every re-render of a preview, draw it once.
    private let drawn = DrawnSVG()

    public init(_ figure: FolioCharts.Figure) { self.figure = figure }

    public var widthPoints: Double { figure.widthPoints }
    public var heightPoints: Double { figure.heightPoints }

    public func draw(into cairo: OpaquePointer) { FolioCharts.draw(figure, into: cairo) }

    /// The smallest text a printed figure should carry (FolioCharts' `PrintSize`).
    public static let minimumPrintedText = PrintSize.minimumText

    /// The smallest text as printed on a page that fits the figure into `width` × `height`.
    public func smallestPrintedTextSize(width: Double, height: Double) -> Double? {
        figure.smallestPrintedTextSize(width: width, height: height)
    }

    public func svg(idPrefix: String) throws -> String {
        try drawn.svg(idPrefix) { try svgString(figure, idPrefix: idPrefix) }
    }

    /// SVG and PDF at natural size; PNG at twice it, sharp on high-density screens;
    /// and the plotted numbers as CSV.
    public func standaloneFiles() throws -> [(fileExtension: String, bytes: [UInt8])] {
        try [(OutputFormat.svg, "svg", 1.0), (.png, "png", 2.0), (.pdf, "pdf", 1.0)].map { format, ext, scale in
            (ext, try render(figure, to: format, scale: scale))
        } + [("csv", Array(figure.csv.utf8))]
    }
}

extension FigureContent {
    init(_ caption: String, _ figure: FolioCharts.Figure) {
        self.init(caption: caption, figure: ChartFigure(figure))
    }
}

/// A figure's SVG, drawn once per id prefix.
private final class DrawnSVG: @unchecked Sendable {
    private let lock = NSLock()
    private var byPrefix: [String: String] = [:]

    func svg(_ prefix: String, draw: () throws -> String) rethrows -> String {
        if let svg = lock.withLock({ byPrefix[prefix] }) { return svg }
        let svg = try draw()
        lock.withLock { byPrefix[prefix] = svg }
        return svg
    }
}
