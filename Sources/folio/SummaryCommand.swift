import ArgumentParser
import Foundation
import FolioExperiments
import FolioNN

/// `folio summary`: the model-summary table and the parameter and neuron counts.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model's summary table and its parameter and neuron counts."
    )

    @Option(help: "simple-cnn, simple-cnn-bn, small-cnn, mlp or deep-cnn.")
    var model: ModelKind = .simpleCNN

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let m = try Model(kind: model, seed: 0)
        if json {
            let object: [String: Any] = [
                "model": model.rawValue,
                "parameters": m.parameterCount,
                "convolutional_parameters": m.convolutionalParameterCount,
                "fully_connected_parameters": m.fullyConnectedParameterCount,
                "neurons": m.neuronCount,
                "convolutional_neurons": m.convolutionalNeuronCount,
                "fully_connected_neurons": m.fullyConnectedNeuronCount,
                "layers": m.parametersPerLayer.map { ["name": $0.layer, "type": $0.type, "parameters": $0.parameters] },
                "neurons_per_layer": m.neuronsPerLayer.map { ["name": $0.layer, "type": $0.type, "neurons": $0.neurons] },
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
            return
        }
        print(m.summary())
        print("Parameters: \(grouped(m.parameterCount)) trainable (convolutional \(grouped(m.convolutionalParameterCount)), fully connected \(grouped(m.fullyConnectedParameterCount)))")
        print("Neurons (one per output unit of each convolution and linear layer): \(grouped(m.neuronCount)) (convolutional \(grouped(m.convolutionalNeuronCount)), fully connected \(grouped(m.fullyConnectedNeuronCount)))")
    }
}
