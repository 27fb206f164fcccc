/// The one-input-channel convolution (every network's first layer) computed
/// directly, eight output channels at a time. As im2col + GEMM its inner dimension
/// would be only k·k (9 for the SimpleCNN), which GEMM handles poorly.
extension Conv2d {
    var usesDirectPath: Bool { inChannels == 1 && outChannels % 8 == 0 }

    /// Copies the weights to [tap][out], so each tap's output channels are contiguous.
    func refreshTapMajorWeights() {
        let taps = kernel * kernel, cout = outChannels, w = weight.value.pointer, t = tapMajor.pointer
        for o in 0..<cout { for tap in 0..<taps { t[tap * cout + o] = w[o * taps + tap] } }
    }

    /// Gathers the k×k receptive field of output pixel (oy, ox) into `patch`, zeros
    /// where it falls into the padding.
    @inline(__always)
    private func gather(_ image: UnsafeMutablePointer<Float>, oy: Int, ox: Int, into patch: UnsafeMutablePointer<Float>,
                        k: Int, h: Int, w: Int) {
        var t = 0
        for ky in 0..<k {
            let iy = oy &* stride &- padding &+ ky
            let rowInside = iy >= 0 && iy < h
            for kx in 0..<k {
                let ix = ox &* stride &- padding &+ kx
                patch[t] = rowInside && ix >= 0 && ix < w ? image[iy &* w &+ ix] : 0
                t &+= 1
            }
        }
    }

    func forwardDirect(_ x: UnsafeMutablePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>) {
        refreshTapMajorWeights()
        let k = kernel, taps = k * k, cout = outChannels, wt = UnsafePointer(tapMajor.pointer), b = UnsafePointer(bias.value.pointer)
        let h = inputHeight, w = inputWidth, oh = outputHeight, ow = outputWidth
        let patch = UnsafeMutablePointer<Float>.allocate(capacity: taps)
        defer { patch.deallocate() }
        var out = y
        for img in 0..<n {
            let image = x + img * h * w
            for oy in 0..<oh {
                for ox in 0..<ow {
                    gather(image, oy: oy, ox: ox, into: patch, k: k, h: h, w: w)
                    var g = 0
                    while g < cout {
                        var acc = load8(b + g)
                        var wp = wt + g
                        for t in 0..<taps {
                            acc += patch[t] * load8(wp)
                            wp += cout
                        }
                        store8(acc, out + g)
                        g &+= 8
                    }
                    out += cout
                }
            }
        }
    }

    /// dW[tap][out] = Σ over output pixels of x(tap-shifted) · dy, db = Σ dy;
    /// dx (when asked) = Σ over taps and channels of W · dy scattered back.
    func backwardDirect(_ x: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>, n: Int,
                        dx: UnsafeMutablePointer<Float>?) {
        let k = kernel, taps = k * k, cout = outChannels
        let h = inputHeight, w = inputWidth, oh = outputHeight, ow = outputWidth
        let dwt = tapMajor.pointer + taps * cout  // second half of the workspace
        dwt.update(repeating: 0, count: taps * cout)
        let db = bias.grad!.pointer
        for o in 0..<cout { db[o] = 0 }
        let patch = UnsafeMutablePointer<Float>.allocate(capacity: taps)
        defer { patch.deallocate() }
        var d = UnsafePointer(dy)
        for img in 0..<n {
            let image = x + img * h * w
            for oy in 0..<oh {
                for ox in 0..<ow {
                    gather(image, oy: oy, ox: ox, into: patch, k: k, h: h, w: w)
                    var g = 0
                    while g < cout {
                        let dv = load8(d + g)
                        store8(load8(db + g) + dv, db + g)
                        var wp = dwt + g
                        for t in 0..<taps {
                            store8(load8(wp) + patch[t] * dv, wp)
                            wp += cout
                        }
                        g &+= 8
                    }
                    d += cout
                }
            }
        }
        let gw = weight.grad!.pointer
        for o in 0..<cout { for tap in 0..<taps { gw[o * taps + tap] = dwt[tap * cout + o] } }
        guard let dx else { return }
        // Input gradient (pixel optimisation only): each output pixel's W·dy summed
        // back onto its receptive field.
        dx.update(repeating: 0, count: n * h * w)
        let wt = tapMajor.pointer
        d = UnsafePointer(dy)
        for img in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for ky in 0..<k {
                        let iy = oy * stride - padding + ky
                        if iy < 0 || iy >= h { continue }
                        for kx in 0..<k {
                            let ix = ox * stride - padding + kx
                            if ix < 0 || ix >= w { continue }
                            var s: Float = 0
                            for o in 0..<cout { s += wt[(ky * k + kx) * cout + o] * d[o] }
                            dx[(img * h + iy) * w + ix] += s
                        }
                    }
                    d += cout
                }
            }
        }
    }
}
