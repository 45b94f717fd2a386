/// Which SIEM line format to write.
public enum SIEMFormat: String, Sendable, Hashable, CaseIterable {
    /// ArcSight Common Event Format, version 0.
    case cef
    /// IBM QRadar Log Event Extended Format 2.0, tab-delimited.
    case leef
}
