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

    func forwardDirect(_ x: UnsafeMutablePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>) {
        refreshTapMajorWeights()
        let k = kernel, cout = outChannels, wt = tapMajor.pointer, b = bias.value.pointer
        for img in 0..<n {
            let image = x + img * inputHeight * inputWidth
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    let out = y + ((img * outputHeight + oy) * outputWidth + ox) * cout
                    var g = 0
                    while g < cout {
                        var acc = load8(b + g)
                        for ky in 0..<k {
                            let iy = oy * stride - padding + ky
                            if iy < 0 || iy >= inputHeight { continue }
                            for kx in 0..<k {
                                let ix = ox * stride - padding + kx
                                if ix < 0 || ix >= inputWidth { continue }
                                acc += image[iy * inputWidth + ix] * load8(wt + (ky * k + kx) * cout + g)
                            }
                        }
                        store8(acc, out + g)
                        g += 8
                    }
                }
            }
        }
    }

    /// dW[tap][out] = Σ over output pixels of x(tap-shifted) · dy, db = Σ dy;
    /// dx (when asked) = Σ over taps and channels of W · dy scattered back.
    func backwardDirect(_ x: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>, n: Int,
                        dx: UnsafeMutablePointer<Float>?) {
        let k = kernel, taps = k * k, cout = outChannels
        let dwt = tapMajor.pointer + taps * cout  // second half of the workspace
        dwt.update(repeating: 0, count: taps * cout)
        let db = bias.grad!.pointer
        for o in 0..<cout { db[o] = 0 }
        if let dx { dx.update(repeating: 0, count: n * inputHeight * inputWidth) }
        let wt = tapMajor.pointer
        for img in 0..<n {
            let image = x + img * inputHeight * inputWidth
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    let d = dy + ((img * outputHeight + oy) * outputWidth + ox) * cout
                    var g = 0
                    while g < cout {
                        let dv = load8(d + g)
                        store8(load8(db + g) + dv, db + g)
                        for ky in 0..<k {
                            let iy = oy * stride - padding + ky
                            if iy < 0 || iy >= inputHeight { continue }
                            for kx in 0..<k {
                                let ix = ox * stride - padding + kx
                                if ix < 0 || ix >= inputWidth { continue }
                                let tap = (ky * k + kx) * cout + g
                                store8(load8(dwt + tap) + image[iy * inputWidth + ix] * dv, dwt + tap)
                                if let dx {
                                    dx[img * inputHeight * inputWidth + iy * inputWidth + ix] += (load8(wt + tap) * dv).sum()
                                }
                            }
                        }
                        g += 8
                    }
                }
            }
        }
        let gw = weight.grad!.pointer
        for o in 0..<cout { for tap in 0..<taps { gw[o * taps + tap] = dwt[tap * cout + o] } }
    }
}
