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

/// The bytes of a cache line, the alignment of the engine's buffers.
let cacheLine = 64

/// A scratch buffer of `count` vectors that starts on a cache line. Swift aligns
/// SIMD8<Float> to only 16 bytes, so a plain temporary allocation leaves every other
/// vector straddling two lines; the transforms store a patch there and read it
/// straight back, which a split store cannot forward.
@inline(__always) func withAlignedScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<SIMD8<Float>>) throws -> R) rethrows -> R {
    try withUnsafeTemporaryAllocation(byteCount: count * MemoryLayout<SIMD8<Float>>.stride, alignment: cacheLine) { raw in
        try body(raw.baseAddress!.bindMemory(to: SIMD8<Float>.self, capacity: count))
    }
}

/// Thirty-two floats as four vectors: the channel blocks of the one-channel
/// convolution, whose loops keep four accumulator chains per pixel or tap.
typealias Lanes32 = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

@inline(__always) func load32(_ p: UnsafePointer<Float>) -> Lanes32 {
    (load8(p), load8(p + 8), load8(p + 16), load8(p + 24))
}

@inline(__always) func load32(_ p: UnsafeMutablePointer<Float>) -> Lanes32 { load32(UnsafePointer(p)) }

@inline(__always) func store32(_ v: Lanes32, _ p: UnsafeMutablePointer<Float>) {
    store8(v.0, p); store8(v.1, p + 8); store8(v.2, p + 16); store8(v.3, p + 24)
}
