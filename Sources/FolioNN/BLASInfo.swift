import Foundation
import COpenBLAS

/// What OpenBLAS says about itself: the build's configuration line and the kernel
/// set it chose for this CPU. A report records them because the kernels decide the
/// low-order bits of every matrix product.
public enum BLASInfo {
    /// E.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
    public static var configuration: String {
        openblas_get_config().map { String(cString: $0).trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }

    /// The kernel set chosen at start-up, e.g. "Zen" or "SkylakeX".
    public static var coreName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }
}
