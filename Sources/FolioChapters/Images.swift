import FolioCharts
import FolioData

/// Turning dataset images into chart rasters, and the label-preserving
/// transformations some answers measure (shifts, rotations, intensity changes).
enum Images {
    /// Pixels of image `index` scaled to [0, 1].
    static func raster(_ set: ImageSet, _ index: Int) -> Raster {
        Raster(rows: set.rows, columns: set.cols, values: set.image(index).map { Double($0) / 255 })
    }

    /// A grid of images with a title each; `marked` cells are drawn as wrong.
    static func grid(_ set: ImageSet, indices: [Int], titles: [String], marked: [Bool]? = nil,
                     columns: Int, title: String? = nil) -> ImageGrid {
        let cells = indices.enumerated().map { k, i in
            ImageCell(image: raster(set, i), title: titles[k], isMarked: marked?[k] ?? false)
        }
        return ImageGrid(title: title, columns: columns, cells: cells, colorMap: .gray,
                         normalization: .fixed(0...1), framed: true)
    }

    /// Every image moved `dx` pixels right and `dy` down; uncovered pixels are 0.
    static func shifted(_ set: ImageSet, dx: Int, dy: Int) -> ImageSet {
        let r = set.rows, c = set.cols
        var out = [UInt8](repeating: 0, count: set.pixels.count)
        set.pixels.withUnsafeBufferPointer { src in
            for n in 0..<set.count {
                let base = n * r * c
                for y in 0..<r {
                    let sy = y - dy
                    guard sy >= 0 && sy < r else { continue }
                    for x in 0..<c {
                        let sx = x - dx
                        if sx >= 0 && sx < c { out[base + y * c + x] = src[base + sy * c + sx] }
                    }
                }
            }
        }
        return ImageSet(rows: r, cols: c, pixels: out, labels: set.labels)
    }

    /// Every image rotated by `degrees` (counter-clockwise) about its centre, with
    /// bilinear interpolation; pixels from outside the image are 0.
    static func rotated(_ set: ImageSet, degrees: Double) -> ImageSet {
        let r = set.rows, c = set.cols
        let angle = degrees * .pi / 180
        let cosA = cos(angle), sinA = sin(angle)
        let cy = Double(r - 1) / 2, cx = Double(c - 1) / 2
        var out = [UInt8](repeating: 0, count: set.pixels.count)
        set.pixels.withUnsafeBufferPointer { src in
            for n in 0..<set.count {
                let base = n * r * c
                func at(_ y: Int, _ x: Int) -> Double {
                    y >= 0 && y < r && x >= 0 && x < c ? Double(src[base + y * c + x]) : 0
                }
                for y in 0..<r {
                    for x in 0..<c {
                        // Inverse mapping: where in the source does this output pixel come from?
                        let dx = Double(x) - cx, dy = Double(y) - cy
                        let sx = cosA * dx - sinA * dy + cx
                        let sy = sinA * dx + cosA * dy + cy
                        let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                        let fx = sx - Double(x0), fy = sy - Double(y0)
                        let v = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1))
                            + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1))
                        out[base + y * c + x] = UInt8(max(0, min(255, v.rounded())))
                    }
                }
            }
        }
        return ImageSet(rows: r, cols: c, pixels: out, labels: set.labels)
    }

    /// Every pixel value p (in [0, 1]) mapped to offset + scale · p.
    static func intensityMapped(_ set: ImageSet, offset: Double, scale: Double) -> ImageSet {
        let table = (0..<256).map { UInt8(max(0, min(255, (255 * offset + scale * Double($0)).rounded()))) }
        return ImageSet(rows: set.rows, cols: set.cols, pixels: set.pixels.map { table[Int($0)] }, labels: set.labels)
    }
}

#if canImport(Glibc)
import Glibc
#endif
