import Foundation

/// One row of a model summary: the layer as torchsummary names it (`Conv2d-1`), its
/// output shape, and its parameter count, of which `trainable` are trained. The shape may
/// be given per example (`[32, 28, 28]`) or with torchsummary's -1 batch dimension first
/// (`[-1, 32, 28, 28]`); the table shows the latter either way.
public typealias SummaryRow = (layer: String, outputShape: [Int], parameters: Int, trainable: Int)

/// Parameter totals over the rows of a summary.
public struct ParameterCount: Sendable, Equatable {
    public var total: Int
    public var trainable: Int
    public var nonTrainable: Int { total - trainable }

    public init(total: Int, trainable: Int) {
        self.total = total
        self.trainable = trainable
    }

    public init(rows: [SummaryRow]) {
        self.init(total: rows.reduce(0) { $0 + $1.parameters }, trainable: rows.reduce(0) { $0 + $1.trainable })
    }
}

/// A model summary laid out as torchsummary's `summary(model, input_size)` prints it:
/// layer, output shape with the batch dimension shown as -1, parameter count with
/// thousands separators, the totals, and the size estimates in MB computed by the same
/// formulas (4 bytes per number; the forward/backward figure counts every row's output
/// twice, for the values and their gradients).
///
/// BatchNorm's running statistics are buffers, not parameters, so they stay out of the
/// counts (as in torchsummary) and are listed in a note under the table instead.
public func summaryTable(rows: [SummaryRow], inputShape: [Int], buffers: [(name: String, count: Int)] = []) -> String {
    let rule = String(repeating: "-", count: 64) + "\n"
    let doubleRule = String(repeating: "=", count: 64) + "\n"
    func line(_ layer: String, _ shape: String, _ parameters: String) -> String {
        summaryPadLeft(layer, 20) + "  " + summaryPadLeft(shape, 25) + " " + summaryPadLeft(parameters, 15) + "\n"
    }

    var table = rule + line("Layer (type)", "Output Shape", "Param #") + doubleRule
    for row in rows {
        let shape = [-1] + perExampleShape(row.outputShape)
        table += line(row.layer, "[" + shape.map(String.init).joined(separator: ", ") + "]", groupedThousands(row.parameters))
    }
    let count = ParameterCount(rows: rows)
    table += doubleRule
    table += "Total params: \(groupedThousands(count.total))\n"
    table += "Trainable params: \(groupedThousands(count.trainable))\n"
    table += "Non-trainable params: \(groupedThousands(count.nonTrainable))\n"
    table += rule

    let sizes = SummarySizes(rows: rows, inputShape: inputShape)
    table += "Input size (MB): " + String(format: "%0.2f", sizes.inputMB) + "\n"
    table += "Forward/backward pass size (MB): " + String(format: "%0.2f", sizes.forwardBackwardMB) + "\n"
    table += "Params size (MB): " + String(format: "%0.2f", sizes.parametersMB) + "\n"
    table += "Estimated Total Size (MB): " + String(format: "%0.2f", sizes.totalMB) + "\n"
    table += rule

    if !buffers.isEmpty {
        let values = buffers.reduce(0) { $0 + $1.count }
        table += "Buffers (not parameters): \(groupedThousands(values)) values in \(buffers.count) tensor\(buffers.count == 1 ? "" : "s")\n"
        for buffer in buffers {
            table += "  \(buffer.name): \(groupedThousands(buffer.count))\n"
        }
        table += rule
    }
    return table
}

/// torchsummary's memory estimates for one example, in MB of 2^20 bytes at 4 bytes per
/// number: the input, every listed layer's output counted twice (values and their
/// gradients), and the parameters.
public struct SummarySizes: Sendable, Equatable {
    /// Numbers in one example's input.
    public var inputValues: Int
    /// Numbers output by the listed layers for one example.
    public var outputValues: Int
    public var parameters: Int

    public init(rows: [SummaryRow], inputShape: [Int]) {
        inputValues = inputShape.reduce(1, *)
        outputValues = rows.reduce(0) { $0 + perExampleShape($1.outputShape).reduce(1, *) }
        parameters = ParameterCount(rows: rows).total
    }

    static let megabyte = 1024.0 * 1024.0
    public var inputMB: Double { Double(inputValues) * 4 / Self.megabyte }
    public var forwardBackwardMB: Double { 2 * Double(outputValues) * 4 / Self.megabyte }
    public var parametersMB: Double { Double(parameters) * 4 / Self.megabyte }
    /// Summed in torchsummary's order, so the rounded total agrees with it.
    public var totalMB: Double { parametersMB + forwardBackwardMB + inputMB }
}

/// A summary row's shape without torchsummary's leading -1 batch dimension.
private func perExampleShape(_ shape: [Int]) -> [Int] {
    shape.first == -1 ? Array(shape.dropFirst()) : shape
}

/// An integer with commas between groups of three digits, as Python's `"{:,}"`.
public func groupedThousands(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var grouped = ""
    for (i, digit) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { grouped += "," }
        grouped.append(digit)
    }
    return value < 0 ? "-" + grouped : grouped
}

/// Right-aligns like Python's `"{:>width}"`: never truncates a longer text.
private func summaryPadLeft(_ text: String, _ width: Int) -> String {
    let missing = width - text.unicodeScalars.count
    return missing > 0 ? String(repeating: " ", count: missing) + text : text
}
