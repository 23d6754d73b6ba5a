/// SIMD8 kernels over matrix rows whose stride is a multiple of 8 floats (the padding lanes hold
/// zeros and stay zero, so every loop runs whole vectors with no scalar tail).
enum RowMath {
    typealias Vector = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> Vector {
        UnsafeMutableRawPointer(p + 8 * i).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + 8 * i).storeBytes(of: v, as: Vector.self)
    }

    /// a · b over `chunks` vectors of 8, with four accumulators.
    @inline(__always)
    static func dot(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, chunks: Int) -> Float {
        var s0 = Vector()
        var s1 = Vector()
        var s2 = Vector()
        var s3 = Vector()
        var i = 0
        while i + 4 <= chunks {
            s0.addProduct(load(a, i), load(b, i))
            s1.addProduct(load(a, i + 1), load(b, i + 1))
            s2.addProduct(load(a, i + 2), load(b, i + 2))
            s3.addProduct(load(a, i + 3), load(b, i + 3))
            i += 4
        }
        while i < chunks {
            s0.addProduct(load(a, i), load(b, i))
            i += 1
        }
        return ((s0 + s1) + (s2 + s3)).sum()
    }

    /// y += alpha · x.
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, chunks: Int) {
        let a = Vector(repeating: alpha)
        for i in 0..<chunks {
            var v = load(y, i)
            v.addProduct(a, load(x, i))
            store(v, y, i)
        }
    }

    /// y += x.
    @inline(__always)
    static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, chunks: Int) {
        for i in 0..<chunks { store(load(y, i) + load(x, i), y, i) }
    }

    /// y = 0.
    @inline(__always)
    static func zero(_ y: UnsafeMutablePointer<Float>, chunks: Int) {
        for i in 0..<chunks { store(Vector(), y, i) }
    }
}
