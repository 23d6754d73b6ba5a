#if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
    import _Builtin_intrinsics.intel
#endif

/// Polynomial exp, tanh and sigmoid on eight lanes at a time.
///
/// Range reduction and a minimax polynomial: max relative error about 4e-7 against Double libm
/// (absolute below the smallest normal float), ±inf handled, NaN in gives NaN out. 8–17× faster
/// than calling scalar libm per element (`perplex bench kernels`).
public enum VectorMath {
    public typealias Vector = SIMD8<Float>
    typealias Bits = SIMD8<Int32>

    @inline(__always)
    static func bits(_ v: Vector) -> Bits { unsafeBitCast(v, to: Bits.self) }
    @inline(__always)
    static func float(_ b: Bits) -> Vector { unsafeBitCast(b, to: Vector.self) }
    @inline(__always)
    static func abs(_ v: Vector) -> Vector { float(bits(v) & 0x7FFF_FFFF) }

    /// max(bound, v) and min(bound, v) lane by lane, NaN in v kept: one instruction on x86
    /// (vmaxps/vminps return their second operand when either is NaN), where Swift's compare and
    /// blend take two on the kernels' critical path (sigmoid ran 15 % faster).
    @inline(__always)
    static func atLeast(_ bound: Float, _ v: Vector) -> Vector {
        #if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
            return _mm256_max_ps(Vector(repeating: bound), v)
        #else
            var out = v
            out.replace(with: bound, where: v .< bound)
            return out
        #endif
    }

    @inline(__always)
    static func atMost(_ bound: Float, _ v: Vector) -> Vector {
        #if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
            return _mm256_min_ps(Vector(repeating: bound), v)
        #else
            var out = v
            out.replace(with: bound, where: v .> bound)
            return out
        #endif
    }

    /// The shared core of `exp`: v (at most 88.8) is clamped below at -104 and split as
    /// v = n·ln 2 + r, n rounded by the 1.5·2^23 trick; returns p ≈ e^r and t, whose bits hold
    /// n + 0x4B400000. p = 1 + r + r²·q(r) with a cubic q fitted for minimax relative error (1.1e-7
    /// on |r| ≤ ln2/2) and evaluated by Estrin's scheme, and r comes from one FMA with ln 2 rounded
    /// to Float (|n|·1.9e-9 ≤ 2.9e-7 more error than Cody–Waite's two-part ln 2). The short
    /// dependency chain, not the operation count, limits these kernels: Horner on Cephes' degree-7
    /// polynomial and Cody–Waite ran sigmoid 40 % slower.
    @inline(__always)
    static func reduced(_ x: Vector) -> (p: Vector, t: Vector) {
        let v = atLeast(-104, x)
        let magic: Vector = Vector(repeating: 12_582_912)
        let t = magic.addingProduct(v, 1.442_695_04)
        let n = t - magic
        let r = v.addingProduct(n, -0.693_147_18)
        let r2 = r * r
        let low = Vector(repeating: 4.999_923_110_0e-1).addingProduct(r, 1.666_711_419_8e-1)
        let high = Vector(repeating: 4.189_012_572_2e-2).addingProduct(r, 8.312_509_395_2e-3)
        return ((r + 1).addingProduct(low.addingProduct(high, r2), r2), t)
    }

    /// e^x. Results below the smallest normal float are denormal or zero; above 88.72 it is +inf.
    @inline(__always)
    public static func exp(_ x: Vector) -> Vector {
        let (p, t) = reduced(atMost(88.8, x))
        // 2^n as two normal powers of two, so results in the denormal range round only once.
        let k = bits(t) &- 0x4B40_0000
        let k1 = k &>> 1
        let k2 = k &- k1
        return p * float((k1 &+ 127) &<< 23) * float((k2 &+ 127) &<< 23)  // NaN propagates
    }

    /// tanh(x): an odd polynomial for |x| < 0.625, 1 - 2/(e^{2|x|} + 1) with the sign of x beyond.
    @inline(__always)
    public static func tanh(_ x: Vector) -> Vector {
        let ax = abs(x)
        let z = x * x
        var p = Vector(repeating: 2.063_908_879_54e-2).addingProduct(Vector(repeating: -5.704_988_727_45e-3), z)
        p = Vector(repeating: -5.373_971_555_31e-2).addingProduct(p, z)
        p = Vector(repeating: 1.333_144_220_36e-1).addingProduct(p, z)
        p = Vector(repeating: -3.333_328_194_22e-1).addingProduct(p, z)
        let small = x.addingProduct(x * z, p)
        let e = exp(ax + ax)
        let large = 1 - 2 / (e + 1)
        var y = float(bits(large) | (bits(x) & Bits(repeating: Int32.min)))
        y.replace(with: small, where: ax .< 0.625)
        y.replace(with: x, where: x .!= x)
        return y
    }

    /// σ(x) = 1 / (1 + e^{-x}), computed as e^x / (1 + e^x) for x < 0 to keep relative accuracy.
    /// e^{-|x|}·2^64 stays a normal float, and the one division by 2^64 + e^{-|x|}·2^64 rounds once
    /// into the denormals; the numerator is chosen before it, by the sign bit of x.
    @inline(__always)
    public static func sigmoid(_ x: Vector) -> Vector {
        let (p, t) = reduced(float(bits(x) | Bits(repeating: Int32.min)))  // -|x|
        let scaled = p * float((bits(t) &- (0x4B40_0000 - 127 - 64)) &<< 23)  // e^{-|x|}·2^64
        return whereNegative(x, scaled, else: Vector(repeating: 0x1p64)) / (0x1p64 + scaled)  // NaN propagates
    }

    /// `a` in the lanes where `x`'s sign bit is set, `b` elsewhere: one vblendvps on x86.
    @inline(__always)
    static func whereNegative(_ x: Vector, _ a: Vector, else b: Vector) -> Vector {
        #if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
            return _mm256_blendv_ps(b, a, x)
        #else
            var out = b
            out.replace(with: a, where: (bits(x) & Bits(repeating: Int32.min)) .!= 0)
            return out
        #endif
    }
}
