/// A fast non-cryptographic 64-bit hash over bytes (multiply–xorshift mixing of 8-byte words).
///
/// Written here rather than using `Hasher` because `Hasher` is randomly seeded per process (its values cannot be
/// stored or compared across runs) and SipHash is several times slower on the ~1 KB records hashed per event.
/// Not for adversarial settings: it only guards against accidental collisions.
public enum FastHash {
    /// Hashes `bytes` with `seed`.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let n = bytes.count
        var h = seed ^ (UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15)
        guard let base = bytes.baseAddress else { return mix(h) }
        var i = 0
        while i &+ 16 <= n {
            let a = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let b = base.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
            h = mix(h ^ a) &+ mix(b ^ 0xC2B2_AE3D_27D4_EB4F)
            i &+= 16
        }
        if i &+ 8 <= n {
            h = mix(h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i &+= 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift &+= 8
            i &+= 1
        }
        return mix(h ^ tail ^ 0x1656_67B1_9E37_79F9)
    }

    /// A strong 64-bit finalizer (the "moremur" variant of SplitMix64's).
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 27
        x &*= 0x3C79_AC49_2BA7_B653
        x ^= x >> 33
        x &*= 0x1C69_B3F7_4AC4_AE35
        x ^= x >> 27
        return x
    }
}
