import FolioNN

/// The convolution weights of a model, in PyTorch's [out, in, kh, kw] layout.
struct ConvolutionWeights {
    var outChannels: Int
    var inChannels: Int
    var side: Int
    var values: [Float]

    /// The model's convolution weights in forward order (conv 1 first).
    static func all(of model: Model) -> [ConvolutionWeights] {
        model.namedTensors().filter { $0.shape.count == 4 && !$0.isBuffer }.map {
            ConvolutionWeights(outChannels: $0.shape[0], inChannels: $0.shape[1], side: $0.shape[2], values: $0.values)
        }
    }

    var kernelSize: Int { side * side }

    /// The side × side kernel from input channel `input` to output channel `output`.
    func kernel(output: Int, input: Int) -> [Float] {
        let start = (output * inChannels + input) * kernelSize
        return Array(values[start..<(start + kernelSize)])
    }

    /// Every kernel, output-major (row = output channel, column = input channel).
    var kernels: [[Float]] {
        (0..<outChannels).flatMap { o in (0..<inChannels).map { kernel(output: o, input: $0) } }
    }

    /// L2 norm of each output channel's kernels, over all inputs (a row of the grid).
    var outputChannelNorms: [Double] {
        (0..<outChannels).map { o in
            (0..<inChannels).reduce(0.0) { sum, i in sum + kernel(output: o, input: i).reduce(0) { $0 + Double($1 * $1) } }
                .squareRoot()
        }
    }

    /// L2 norm of the kernels reading each input channel, over all outputs.
    var inputChannelNorms: [Double] {
        (0..<inChannels).map { i in
            (0..<outChannels).reduce(0.0) { sum, o in sum + kernel(output: o, input: i).reduce(0) { $0 + Double($1 * $1) } }
                .squareRoot()
        }
    }
}

/// What a set of small kernels looks like, in numbers.
struct KernelStatistics: Equatable {
    var count: Int
    var minimum: Double
    var maximum: Double
    var meanAbsolute: Double
    /// Kernels with both positive and negative weights.
    var mixedSign: Int
    /// Kernels whose weights largely cancel (balance below `balancedBelow`): they
    /// answer to differences between neighbouring pixels (edges, strokes' sides)
    /// rather than to brightness.
    var balanced: Int
    var meanBalance: Double
    /// Kernels well fitted by a tilted plane (R² of the fit at least `orientedAbove`):
    /// a ramp from one side to the other, i.e. an oriented edge detector.
    var oriented: Int

    static let balancedBelow = 0.5
    static let orientedAbove = 0.5

    init(_ kernels: [[Float]]) {
        let all = kernels.flatMap { $0 }.map(Double.init)
        count = kernels.count
        minimum = all.min() ?? .nan
        maximum = all.max() ?? .nan
        meanAbsolute = all.isEmpty ? .nan : all.reduce(0) { $0 + abs($1) } / Double(all.count)
        mixedSign = kernels.filter { k in k.contains { $0 > 0 } && k.contains { $0 < 0 } }.count
        let balances = kernels.map(Self.balance)
        balanced = balances.filter { $0 < Self.balancedBelow }.count
        meanBalance = balances.isEmpty ? .nan : balances.reduce(0, +) / Double(balances.count)
        oriented = kernels.filter { Self.planeFit($0) >= Self.orientedAbove }.count
    }

    /// R² of the least-squares fit w ≈ a·x + b·y + c over a square kernel's pixel
    /// grid (x, y centred on the middle pixel): the share of the kernel's variation
    /// that is one straight ramp. A random 3 × 3 kernel scores 0.25 on average.
    static func planeFit(_ kernel: [Float]) -> Double {
        let side = Int(Double(kernel.count).squareRoot().rounded())
        precondition(side * side == kernel.count && side >= 2)
        let mid = Double(side - 1) / 2
        let mean = kernel.reduce(0.0) { $0 + Double($1) } / Double(kernel.count)
        var sx = 0.0, sy = 0.0, xx = 0.0, total = 0.0
        for (i, w) in kernel.enumerated() {
            let x = Double(i % side) - mid, y = Double(i / side) - mid, d = Double(w) - mean
            sx += x * d; sy += y * d; xx += x * x; total += d * d
        }
        // x and y are centred and orthogonal on the grid, so each slope is its own projection.
        let explained = (sx * sx + sy * sy) / xx
        return total > 0 ? explained / total : 0
    }

    /// |Σ w| / Σ |w| in [0, 1]: 0 when positive and negative weights cancel exactly
    /// (the kernel ignores uniform brightness), 1 when all weights share a sign.
    static func balance(_ kernel: [Float]) -> Double {
        let total = kernel.reduce(0.0) { $0 + Double($1) }
        let magnitude = kernel.reduce(0.0) { $0 + abs(Double($1)) }
        return magnitude > 0 ? abs(total) / magnitude : 0
    }

    /// ‖w − w₀‖ / ‖w₀‖: how far training moved the weights from their initial values.
    static func relativeChange(_ w: [Float], from w0: [Float]) -> Double {
        precondition(w.count == w0.count)
        var diff = 0.0, base = 0.0
        for i in w.indices {
            let d = Double(w[i] - w0[i])
            diff += d * d; base += Double(w0[i] * w0[i])
        }
        return base > 0 ? (diff / base).squareRoot() : .nan
    }
}
