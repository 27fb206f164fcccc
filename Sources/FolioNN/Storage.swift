#if canImport(Glibc)
import Glibc
#endif

/// A Float32 buffer allocated once and reused for the life of its owner: layer
/// activations, gradients and workspaces. Training steps never allocate; a layer
/// grows its storage only when it first sees a larger batch.
public final class FloatStorage {
    public private(set) var pointer: UnsafeMutablePointer<Float>
    public private(set) var capacity: Int

    public init(count: Int) {
        capacity = max(count, 1)
        pointer = Self.allocate(capacity)
        // Mapped pages already read as zeros, and stay out of memory until written.
        if !Self.isMapped(capacity) { pointer.initialize(repeating: 0, count: capacity) }
    }

    /// Buffers of at least this many bytes come straight from the kernel (`mmap`) and
    /// go back to it when freed. From malloc, a large block freed mid-build (an
    /// evaluation batch's activations) could stay in the process's heap, and resident,
    /// behind smaller blocks allocated after it.
    static let mappedBytes = 256 * 1024

    private static func isMapped(_ count: Int) -> Bool { count * MemoryLayout<Float>.stride >= mappedBytes }

    /// Cache-line-aligned floats (mapped ones are page-aligned). `allocate(capacity:)`
    /// aligns Floats to 16 bytes (malloc's, and 16 past a page for large blocks), so
    /// half of the kernels' 32-byte vector loads and stores at multiples of eight
    /// floats straddled two cache lines, which costs a second access and defeats
    /// store forwarding.
    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = count * MemoryLayout<Float>.stride
        guard isMapped(count) else {
            return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: cacheLine).bindMemory(to: Float.self, capacity: count)
        }
        guard let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            fatalError("out of memory: could not map \(bytes) bytes for the engine's buffers")
        }
        return raw.bindMemory(to: Float.self, capacity: count)
    }

    private static func free(_ pointer: UnsafeMutablePointer<Float>, _ count: Int) {
        if isMapped(count) {
            munmap(pointer, count * MemoryLayout<Float>.stride)
        } else {
            UnsafeMutableRawPointer(pointer).deallocate()
        }
    }

    /// Makes room for at least `count` floats. Contents are lost when it grows, and
    /// the new floats are not cleared: workspaces are always written before they
    /// are read, and untouched pages (say, gradient buffers of a model only used
    /// for inference) then cost no resident memory.
    public func reserve(_ count: Int) {
        guard count > capacity else { return }
        Self.free(pointer, capacity)
        capacity = count
        pointer = Self.allocate(count)
    }

    public func buffer(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        precondition(count <= capacity, "storage of \(capacity) floats asked for \(count)")
        return UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    deinit { Self.free(pointer, capacity) }
}

/// A learnable tensor (or a buffer such as BatchNorm's running mean) with its
/// PyTorch name and shape. Values live in Folio's internal layout; a convolution
/// weight is kept as [out, kh, kw, in] (channels last, so im2col rows are
/// contiguous) and converted to PyTorch's [out, in, kh, kw] when read or written
/// by name.
public final class Parameter {
    public let name: String
    /// The shape PyTorch gives this tensor.
    public let shape: [Int]
    /// True for running statistics and counters: saved, not trained.
    public let isBuffer: Bool
    public let value: FloatStorage
    /// Gradient of the loss with respect to `value` (buffers have none).
    public let grad: FloatStorage?
    /// Set for convolution weights stored channels-last.
    let convolutionLayout: (out: Int, inChannels: Int, kh: Int, kw: Int)?

    public var count: Int { shape.reduce(1, *) }

    init(name: String, shape: [Int], isBuffer: Bool = false,
         convolutionLayout: (out: Int, inChannels: Int, kh: Int, kw: Int)? = nil) {
        self.name = name
        self.shape = shape
        self.isBuffer = isBuffer
        self.convolutionLayout = convolutionLayout
        let n = shape.reduce(1, *)
        value = FloatStorage(count: n)
        grad = isBuffer ? nil : FloatStorage(count: n)
    }

    /// A free-standing trainable tensor holding `values`, not part of any layer: lets
    /// an `Optimizer` update something other than weights, such as input pixels.
    public convenience init(name: String, values: [Float]) {
        self.init(name: name, shape: [values.count])
        _ = self.values.update(fromContentsOf: values)
        gradients.update(repeating: 0)
    }

    public var values: UnsafeMutableBufferPointer<Float> { value.buffer(count) }
    public var gradients: UnsafeMutableBufferPointer<Float> { grad!.buffer(count) }

    /// The values in PyTorch's layout.
    public func torchValues() -> [Float] {
        let v = values
        guard let c = convolutionLayout else { return Array(v) }
        var out = [Float](repeating: 0, count: count)
        for o in 0..<c.out { for i in 0..<c.inChannels { for y in 0..<c.kh { for x in 0..<c.kw {
            out[((o * c.inChannels + i) * c.kh + y) * c.kw + x] = v[((o * c.kh + y) * c.kw + x) * c.inChannels + i]
        } } } }
        return out
    }

    /// Replaces the values from PyTorch's layout.
    public func setTorchValues(_ source: [Float]) {
        precondition(source.count == count)
        let v = values
        guard let c = convolutionLayout else {
            for i in 0..<count { v[i] = source[i] }
            return
        }
        for o in 0..<c.out { for i in 0..<c.inChannels { for y in 0..<c.kh { for x in 0..<c.kw {
            v[((o * c.kh + y) * c.kw + x) * c.inChannels + i] = source[((o * c.inChannels + i) * c.kh + y) * c.kw + x]
        } } } }
    }
}
