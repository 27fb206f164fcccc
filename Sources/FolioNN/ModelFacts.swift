/// Counts computed from the model itself, so a report can never state a number
/// the network does not have.
extension Model {
    /// Trainable parameters (weights and biases; BatchNorm running statistics are buffers).
    public var parameterCount: Int { trainableParameters.reduce(0) { $0 + $1.count } }

    /// Trainable parameters of the convolution layers.
    public var convolutionalParameterCount: Int {
        layers.compactMap { $0 as? Conv2d }.reduce(0) { $0 + $1.parameterCount }
    }

    /// Trainable parameters of the fully connected (Linear) layers.
    public var fullyConnectedParameterCount: Int {
        layers.compactMap { $0 as? Linear }.reduce(0) { $0 + $1.parameterCount }
    }

    /// Trainable parameters of each layer that has any, by PyTorch module name.
    public var parametersPerLayer: [(layer: String, type: String, parameters: Int)] {
        layers.filter { $0.parameterCount > 0 }.map { ($0.name, $0.typeName, $0.parameterCount) }
    }

    /// Neurons, counted as one per output unit of each convolution and linear layer
    /// (so a conv layer has channels × height × width of them); pooling, activation
    /// and normalisation layers add none.
    public var neuronsPerLayer: [(layer: String, type: String, neurons: Int)] {
        layers.indices.compactMap { i in
            guard layers[i] is Conv2d || layers[i] is Linear else { return nil }
            return (layers[i].name, layers[i].typeName, shapes[i + 1].reduce(1, *))
        }
    }

    public var neuronCount: Int { neuronsPerLayer.reduce(0) { $0 + $1.neurons } }
    public var convolutionalNeuronCount: Int { neuronsPerLayer.filter { $0.type == "Conv2d" }.reduce(0) { $0 + $1.neurons } }
    public var fullyConnectedNeuronCount: Int { neuronsPerLayer.filter { $0.type == "Linear" }.reduce(0) { $0 + $1.neurons } }

    /// Rows of a torchsummary-style table: one per PyTorch module that the model's
    /// forward calls (the SimpleCNNs' Sequential blocks list ReLU and pooling as
    /// modules; the other networks call relu, pooling, flatten and log-softmax as
    /// functions, which torchsummary does not list). Names are "Type-k" numbered in
    /// order; output shapes start with −1 for the batch.
    public func layerRows(inputShape: [Int]) -> [(layer: String, outputShape: [Int], parameters: Int, trainable: Int)] {
        var s = inputShape
        var rows: [(layer: String, outputShape: [Int], parameters: Int, trainable: Int)] = []
        for layer in layers {
            s = (try? layer.outputShape(for: s)) ?? s
            guard listedInSummary(layer) else { continue }
            let count = layer.parameterCount
            rows.append(("\(layer.typeName)-\(rows.count + 1)", [-1] + s, count, count))
        }
        return rows
    }

    /// Every module of the network is a row, as torchsummary lists an nn.Sequential
    /// (ReLU, MaxPool2d, Flatten and Dropout included), so that all of Folio's layer
    /// tables read alike; only the final log-softmax, which the notebooks apply as a
    /// function in the loss, is left out.
    private func listedInSummary(_ layer: Layer) -> Bool {
        !(layer is LogSoftmax)
    }
}
