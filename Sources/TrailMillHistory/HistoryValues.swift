internal import TrailMillNormalize

/// Small value checks shared by the query model.
enum HistoryValues {
    /// Whether `text` is one IPv4 or IPv6 address (the load's own rule for filling `source_ip`).
    static func isAddress(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { IPAddress.isAddress(UnsafeRawBufferPointer($0)) }
    }
}
