/// The torchsummary-style table of a model, computed from the model itself.
extension Model {
    public func summary() -> String {
        let buffers = parameters.filter(\.isBuffer).map { (name: $0.name, count: $0.count) }
        return summaryTable(rows: layerRows(inputShape: inputShape), inputShape: inputShape, buffers: buffers)
    }
}
