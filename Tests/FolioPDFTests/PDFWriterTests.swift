import CCairo
import Foundation
import FolioSubprocess
import XCTest
import FolioDocument
import FolioDocumentFixtures
import FolioMath
@testable import FolioPDF

/// A figure that draws a bar chart of plain rectangles with Cairo.
struct RectangleFigure: DocumentFigure {
    var widthPoints: Double
    var heightPoints: Double
    func draw(into cairo: OpaquePointer) {
        cairo_set_source_rgb(cairo, 0.94, 0.95, 0.97)
        cairo_rectangle(cairo, 0, 0, widthPoints, heightPoints)
        cairo_fill(cairo)
        let bars = 8
        for i in 0..<bars {
            let h = heightPoints * 0.8 * Double(i + 2) / Double(bars + 2)
            let w = widthPoints / Double(bars) * 0.6
            cairo_set_source_rgb(cairo, 0.2, 0.35 + 0.05 * Double(i), 0.65)
            cairo_rectangle(cairo, widthPoints / Double(bars) * (Double(i) + 0.2), heightPoints * 0.9 - h, w, h)
            cairo_fill(cairo)
        }
        cairo_set_source_rgb(cairo, 0.1, 0.1, 0.1)
        cairo_set_line_width(cairo, 1)
        cairo_rectangle(cairo, 0.5, 0.5, widthPoints - 1, heightPoints - 1)
        cairo_stroke(cairo)
    }
    func svg(idPrefix: String) throws -> String { "<svg id=\"\(idPrefix)\"/>" }
}

enum SampleDocument {
    static let sampleValue = "97.83"

    static func make() -> Document {
        let rows: [[[Inline]]] = (1...80).map { epoch in
            [[.text("\(epoch)")], [.text(String(format: "%.4f", 2.3 / Double(epoch)))],
             [.text(String(format: "%.2f", 80 + Double(epoch) * 0.2))], [.text(epoch % 2 == 0 ? "SGD" : "Adam")]]
        }
        let longTable = Table(id: "tbl-epochs", number: 1, caption: [.text("Loss and accuracy for every epoch.")],
                              header: [[.text("Epoch")], [.text("Training loss")], [.text("Test accuracy (%)")], [.text("Optimiser")]],
                              rows: rows, alignments: [.right, .right, .right, .left])
        let figure = FigureBlock(id: "fig-curves", number: 1,
                                 caption: [.text("Training curves for Adam, "), .math(#"\eta = 10^{-3}"#), .text(".")],
                                 figure: RectangleFigure(widthPoints: 640, heightPoints: 300))
        let discussion = "Adaptive methods scale each parameter's step by a running estimate of the gradient's second moment, "
            + "so parameters with consistently small gradients take relatively larger steps. In the first epoch this lets the "
            + "network leave the flat region around its initialisation quickly, which is why the training loss drops by more "
            + "than half within the first few hundred batches. Later the estimates settle and the effective learning rate "
            + "shrinks, and the curve flattens; the gap between training and test accuracy stays small throughout, so the "
            + "model is not yet overfitting at this budget."
        let softmax = #"\operatorname{softmax}(z)_i = \frac{\exp(z_i)}{\sum_{j=1}^{K} \exp(z_j)}"#
        let intro: [Block] = [.paragraph([.text("This report answers every question of the handout from computations made for it.")])]
        let q11 = Question(id: "1.1", title: "Training with Adam",
            prompt: [.paragraph([.text("Train the CNN for five epochs with Adam ("), .math(#"\eta = 10^{-3}, \beta_1 = 0.9"#),
                                 .text("). Plot the training curves and report the test accuracy.")])],
            answer: [
                .paragraph([.text("The network reaches a test accuracy of "), .strong([.text(sampleValue + " %")]),
                            .text(" after five epochs; "), .reference(label: "Figure 1", target: "fig-curves"),
                            .text(" shows the loss falling quickly in the first epoch. The loss is the cross-entropy "),
                            .math(#"\mathcal{L}(\theta) = -\frac{1}{N}\sum_{n=1}^{N} \log p_\theta(y_n \mid x_n)"#),
                            .text(" with parameters "), .math(#"\theta \in \mathbb{R}^{d}"#),
                            .text(" and the gradient "), .math(#"\nabla_\theta \mathcal{L}"#), .text(".")]),
                .paragraph([.text(discussion)]),
                .paragraph([.text(discussion)]),
                .figure(figure),
                .paragraph([.text("Adam keeps running averages "), .math(#"\hat{m}_t"#), .text(" and "), .math(#"\hat{v}_t"#),
                            .text(" of the gradient and its square, and updates")]),
                .math(#"\theta_{t+1} = \theta_t - \eta \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}"#),
                .paragraph([.emphasis([.text("Timing.")]), .text(" One epoch took "), .code("12.4 s"),
                            .text(" on two cores; see "), .link(text: [.text("the PyTorch docs")], url: "https://pytorch.org/docs/"),
                            .text(" for the reference implementation.")]),
            ])
        let q12 = Question(id: "1.2", title: "Softmax and its gradient",
            prompt: [.paragraph([.text("Derive the gradient of the softmax cross-entropy with respect to the logits.")])],
            answer: [
                .paragraph([.text("With logits "), .math(#"z \in \mathbb{R}^K"#), .text(", the softmax is")]),
                .math(softmax),
                .paragraph([.text("and the gradient of "), .math(#"\ell = -\log \operatorname{softmax}(z)_y"#),
                            .text(" is "), .math(#"\partial \ell / \partial z_i = p_i - [i = y]"#),
                            .text(". The prediction is "), .math(#"\hat{y} = \arg\max_k p_k"#), .text(", and "),
                            .math(#"\left\lVert \nabla \ell \right\rVert_2 \le \sqrt{2}"#), .text(".")]),
                .math(#"\hat{y} = \arg\max_{k \in \{1, \ldots, K\}} \left( \frac{e^{z_k}}{\sum_j e^{z_j}} \right) \approx \prod_{i=1}^{n} x_i^2 \quad \text{for } n \to \infty"#),
                .list(ordered: true, items: [
                    [.paragraph([.text("Compute "), .math(#"p = \operatorname{softmax}(z)"#), .text(".")])],
                    [.paragraph([.text("Subtract one at the true class.")]),
                     .list(ordered: false, items: [[.paragraph([.text("nested point one")])], [.paragraph([.text("nested point two")])]])],
                    [.paragraph([.text("Average over the batch of size "), .math("B"), .text(".")])],
                ]),
                .paragraph([.text("Other notation used in the report: "), .math(#"\bar{x} = \frac{1}{n}\sum_i x_i"#), .text(", "),
                            .math(#"\tilde{w} \ne w"#), .text(", "), .math(#"\mathbf{W} \in \mathbb{R}^{m \times n}"#), .text(", "),
                            .math(#"\min_w \exp(-w) \approx 0"#), .text(", "), .math(#"a_1, a_2, \cdots, a_n"#), .text(", "),
                            .math(#"\Omega \;\to\; \infty"#), .text(", "), .math(#"x \ge 0 \le y"#), .text(", "),
                            .math(#"\alpha\beta\gamma\delta\lambda\mu\sigma\Sigma\Delta\Gamma"#), .text(", "),
                            .math(#"\mathrm{ReLU}(x) = \max(0, x)"#), .text(", and "), .math(#"\sqrt[3]{8} = 2"#), .text(".")]),
                .math(#"\mathcal{L}_{\text{total}} = \frac{1}{B}\sum_{b=1}^{B} \left[ -\log \frac{e^{z_{b,y_b}}}{\sum_{k} e^{z_{b,k}}} \right] + \lambda \left\lVert \mathbf{W} \right\rVert_2^2"#),
                .paragraph([.text(discussion + " " + discussion)]),
                .paragraph([.text(discussion + " " + discussion)]),
                .paragraph([.text(discussion + " " + discussion)]),
                .quote([.paragraph([.text("The gradient of the loss with respect to the logits is simply the prediction minus the target.")])]),
            ])
        let q21 = Question(id: "2.1", title: "Per-epoch results",
            prompt: [.paragraph([.text("Tabulate the loss and accuracy after every epoch.")])],
            answer: [.paragraph([.reference(label: "Table 1", target: "tbl-epochs"), .text(" lists every epoch.")]), .table(longTable)])
        var summaryLines: [String] = []
        for i in 0..<70 {
            let params: Int = (i + 1) * 9 * 32
            summaryLines.append("conv\(i)  Conv2d(\(i + 1), \(i + 2), kernel_size=3)   params \(params)")
        }
        let summary = summaryLines.joined(separator: "\n")
        let q22 = Question(id: "2.2", title: "Model summary",
            prompt: [.paragraph([.text("Print the model summary.")])],
            answer: [.listing(Listing(caption: [.text("Model summary")], text: summary)),
                     .heading(level: 1, [.text("Classification report")]),
                     .paragraph([.text("Precision and recall are close for every class.")]),
                     .table(Table(header: [[.text("Class")], [.text("Precision")], [.text("Recall")]],
                                  rows: [[[.text("0")], [.text("0.99")], [.text("0.98")]], [[.text("1")], [.text("0.98")], [.text("0.99")]]],
                                  alignments: [.left, .right, .right])),
                     .rule])
        return Document(id: "sample", title: "Assignment 1: Training CNNs on MNIST", course: "Deep Learning · Spring 2026",
                        subtitle: "Optimisers, regularisation and architecture",
                        generatedBy: ["Generated by Folio 0.1 on 2026-11-22", "Seed 42 · MNIST · profile quick"],
                        parts: [Part(id: "part-1", title: "Part 1: Optimisers", intro: intro, questions: [q11, q12]),
                                Part(id: "part-2", title: "Part 2: Results", questions: [q21, q22])])
    }
}

final class PDFWriterTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("folio-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let result = try Subprocess.run("/usr/bin/" + tool, arguments)
        XCTAssertEqual(result.status, 0, "\(tool) failed: \(result.stderr)")
        return result.stdout
    }

    func writeSample() throws -> URL {
        let url = directory.appendingPathComponent("sample.pdf")
        try writePDF(SampleDocument.make(), to: url)
        if let keep = ProcessInfo.processInfo.environment["FOLIO_KEEP_PDF"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: url, to: URL(fileURLWithPath: keep))
        }
        return url
    }

    func testSampleIsA4WithExpectedPagesAndText() throws {
        let url = try writeSample()
        let info = try run("pdfinfo", [url.path])
        XCTAssertTrue(info.contains("595.28 x 841.89 pts (A4)"), info)
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.split(separator: " ").last!) } ?? 0
        XCTAssertTrue((6...12).contains(pages), "unexpected page count \(pages)")
        XCTAssertTrue(info.contains("Title:           Assignment 1: Training CNNs on MNIST"), info)
        XCTAssertTrue(info.contains("Author:          Folio"), info)
        let text = try run("pdftotext", ["-layout", url.path, "-"])
        for id in ["1.1", "1.2", "2.1", "2.2"] { XCTAssertTrue(text.contains(id), "question \(id) missing") }
        XCTAssertTrue(text.contains(SampleDocument.sampleValue))
        XCTAssertTrue(text.contains("Contents"))
        XCTAssertTrue(text.contains("Figure 1."))
        XCTAssertFalse(text.contains(" ? "), "a contents entry has no page number")
    }

    func testTheSameDocumentGivesTheSameBytes() throws {
        let first = try Data(contentsOf: try writeSample())
        let second = try Data(contentsOf: try writeSample())
        XCTAssertEqual(first, second, "Cairo's drawing and qpdf's finishing are both deterministic")
    }

    func testOutlineLinksAndDestinationsArePresent() throws {
        // qpdf stores the dictionaries in compressed object streams; read them back opened up.
        let pdf = try run("qpdf", ["--qdf", "--object-streams=disable", try writeSample().path, "-"])
        XCTAssertTrue(pdf.contains("/Outlines"))
        XCTAssertTrue(pdf.contains("/Dests") || pdf.contains("/Names"), "no named destinations")
        XCTAssertTrue(pdf.contains("/Subtype /Link") || pdf.contains("/Subtype/Link"), "no link annotations")
        XCTAssertTrue(pdf.contains("q-1-1"))
    }

    func testLongTableRepeatsItsHeaderOnEveryPage() throws {
        let url = try writeSample()
        let text = try run("pdftotext", ["-layout", url.path, "-"])
        let pages = text.split(separator: "\u{0C}")
        let withRows = pages.filter { $0.contains("0.0288") || $0.contains("0.1150") || $0.contains("2.3000") }
        let tablePages = pages.filter { page in
            page.split(separator: "\n").contains { $0.contains("Adam") || $0.contains("SGD") } &&
                page.range(of: #"\d\.\d{4}"#, options: .regularExpression) != nil
        }
        XCTAssertGreaterThanOrEqual(tablePages.count, 2, "the 80-row table should span pages")
        XCTAssertFalse(withRows.isEmpty)
        for page in tablePages { XCTAssertTrue(page.contains("Training loss"), "a table page lacks the header") }
    }

    func testNoWordCrossesTheRightMargin() throws {
        let url = try writeSample()
        let html = try run("pdftotext", ["-bbox", url.path, "-"])
        let limit = PDFPage.width - PDFPage.marginRight + 1.0
        let pattern = try NSRegularExpression(pattern: #"<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)</word>"#)
        var words = 0
        for match in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let xMin = Double(html[Range(match.range(at: 1), in: html)!])!
            let xMax = Double(html[Range(match.range(at: 2), in: html)!])!
            let word = String(html[Range(match.range(at: 3), in: html)!])
            XCTAssertLessThanOrEqual(xMax, limit, "'\(word)' overflows the right margin")
            XCTAssertGreaterThanOrEqual(xMin, PDFPage.marginLeft - 1.0, "'\(word)' overflows the left margin")
            words += 1
        }
        XCTAssertGreaterThan(words, 500)
    }

    func testOutputIsReproducibleAndAtomic() throws {
        let url = directory.appendingPathComponent("again.pdf")
        try writePDF(SampleDocument.make(), to: url)
        let first = try Data(contentsOf: url)
        try writePDF(SampleDocument.make(), to: url)
        XCTAssertEqual(first, try Data(contentsOf: url))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testBadMathNamesTheQuestionAndCommandAndLeavesOldFile() throws {
        let url = directory.appendingPathComponent("bad.pdf")
        try Data("previous".utf8).write(to: url)
        var document = SampleDocument.make()
        document.parts[1].questions[0].answer.append(.paragraph([.math(#"x = \foo{y}"#)]))
        XCTAssertThrowsError(try writePDF(document, to: url)) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("question 2.1"), message)
            XCTAssertTrue(message.contains("\\foo"), message)
        }
        XCTAssertEqual(try Data(contentsOf: url), Data("previous".utf8))
    }

    func testCreationDateComesFromTheDocument() {
        XCTAssertEqual(documentDate(SampleDocument.make()), "2026-11-22T00:00:00Z")
        XCTAssertEqual(documentDate(Document(id: "x", title: "t", course: "c")), "2000-01-01T00:00:00Z")
    }
}

final class PDFWriterEdgeTests: XCTestCase {
    func testDocumentWithoutPartsIsOnePage() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("folio-empty-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(at: url) }
        try writePDF(Document(id: "empty", title: "Nothing yet", course: "Course"), to: url)
        let data = try Data(contentsOf: url)
        XCTAssertTrue(data.starts(with: Data("%PDF".utf8)))
        let info = try Subprocess.run("pdfinfo", [url.path]).stdout
        XCTAssertTrue(info.contains("Pages:           1"), info)
    }

    func testMissingDirectoryIsAClearError() {
        let url = URL(fileURLWithPath: "/nonexistent-folio-dir/report.pdf")
        XCTAssertThrowsError(try writePDF(SampleDocument.make(), to: url)) { error in
            XCTAssertTrue(String(describing: error).contains("/nonexistent-folio-dir"), String(describing: error))
        }
    }
}

final class PDFWriterTextTests: XCTestCase {
    func testMarkupLikeTextIsSetLiterallyAndLongMathFits() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("folio-literal-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(at: url) }
        let longMath = (1...40).map { "x_{\($0)}" }.joined(separator: " + ")
        let question = Question(id: "1.1", title: "Escaping <i>", answer: [
            .paragraph([.text("Literal <b>not bold</b> & AT&T; 5 < 6 > 4 "), .code("a<b>&c")]),
            .paragraph([.text("Long: "), .math(longMath)]),
        ])
        let document = Document(id: "t", title: "A title that is rather long & has <markup> in it, long enough to need an ellipsis in the running header",
                                course: "Course", parts: [Part(id: "part-1", title: "Part", questions: [question])])
        try writePDF(document, to: url)
        let text = try Subprocess.run("/usr/bin/pdftotext", ["-bbox", url.path, "-"]).stdout
        for word in ["&lt;b&gt;not", "bold&lt;/b&gt;", "AT&amp;T;", "a&lt;b&gt;&amp;c", "&lt;i&gt;"] {
            XCTAssertTrue(text.contains(">\(word)</word>"), "missing \(word)")
        }
        let pattern = try NSRegularExpression(pattern: #"xMax="([\d.]+)""#)
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let xMax = Double(text[Range(match.range(at: 1), in: text)!])!
            XCTAssertLessThanOrEqual(xMax, PDFPage.width - PDFPage.marginRight + 1)
        }
    }
}
