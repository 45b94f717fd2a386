// `Array.withUnsafe(Mutable)Bytes` rethrows untyped errors; these keep `CompressionError` typed.

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body that throws `CompressionError`.
    func withBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(CompressionError) -> Result
    ) throws(CompressionError) -> Result {
        let outcome: Swift.Result<Result, CompressionError> = withUnsafeBytes { buffer in
            Swift.Result { () throws(CompressionError) -> Result in try body(buffer) }
        }
        return try outcome.get()
    }

    /// `withUnsafeMutableBytes` for a body that throws `CompressionError`.
    mutating func withMutableBytes<Result>(
        _ body: (UnsafeMutableRawBufferPointer) throws(CompressionError) -> Result
    ) throws(CompressionError) -> Result {
        let outcome: Swift.Result<Result, CompressionError> = withUnsafeMutableBytes { buffer in
            Swift.Result { () throws(CompressionError) -> Result in try body(buffer) }
        }
        return try outcome.get()
    }
}
