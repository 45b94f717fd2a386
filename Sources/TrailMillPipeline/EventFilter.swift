public import TrailMillNormalize
import TrailMillDecoding

/// The console's filters plus a few more, applied to normalized events. Empty lists mean "any".
public struct EventFilter: Sendable {
    /// Which `readOnly` values pass.
    public enum ReadOnlyFilter: Sendable, Hashable {
        /// Every event.
        case any
        /// Only events with `readOnly` true.
        case readOnly
        /// Events whose `readOnly` is not true (false or absent).
        case writesOnly
    }

    /// Keep events at or after this time (UTC ms).
    public var sinceMillis: Int64?
    /// Keep events at or before this time (UTC ms).
    public var untilMillis: Int64?
    /// `event_name` equals one of these.
    public var eventNames: [String] = [] { didSet { eventNameBytes = eventNames.map { Array($0.utf8) } } }
    /// `event_source` equals one of these.
    public var eventSources: [String] = [] { didSet { eventSourceBytes = eventSources.map { Array($0.utf8) } } }
    /// `user_name`, `session_issuer_user_name`, `actor` or `user_arn` equals one of these.
    public var users: [String] = [] { didSet { userBytes = users.map { Array($0.utf8) } } }
    /// `event_category` equals one of these (ASCII case-insensitive).
    public var categories: [String] = [] { didSet { categoryBytes = categories.map { Array($0.lowercased().utf8) } } }
    /// `read_only` filter.
    public var readOnly: ReadOnlyFilter = .any
    /// Keep only failed calls (`outcome` = failure).
    public var errorsOnly = false

    private var eventNameBytes: [[UInt8]] = []
    private var eventSourceBytes: [[UInt8]] = []
    private var userBytes: [[UInt8]] = []
    private var categoryBytes: [[UInt8]] = []

    /// A filter that keeps everything.
    public init() {}

    /// Whether the filter keeps every event.
    public var isEmpty: Bool {
        sinceMillis == nil && untilMillis == nil && eventNames.isEmpty && eventSources.isEmpty && users.isEmpty
            && categories.isEmpty && readOnly == .any && !errorsOnly
    }

    /// Whether `event` (made from a record with `bytes`) passes.
    public func matches(_ event: FlatEvent, bytes: UnsafeRawBufferPointer) -> Bool {
        if let sinceMillis, event.eventTimeMillis < sinceMillis { return false }
        if let untilMillis, event.eventTimeMillis > untilMillis { return false }
        switch readOnly {
        case .any: break
        case .readOnly: if event.readOnly != true { return false }
        case .writesOnly: if event.readOnly == true { return false }
        }
        if errorsOnly && !event.isFailure { return false }
        if !eventNameBytes.isEmpty && !Self.matchesAny(event.eventName, bytes, eventNameBytes) { return false }
        if !eventSourceBytes.isEmpty && !Self.matchesAny(event.eventSource, bytes, eventSourceBytes) { return false }
        if !userBytes.isEmpty {
            let candidates = [event.userName, event.sessionIssuerUserName, event.actor, event.userARN]
            if !candidates.contains(where: { Self.matchesAny($0, bytes, userBytes) }) { return false }
        }
        if !categoryBytes.isEmpty {
            let category: [UInt8]
            if let slice = event.eventCategory {
                category = Array(JSONText.string(bytes, slice).lowercased().utf8)
            } else {
                category = Array((event.derivedEventCategory?.rawValue ?? "").lowercased().utf8)
            }
            if !categoryBytes.contains(category) { return false }
        }
        return true
    }

    private static func matchesAny(_ slice: JSONSlice?, _ bytes: UnsafeRawBufferPointer, _ wanted: [[UInt8]]) -> Bool {
        guard let slice, slice.kind == .string else { return false }
        return wanted.contains { JSONText.equals(bytes, slice, $0) }
    }
}
