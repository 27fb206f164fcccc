/// A network as PyTorch's `print(model)` shows it: the class name, then every
/// module under its attribute name with its constructor arguments, in the order
/// the modules were registered. Dotted layer names ("conv_block.0") are the
/// children of an `nn.Sequential` ("conv_block").
extension NetworkSpec {
    /// The text `print(model)` gives for this network defined as a PyTorch module
    /// named `className` whose attributes are the layers' names.
    public func pytorchDescription(className: String) -> String {
        Self.module(className, children: layers.map { (path: $0.name.split(separator: ".").map(String.init), spec: $0.spec) })
    }

    /// `Module.__repr__`: "Name(" and one "(key): child" line per child, each child's
    /// own lines indented by two more spaces; a module without children is one line.
    private static func module(_ typeName: String, children: [(path: [String], spec: LayerSpec)]) -> String {
        var lines: [String] = []
        var rest = children[...]
        while let first = rest.first {
            let key = first.path[0]
            let group = rest.prefix { $0.path[0] == key }
            rest = rest.dropFirst(group.count)
            let text: String
            if group.count == 1 && first.path.count == 1 {
                text = leaf(first.spec)
            } else {
                // Only nn.Sequential nests here: its children are numbered.
                precondition(group.allSatisfy { $0.path.count > 1 && Int($0.path[1]) != nil },
                             "\(key): only nn.Sequential containers (children named 0, 1, …) can be printed")
                text = module("Sequential", children: group.map { (Array($0.path.dropFirst()), $0.spec) })
            }
            lines.append("(\(key)): " + text.replacingOccurrences(of: "\n", with: "\n  "))
        }
        return lines.isEmpty ? typeName + "()" : typeName + "(\n  " + lines.joined(separator: "\n  ") + "\n)"
    }

    /// A layer's own line: its PyTorch class and `extra_repr`, the arguments as
    /// PyTorch prints them (defaults included where PyTorch shows them).
    private static func leaf(_ spec: LayerSpec) -> String {
        switch spec {
        case let .conv2d(inChannels, outChannels, kernel, stride, padding):
            return "Conv2d(\(inChannels), \(outChannels), kernel_size=(\(kernel), \(kernel)), stride=(\(stride), \(stride))"
                + (padding == 0 ? "" : ", padding=(\(padding), \(padding))") + ")"
        case let .batchNorm2d(channels): return batchNorm("BatchNorm2d", channels)
        case let .batchNorm1d(features): return batchNorm("BatchNorm1d", features)
        case .relu: return "ReLU()"
        case let .maxPool2d(kernel, stride):
            return "MaxPool2d(kernel_size=\(kernel), stride=\(stride ?? kernel), padding=0, dilation=1, ceil_mode=False)"
        case .flatten: return "Flatten(start_dim=1, end_dim=-1)"
        // Swift prints a Float in its shortest round-trip form, as Python prints a float.
        case let .dropout(p): return "Dropout(p=\(p), inplace=False)"
        case let .linear(inFeatures, outFeatures): return "Linear(in_features=\(inFeatures), out_features=\(outFeatures), bias=True)"
        case .logSoftmax: return "LogSoftmax(dim=1)"
        }
    }

    /// PyTorch 2.15 lists `bias=True` among BatchNorm's arguments; earlier versions did not.
    private static func batchNorm(_ type: String, _ channels: Int) -> String {
        "\(type)(\(channels), eps=\(BatchNorm.eps), momentum=\(BatchNorm.momentum), affine=True, bias=True, track_running_stats=True)"
    }
}
