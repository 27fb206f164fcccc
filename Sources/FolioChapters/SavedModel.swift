import Foundation
import FolioDocument
import FolioExperiments
import FolioNN

/// A trained network as a file of the report's `models/` folder: safetensors with
/// PyTorch's names and shapes, and metadata saying how it was trained and what
/// inputs it expects. A chapter returns `files` in its content (the build writes
/// them) and links the file from its answer with `href`.
struct SavedModel {
    /// The file's name, "simple-cnn-adam.safetensors".
    let file: String
    /// Where it goes inside the report's folder, "models/simple-cnn-adam.safetensors".
    let path: String
    /// The link from the report's HTML page, `output/<report-id>.html`:
    /// "<report-id>/models/simple-cnn-adam.safetensors".
    let href: String
    let bytes: [UInt8]

    /// `run`'s network after `epoch` epochs, saved under `name` (without extension).
    init(_ c: ChapterContext, name: String, run: TrainingRun, epoch: Int) throws {
        file = name + ".safetensors"
        path = "models/" + file
        href = c.outputDirectory.lastPathComponent + "/" + path
        let config = run.config
        bytes = try run.model(atEpoch: epoch).checkpointBytes(metadata: [
            "pytorch_class": config.model.pytorchClassName,
            "optimizer": config.optimizer.rawValue, "learning_rate": "\(config.learningRate)",
            "batch_size": "\(config.batchSize)", "epochs": "\(epoch)", "seed": "\(config.seed)",
            "dataset": config.dataset.rawValue, "train_images": "\(config.trainCount)",
            // The network expects (x / 255 - input_mean) / input_std for pixel values x.
            "input_mean": "\(run.normalization.mean)", "input_std": "\(run.normalization.std)",
        ])
    }

    /// The file for `SectionContent.files`.
    var files: [String: [UInt8]] { [path: bytes] }

    /// `model_file` (the name) and `model_href` (the link), for a template.
    var values: [String: TemplateValue] { ["model_file": .string(file), "model_href": .string(href)] }

    /// The same two values under a prefix: "mlp_" gives `mlp_model_file`, `mlp_model_href`.
    func values(prefix: String) -> [String: TemplateValue] {
        Dictionary(uniqueKeysWithValues: values.map { (prefix + $0.key, $0.value) })
    }
}
