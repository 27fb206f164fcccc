import CVectorMath

/// The square roots of eight floats in one instruction; `SIMD8.squareRoot()` makes
/// eight calls of libm's sqrtf here (see CVectorMath). Same bits as sqrtf.
@inline(__always) func sqrt8(_ x: SIMD8<Float>) -> SIMD8<Float> { folio_sqrt8(x) }

/// Eight-float loads and stores at any address, for the hand-vectorised loops
/// (optimiser updates, pooling, the one-channel convolution).
@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}
