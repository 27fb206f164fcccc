import FolioNN

/// Optimising input images against a fixed network (Part 3): the network's weights
/// stay as trained, and the pixels are what moves. Every function here is pure given
/// the model's weights and works on a whole batch at once; the images of a batch
/// never interact (evaluation mode, one objective per image, element-wise
/// updates), so a batch gives the same images as running them one by one.
enum Adversarial {
    /// What each image of a batch maximises: the logit of its target class, minus β
    /// times its mean squared distance (over pixels) to its prior image when one is
    /// given. Images and priors are on the network's input scale.
    struct Objective {
        var targets: [Int]
        /// n × pixels, or nil for no distance term.
        var prior: [Float]?
        var beta: Float

        init(targets: [Int], prior: [Float]? = nil, beta: Float = 0) {
            self.targets = targets; self.prior = prior; self.beta = beta
        }
    }

    /// Objective values per image and their gradient with respect to the input
    /// pixels, from one forward and one backward pass. The model must output logits.
    static func evaluate(_ model: Model, _ x: [Float], count n: Int, _ objective: Objective)
        -> (logits: [Float], values: [Float], gradient: [Float]) {
        precondition(model.loss == .crossEntropy, "\(model.name) does not output logits")
        precondition(objective.targets.count == n, "one target per image")
        let k = model.classes, pixels = model.inputSize
        // d(logit_t)/d(outputs) is one-hot at the target.
        let (logits, dLogit) = model.inputGradient(x, count: n) { _ in
            var d = [Float](repeating: 0, count: n * k)
            for i in 0..<n { d[i * k + objective.targets[i]] = 1 }
            return d
        }
        var values = (0..<n).map { logits[$0 * k + objective.targets[$0]] }
        var gradient = dLogit
        if let prior = objective.prior, objective.beta != 0 {
            precondition(prior.count == n * pixels, "one prior image per image")
            // β·mean((x − prior)²) has gradient 2β(x − prior)/pixels.
            let scale = 2 * objective.beta / Float(pixels)
            for i in 0..<n {
                var sum: Float = 0
                for j in (i * pixels)..<((i + 1) * pixels) {
                    let d = x[j] - prior[j]
                    sum += d * d
                    gradient[j] -= scale * d
                }
                values[i] -= objective.beta * sum / Float(pixels)
            }
        }
        return (logits, values, gradient)
    }

    /// The logits and images of a batch after a given number of steps.
    struct Snapshot: Codable, Equatable {
        var step: Int
        /// n × classes.
        var logits: [Float]
        /// n × pixels, on the network's input scale ([0, 1] for SimpleCNN).
        var images: [Float]
    }

    /// A run of pixel optimisation: the target logit of every image after every
    /// step, and snapshots at the steps asked for (always including the last).
    struct Trace: Codable, Equatable {
        var count: Int
        var classes: Int
        var targets: [Int]
        /// targetLogits[s][i]: logit of image i's target after s steps, s = 0...steps.
        var targetLogits: [[Float]]
        /// hits[s]: how many images the network assigns to their target after s steps.
        var hits: [Int]
        var snapshots: [Snapshot]

        var steps: Int { targetLogits.count - 1 }
        func snapshot(atStep step: Int) -> Snapshot? { snapshots.first { $0.step == step } }
        var final: Snapshot { snapshots.last! }
    }

    /// The shared loop: evaluate, record, let `update` move the pixels along the
    /// ascent gradient (in place), repeat; the last step is only evaluated. The run
    /// ends early at a checkpoint where `stop(hits)` holds.
    private static func ascend(_ model: Model, start: [Float], count n: Int, objective: Objective, steps: Int,
                               checkpoints: [Int], stop: ((Int) -> Bool)?,
                               update: (inout [Float], [Float]) -> Void) -> Trace {
        var x = start
        var targetLogits: [[Float]] = [], hits: [Int] = []
        var snapshots: [Snapshot] = []
        let keep = Set(checkpoints.filter { $0 >= 0 && $0 < steps } + [steps])
        let k = model.classes
        for step in 0...steps {
            let (logits, _, gradient) = evaluate(model, x, count: n, objective)
            targetLogits.append((0..<n).map { logits[$0 * k + objective.targets[$0]] })
            hits.append(zip(predictions(logits, classes: k), objective.targets).filter { $0.0.label == $0.1 }.count)
            let done = step == steps || (keep.contains(step) && stop?(hits[step]) == true)
            if keep.contains(step) || done { snapshots.append(Snapshot(step: step, logits: logits, images: x)) }
            if done { break }
            update(&x, gradient)
        }
        return Trace(count: n, classes: k, targets: objective.targets,
                     targetLogits: targetLogits, hits: hits, snapshots: snapshots)
    }

    /// Plain gradient ascent on the 0–255 pixel scale. The network sees
    /// x = p·`inputScale`, so by the chain rule ∂J/∂p = inputScale·∂J/∂x, and each step
    /// is p ← clamp(p + stepSize·∂J/∂p, 0, 255). With inputScale = 1/255 this is the
    /// assignment's protocol; with 1 the raw values go into the network unchanged, as
    /// the original notebooks did. `start` is on the 0–255 scale; the trace's images
    /// are what the network saw (p·inputScale).
    static func rawAscent(_ model: Model, start: [Float], count n: Int, objective: Objective,
                          stepSize: Float, steps: Int, inputScale: Float = 1 / 255,
                          checkpoints: [Int] = [], stop: ((Int) -> Bool)? = nil) -> Trace {
        // The pixels are kept on their own scale: steps are tiny next to 128, and
        // going through x = p/255 every time would round them away.
        var p = start.map { min(max($0, 0), 255) }
        // Division by 255 (not multiplication by its rounded reciprocal) keeps the
        // assignment's protocol bit-identical to its earlier runs.
        let toInput: (Float) -> Float = inputScale == 1 / 255 ? { $0 / 255 } : { $0 * inputScale }
        return ascend(model, start: p.map(toInput), count: n, objective: objective,
                      steps: steps, checkpoints: checkpoints, stop: stop) { x, dJdx in
            for j in x.indices {
                p[j] = min(max(p[j] + stepSize * toInput(dJdx[j]), 0), 255)
                x[j] = toInput(p[j])
            }
        }
    }

    /// Adam on the pixels (FolioNN's optimiser, PyTorch's update and defaults) with
    /// the loss −J, the pixels clamped to `range` after every step, as PyTorch code
    /// does with `x.data.clamp_`. `start` is clamped before the first step.
    static func adamAscent(_ model: Model, start: [Float], count n: Int, objective: Objective,
                           learningRate: Float, steps: Int, checkpoints: [Int] = [],
                           range: ClosedRange<Float> = 0...1, stop: ((Int) -> Bool)? = nil) -> Trace {
        let clamped = start.map { min(max($0, range.lowerBound), range.upperBound) }
        let pixels = Parameter(name: "pixels", values: clamped)
        let adam = Optimizer(kind: .adam, parameters: [pixels], learningRate: learningRate)
        return ascend(model, start: clamped, count: n, objective: objective, steps: steps,
                      checkpoints: checkpoints, stop: stop) { x, dJdx in
            let g = pixels.gradients
            for j in x.indices { g[j] = -dJdx[j] }
            adam.update()
            let v = pixels.values
            for j in x.indices {
                v[j] = min(max(v[j], range.lowerBound), range.upperBound)
                x[j] = v[j]
            }
        }
    }
}

// MARK: Measuring the results

extension Adversarial {
    /// Predicted class and its softmax probability for every image of a snapshot.
    static func predictions(_ logits: [Float], classes k: Int) -> [(label: Int, confidence: Double)] {
        let p = Softmax.softmax(logits, classes: k)
        return (0..<(logits.count / k)).map { i in
            let row = p[(i * k)..<((i + 1) * k)]
            let best = row.indices.max { row[$0] < row[$1] }!
            return (best - i * k, Double(row[best]))
        }
    }

    /// Softmax probability of each image's own target.
    static func targetProbabilities(_ logits: [Float], classes k: Int, targets: [Int]) -> [Double] {
        let p = Softmax.softmax(logits, classes: k)
        return targets.enumerated().map { Double(p[$0.offset * k + $0.element]) }
    }

    /// Pearson correlation of two images (1: same pattern up to brightness and
    /// contrast); 0 when either is constant.
    static func correlation(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        SampleCorrelation.pearson(a.map(Double.init), b.map(Double.init)) ?? 0
    }

    /// Size of a perturbation X − A: Euclidean norm, largest absolute pixel change,
    /// and mean squared change.
    static func perturbation(_ x: ArraySlice<Float>, from a: ArraySlice<Float>) -> (l2: Double, lInf: Double, mse: Double) {
        precondition(x.count == a.count)
        var sum = 0.0, peak = 0.0
        for (u, v) in zip(x, a) {
            let d = Double(u) - Double(v)
            sum += d * d; peak = max(peak, abs(d))
        }
        return (sum.squareRoot(), peak, sum / Double(max(x.count, 1)))
    }

    /// Image `i` of a batch laid out image after image.
    static func image(_ batch: [Float], _ i: Int, pixels: Int) -> ArraySlice<Float> {
        batch[(i * pixels)..<((i + 1) * pixels)]
    }
}
