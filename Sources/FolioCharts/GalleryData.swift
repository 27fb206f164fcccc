import CCairo
import Foundation

/// Deterministic synthetic data that looks like what the reports plot: the gallery must
/// show realistic figures without training anything.
struct SyntheticData {
    /// SplitMix64: tiny, fast and the same on every platform.
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<1.
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// A decaying loss curve from `start` towards `floor`, with noise.
    mutating func lossCurve(points: Int, start: Double, floor: Double, rate: Double, noise: Double) -> [Double] {
        (0..<points).map { i in
            let clean = floor + (start - floor) * exp(-rate * Double(i))
            return max(clean * (1 + noise * normal()), floor * 0.5)
        }
    }

    /// A 28×28 digit-like image in 0...1: the digit drawn in DejaVu Sans Bold, slightly
    /// rotated, shifted and thickened, then softened like a scanned pen stroke.
    mutating func digit(_ d: Int) -> Raster {
        let size = 28
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_A8, Int32(size), Int32(size)) else {
            return Raster(rows: size, columns: size, values: [Double](repeating: 0, count: size * size))
        }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(cr, 21 + 2 * uniform())
        var extents = cairo_text_extents_t()
        let text = String(d % 10)
        cairo_text_extents(cr, text, &extents)
        cairo_translate(cr, 14 + 1.5 * normal(), 14 + 1.2 * normal())
        cairo_rotate(cr, 0.18 * normal())
        cairo_move_to(cr, -extents.x_bearing - extents.width / 2, -extents.y_bearing - extents.height / 2)
        cairo_text_path(cr, text)
        cairo_set_source_rgba(cr, 0, 0, 0, 1)
        cairo_fill_preserve(cr)
        cairo_set_line_width(cr, 0.6 + 0.8 * uniform())
        cairo_stroke(cr)
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var ink = [Double](repeating: 0, count: size * size)
        for r in 0..<size { for c in 0..<size { ink[r * size + c] = Double(data[r * stride + c]) / 255 } }
        // A light 3×3 blur: real MNIST strokes have soft edges.
        var soft = ink
        for r in 1..<(size - 1) {
            for c in 1..<(size - 1) {
                var sum = 0.0
                for dr in -1...1 { for dc in -1...1 { sum += ink[(r + dr) * size + c + dc] } }
                soft[r * size + c] = min(1, 0.55 * ink[r * size + c] + 0.45 * sum / 9)
            }
        }
        return Raster(rows: size, columns: size, values: soft)
    }

    /// Signed 3×3 kernels like trained convolution filters: oriented edges plus noise.
    mutating func kernel() -> Raster {
        let angle = uniform() * Double.pi
        let (dx, dy) = (cos(angle), sin(angle))
        let gain = 0.15 + 0.25 * uniform()
        let values = (0..<9).map { i -> Double in
            let x = Double(i % 3 - 1), y = Double(i / 3 - 1)
            return gain * (x * dx + y * dy) + 0.06 * normal()
        }
        return Raster(rows: 3, columns: 3, values: values)
    }

    /// The occlusion map of `image` for a `patch`-sized square: P(true class) drops where
    /// the patch hides ink, more for bigger patches.
    func occlusion(of image: Raster, patch: Int) -> Raster {
        let n = image.rows
        var out = [Double](repeating: 0, count: n * n)
        let half = patch / 2
        for r in 0..<n {
            for c in 0..<n {
                var covered = 0.0
                for rr in max(0, r - half)...min(n - 1, r - half + patch - 1) {
                    for cc in max(0, c - half)...min(n - 1, c - half + patch - 1) { covered += image[rr, cc] }
                }
                out[r * n + c] = 0.99 / (1 + pow(covered / 9, 2.2) * 0.8)
            }
        }
        return Raster(rows: n, columns: n, values: out)
    }

    /// A feature map: the image filtered by a random oriented edge detector and rectified.
    mutating func featureMap(of image: Raster, size: Int) -> Raster {
        let k = kernel()
        let step = image.rows / size
        var out = [Double](repeating: 0, count: size * size)
        for r in 0..<size {
            for c in 0..<size {
                var sum = 0.0
                for i in 0..<9 {
                    let rr = min(max(r * step + i / 3 - 1, 0), image.rows - 1)
                    let cc = min(max(c * step + i % 3 - 1, 0), image.columns - 1)
                    sum += k.values[i] * image[rr, cc]
                }
                out[r * size + c] = max(0, sum)
            }
        }
        return Raster(rows: size, columns: size, values: out)
    }
}
