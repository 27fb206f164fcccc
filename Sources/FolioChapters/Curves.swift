import FolioCharts
import FolioExperiments

/// The training-curve figures several answers share.
enum Curves {
    /// Loss (training and validation) and validation accuracy per epoch, side by side.
    static func perEpoch(_ records: [EpochRecord], title: String? = nil) -> Figure {
        let losses = LineChart(
            title: "Loss", xLabel: "Epoch", yLabel: "Cross-entropy",
            series: [Series(name: "training", y: records.map(\.trainLoss)),
                     Series(name: "validation", y: records.map { $0.validationLoss ?? .nan }, marker: .square)],
            xAxis: .epochs)
        let accuracy = LineChart(
            title: "Validation accuracy", xLabel: "Epoch", yLabel: "Accuracy (%)",
            series: [Series(name: "validation", y: records.map { 100 * ($0.validationAccuracy ?? .nan) }, color: .cycle(1))],
            xAxis: .epochs, legend: .none)
        return Figure(widthPoints: PrintSize.textWidth, heightPoints: 200, title: title, columns: 2,
                      panels: [.line(losses), .line(accuracy)])
    }

    /// Several runs compared: training loss, validation loss, validation accuracy.
    static func comparison(_ runs: [(name: String, records: [EpochRecord])], title: String? = nil) -> Figure {
        let markers = Marker.allCases
        func series(_ value: (EpochRecord) -> Double) -> [Series] {
            runs.enumerated().map { k, run in
                Series(name: run.name, y: run.records.map(value), marker: markers[k % markers.count])
            }
        }
        let train = LineChart(title: "Training loss", xLabel: "Epoch", yLabel: "Loss",
                              series: series(\.trainLoss), xAxis: .epochs, logY: true, legend: .none)
        let val = LineChart(title: "Validation loss", xLabel: "Epoch", yLabel: "Loss",
                            series: series { $0.validationLoss ?? .nan }, xAxis: .epochs, logY: true, legend: .none)
        let accuracy = series { 100 * ($0.validationAccuracy ?? .nan) }
        let acc = LineChart(title: "Validation accuracy", xLabel: "Epoch", yLabel: "Accuracy (%)",
                            series: accuracy, xAxis: .epochs, legend: .none)
        // Three panels across the text column; one key under them leaves each its width.
        return Figure(widthPoints: PrintSize.textWidth, heightPoints: 240, title: title, columns: 3,
                      panels: [.line(train), .line(val), .line(acc)], key: accuracy)
    }
}
