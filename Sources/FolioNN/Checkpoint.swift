import Foundation

/// Checkpoints in the safetensors format with PyTorch's names and shapes, so
/// `load_state_dict(safetensors.torch.load_file(path))` works in PyTorch and
/// PyTorch-trained weights load here.
extension Model {
    /// The model's tensors as safetensors would store them: F32, except BatchNorm's
    /// num_batches_tracked, which PyTorch keeps as an int64 scalar.
    public func checkpointTensors() -> [NamedTensor] {
        namedTensors().map(Self.namedTensor)
    }

    static func namedTensor(_ t: (name: String, shape: [Int], values: [Float], isBuffer: Bool)) -> NamedTensor {
        if t.name.hasSuffix("num_batches_tracked") {
            return NamedTensor(name: t.name, shape: t.shape, integers: t.values.map { Int64($0) })
        }
        return NamedTensor(name: t.name, shape: t.shape, floats: t.values)
    }

    /// Writes the weights (atomically) with optional string metadata.
    public func saveCheckpoint(to url: URL, metadata: [String: String] = [:]) throws {
        var meta = metadata
        meta["model"] = name
        try Safetensors.write(checkpointTensors(), metadata: meta, to: url)
    }

    /// The weights as the bytes of a safetensors file, for a caller that writes them itself.
    public func checkpointBytes(metadata: [String: String] = [:]) throws -> [UInt8] {
        var meta = metadata
        meta["model"] = name
        return try Safetensors.encode(checkpointTensors(), metadata: meta, path: "(weights of \(name))")
    }

    /// Loads weights from a safetensors file; a missing, extra or mis-shaped tensor
    /// is an error naming the file and the tensor.
    public func loadCheckpoint(from url: URL) throws {
        let file = try Safetensors.read(url)
        let expected = Dictionary(uniqueKeysWithValues: namedTensors().map { ($0.name, $0.shape) })
        try Safetensors.checkShapes(expected: expected, found: file.tensors, file: url)
        do {
            try load(named: Self.dictionary(file.tensors))
        } catch let error as ModelError {
            throw SafetensorsError(path: url.path, error.description)
        }
    }

    static func dictionary(_ tensors: [NamedTensor]) -> [String: (shape: [Int], values: [Float])] {
        var out: [String: (shape: [Int], values: [Float])] = [:]
        for t in tensors {
            out[t.name] = (t.shape, t.floats ?? (t.integers ?? []).map { Float($0) })
        }
        return out
    }
}

extension Trainer {
    /// Weights and optimiser state after `epoch` epochs, for resuming exactly.
    public func saveState(to url: URL, epoch: Int) throws {
        let tensors = model.checkpointTensors() + optimizer.namedState().map(Model.namedTensor)
        try Safetensors.write(tensors, metadata: ["epoch": "\(epoch)", "model": model.name,
                                                  "optimizer": optimizer.kind.rawValue], to: url)
    }

    /// Restores a state written by `saveState` for the same epoch.
    public func restore(from url: URL, epoch: Int) throws {
        let file = try Safetensors.read(url)
        guard file.metadata["epoch"] == "\(epoch)" else {
            throw SafetensorsError(path: url.path, "holds the state after epoch \(file.metadata["epoch"] ?? "?"), expected \(epoch)")
        }
        let all = Model.dictionary(file.tensors)
        let weights = all.filter { !$0.key.hasPrefix("opt.") }
        let state = all.filter { $0.key.hasPrefix("opt.") }
        do {
            try model.load(named: weights)
            try optimizer.loadState(named: state)
        } catch let error as ModelError {
            throw SafetensorsError(path: url.path, error.description)
        }
    }
}
