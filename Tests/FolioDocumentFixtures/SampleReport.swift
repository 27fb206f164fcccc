import Foundation
import FolioDocument
import FolioTemplates

/// A report shaped like the real ones (parts, handout questions, math, figures,
/// tables, listings) with made-up prose, for rendering checks.
public enum SampleReport {
    public static func document() throws -> Document {
        let fixture = try ReportFixture(manifest: """
            {"id": "sample", "title": "Assignment 1: Optimisers and Convolutions", "course": "Deep Learning · Sample Course",
             "subtitle": "A made-up report to exercise the writers",
             "parts": [
              {"id": "p1", "title": "Part 1 — Optimisation", "intro": "intro.md", "questions": [
                {"id": "1.1", "title": "Adam on a small MLP", "chapter": "AdamChapter", "answer": "adam.md",
                 "question": "Train the two-layer network $f(x) = W_2\\\\,\\\\mathrm{ReLU}(W_1 x + b_1) + b_2$ with Adam for **5 epochs**. Plot the training and validation loss, and report the test accuracy."},
                {"id": "1.2", "title": "Why momentum helps", "chapter": "TheoryChapter", "answer": "theory.md",
                 "question": "Explain in a few sentences why momentum speeds up gradient descent on ill-conditioned problems."}]},
              {"id": "p2", "title": "Part 2 — Convolutional networks", "questions": [
                {"id": "2.1", "title": "A first CNN", "chapter": "CNNChapter", "answer": "cnn.md",
                 "question": "Build a CNN with two convolution layers, print its summary, and compare it with the MLP of question 1.1 (see @fig-curves)."}]}]}
            """, fragments: [
                "intro.md": "Every experiment below uses the same split and seed; numbers are computed when the report is built.",
                "adam.md": """
                    We trained for {{epochs}} epochs with learning rate $\\eta = {{lr}}$ and batch size {{batch}}.
                    The test accuracy is **{{accuracy}}**, and training took {{time}}. @fig-curves shows the losses;
                    the validation loss flattens after epoch {{plateau}}.

                    ![Training and validation loss of the MLP trained with Adam ($\\beta_1 = 0.9$, $\\beta_2 = 0.999$).](figure:curves)

                    The update keeps running averages of the gradient and its square:

                    $$
                    m_t = \\beta_1 m_{t-1} + (1-\\beta_1)\\, g_t, \\qquad
                    \\theta_t = \\theta_{t-1} - \\eta\\, \\frac{\\hat m_t}{\\sqrt{\\hat v_t} + \\epsilon}
                    $$

                    [[table:epochs]]

                    @tbl-epochs lists the per-epoch numbers.
                    """,
                "theory.md": """
                    On an ill-conditioned quadratic the gradient points mostly across the valley, so plain gradient
                    descent zig-zags. Momentum averages successive steps:

                    - components that flip sign from step to step *cancel*,
                    - components along the valley floor *accumulate*.

                    With heavy-ball momentum the iteration is $v_{t+1} = \\mu v_t - \\eta \\nabla L(\\theta_t)$,
                    and the effective step along a consistent direction grows to $\\eta / (1-\\mu)$.
                    """,
                "cnn.md": """
                    The network has {{params}} parameters:

                    [[listing:summary]]

                    | Model | Parameters | Test accuracy |
                    |:------|-----------:|--------------:|
                    | MLP   | 101 770    | 97.8 %        |
                    | CNN   | {{params}} | {{cnn_accuracy}} |

                    Compared with @fig-curves, the CNN's loss falls faster (@fig-cnn).

                    ![](figure:cnn)
                    """,
            ])
        let epochs = TableContent(caption: "Loss and accuracy per epoch (Adam, learning rate 0.001).",
                                  header: ["Epoch", "Training loss", "Validation loss", "Validation accuracy"],
                                  rows: (1...5).map { ["\($0)", String(format: "%.4f", 0.4 / Double($0)),
                                                       String(format: "%.4f", 0.3 / Double($0) + 0.05),
                                                       String(format: "%.2f %%", 94 + Double($0) * 0.7)] },
                                  alignments: [.right, .right, .right, .right])
        return try assembleDocument(manifest: fixture.manifest(), contents: [
            "1.1": SectionContent(values: ["epochs": "5", "lr": "0.001", "batch": "64", "accuracy": "97.84 %",
                                           "time": "41.3 s", "plateau": "3"],
                                  figures: ["curves": FigureContent(caption: "", figure: BoxFigure())],
                                  tables: ["epochs": epochs]),
            "2.1": SectionContent(values: ["params": "93 322", "cnn_accuracy": "98.9 %"],
                                  figures: ["cnn": FigureContent(caption: "Training loss of the CNN per batch.",
                                                                 figure: BoxFigure(widthPoints: 420, heightPoints: 180))],
                                  listings: ["summary": ListingContent(caption: "Model summary", text: """
                                      Layer (type)          Output shape      Param #
                                      ================================================
                                      conv1 (Conv2d)        [32, 28, 28]          320
                                      conv2 (Conv2d)        [64, 14, 14]       18 496
                                      fc (Linear)           [10]               74 506
                                      ================================================
                                      Total params: 93 322
                                      """)]),
        ], generatedBy: ["Generated 2026-11-22 03:10 UTC by Folio 0.1 · profile quick · seed 42",
                         "Dataset MNIST (60 000 training, 10 000 test images)"])
    }

    /// Two questions, figures and tables in both, references forward and backward.
    public static func crossReferenced() throws -> Document {
        let fixture = try ReportFixture(manifest: """
            {"id": "rep", "title": "T", "course": "C", "parts": [
              {"id": "a", "title": "A", "intro": "intro.md", "questions": [
                {"id": "1.1", "title": "Q1", "question": "See @fig-b.", "chapter": "X", "answer": "one.md"}]},
              {"id": "b", "title": "B", "questions": [
                {"id": "2.1", "title": "Q2", "question": "Q?", "chapter": "Y", "answer": "two.md"}]}]}
            """, fragments: [
                "intro.md": "Intro mentions @tbl-results.",
                "one.md": """
                    As @fig-a shows, and later @fig-b and @tbl-results.

                    ![](figure:a)

                    [[table:first]]

                    [[listing:summary]]
                    """,
                "two.md": """
                    ![Custom *caption* with $x_1$](figure:b)

                    [[table:results]]

                    Back to @fig-a, then @tbl-first.
                    """,
            ])
        let manifest = try fixture.manifest()
        let table = TableContent(caption: "Cap", header: ["h1", "h2"], rows: [["1", "2"]], alignments: [.right])
        return try assembleDocument(manifest: manifest, contents: [
            "1.1": SectionContent(figures: ["a": FigureContent(caption: "Chapter caption A", figure: BoxFigure())],
                                  tables: ["first": table],
                                  listings: ["summary": ListingContent(caption: "Summary", text: "Layer  Params\nfc1    100")]),
            "2.1": SectionContent(figures: ["b": FigureContent(caption: "unused caption", figure: BoxFigure())],
                                  tables: ["results": table]),
        ], generatedBy: [])
    }
}
