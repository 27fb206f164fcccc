import FolioData
import FolioNN

/// The probability a model gives one class while a square patch of the image is
/// replaced by a constant, for every position of the patch.
///
/// Positions are the patch's top-left corners (row, column) = (0, 0), (0, s), …
/// up to 28 − p, so the patch always lies wholly inside the image (the sliding
/// window of the assignment's notebooks): a p × p patch with stride 1 gives a
/// (29 − p) × (29 − p) map whose cell (i, j) is the patch covering rows i…i+p−1
/// and columns j…j+p−1.
struct OcclusionMap: Codable, Equatable, Sendable {
    var patch: Int
    var stride: Int
    var fill: Float
    var targetClass: Int
    /// Size of the map: positions down and across.
    var rows: Int
    var columns: Int
    /// P(target class) at each position, row-major.
    var probability: [Float]
    /// The class the model predicts at each position.
    var predicted: [Int]

    subscript(row: Int, column: Int) -> Float { probability[row * columns + column] }

    /// Top-left corner (in image pixels) of the patch behind map cell `k`.
    func corner(_ k: Int) -> (row: Int, column: Int) { (k / columns * stride, k % columns * stride) }
}

enum Occlusion {
    /// Occluded copies evaluated per call of the model.
    static let batchSize = 500

    /// Positions of a `patch`-wide window along a side of `length` pixels.
    static func positions(length: Int, patch: Int, stride: Int) -> Int {
        patch > length ? 0 : (length - patch) / stride + 1
    }

    /// The occlusion map of one image. `image` holds rows × cols pixels in [0, 1];
    /// `fill` is on the same scale, and `normalization` turns both into the model's
    /// input the way its training did. Every occluded copy goes through the model in
    /// batches of `batchSize`, never one image at a time.
    static func map(model: Model, image: [Float], rows: Int, cols: Int, targetClass: Int,
                    patch: Int, fill: Float, stride: Int = 1, normalization: Normalization = .unit,
                    batchSize: Int = Occlusion.batchSize) -> OcclusionMap {
        precondition(image.count == rows * cols && patch >= 1 && stride >= 1 && batchSize >= 1)
        let down = positions(length: rows, patch: patch, stride: stride)
        let across = positions(length: cols, patch: patch, stride: stride)
        let count = down * across
        let scale = 1 / normalization.std
        let input = image.map { ($0 - normalization.mean) * scale }
        let filled = (fill - normalization.mean) * scale
        var probability = [Float](), predicted = [Int]()
        probability.reserveCapacity(count); predicted.reserveCapacity(count)
        var start = 0
        while start < count {
            let n = min(batchSize, count - start)
            var batch = [Float](repeating: 0, count: n * rows * cols)
            for b in 0..<n {
                let k = start + b
                let top = k / across * stride, left = k % across * stride
                let base = b * rows * cols
                batch.replaceSubrange(base..<(base + rows * cols), with: input)
                for y in top..<(top + patch) {
                    for x in left..<(left + patch) { batch[base + y * cols + x] = filled }
                }
            }
            let p = model.probabilities(batch, count: n)
            let classes = p.count / n
            for b in 0..<n {
                let row = p[(b * classes)..<((b + 1) * classes)]
                probability.append(row[b * classes + targetClass])
                predicted.append(row.indices.max { row[$0] < row[$1] }! - b * classes)
            }
            start += n
        }
        return OcclusionMap(patch: patch, stride: stride, fill: fill, targetClass: targetClass,
                            rows: down, columns: across, probability: probability, predicted: predicted)
    }

    /// For every cell of `map`, the mean of `image` under the patch it stands for
    /// (with `image` a 0/1 ink mask: the share of the patch that is ink).
    static func coverage(of image: [Float], cols: Int, map: OcclusionMap) -> [Double] {
        (0..<(map.rows * map.columns)).map { k in
            let (top, left) = map.corner(k)
            var sum = 0.0
            for y in top..<(top + map.patch) {
                for x in left..<(left + map.patch) { sum += Double(image[y * cols + x]) }
            }
            return sum / Double(map.patch * map.patch)
        }
    }
}
