import Foundation

extension Safetensors {
    /// Checks that a checkpoint holds exactly the tensors a model expects, each with the
    /// expected shape, before any value is copied into the model. The error names the
    /// file and the first tensor at fault, then says how many other problems there are,
    /// so loading a batch-norm checkpoint into the plain model fails with one clear line.
    public static func checkShapes(expected: [String: [Int]], found: [NamedTensor], file: URL) throws {
        var problems: [(tensor: String, text: String)] = []
        var present = Set<String>()
        for tensor in found {
            present.insert(tensor.name)
            guard let shape = expected[tensor.name] else {
                problems.append((tensor.name,
                    "tensor \(tensor.name) (shape \(shapeList(tensor.shape))) is in the file but the model has no such tensor"))
                continue
            }
            if shape != tensor.shape {
                problems.append((tensor.name,
                    "tensor \(tensor.name) has shape \(shapeList(tensor.shape)) in the file but the model expects \(shapeList(shape))"))
            }
        }
        for name in expected.keys.sorted() where !present.contains(name) {
            problems.append((name,
                "tensor \(name) (shape \(shapeList(expected[name]!))) is missing from the file"))
        }
        guard let first = problems.first else { return }
        var text = first.text
        if problems.count > 1 {
            let others = problems.count - 1
            text += " (and \(others) more missing, unexpected or mismatched tensor\(others == 1 ? "" : "s"))"
        }
        throw SafetensorsError(path: file.path, tensor: first.tensor, text)
    }
}
