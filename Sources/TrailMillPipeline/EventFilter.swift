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
    /// `event_name` matches one of these (``TextPattern``: case-insensitive, `*` globs).
    public var eventNames: [String] = [] { didSet { eventNamePatterns = eventNames.map(TextPattern.init) } }
    /// `event_source` matches one of these; a bare service name means its endpoint (`iam` = `iam.amazonaws.com`).
    public var eventSources: [String] = [] {
        didSet { eventSourcePatterns = eventSources.map { TextPattern(Self.eventSource($0)) } }
    }
    /// `user_name`, `session_issuer_user_name`, `actor` or `user_arn` matches one of these; a name also matches
    /// an email-style actor's part before `@` (`dave` finds the Identity Center user `dave@example.com`), and
    /// `root` matches every event of the account's root user.
    public var users: [String] = [] { didSet { userPatterns = users.map(TextPattern.init) } }
    /// `userIdentity.type` matches one of these (`Root`, `IAMUser`, `AssumedRole`, `IdentityCenterUser`, …).
    public var userTypes: [String] = [] { didSet { userTypePatterns = userTypes.map(TextPattern.init) } }
    /// An ARN in `resources`, its last part (after the last `:` or `/`), or a top-level string of
    /// `requestParameters` (a bucket, role or user name) matches one of these.
    public var resources: [String] = [] { didSet { resourcePatterns = resources.map(TextPattern.init) } }
    /// `event_category` equals one of these (ASCII case-insensitive).
    public var categories: [String] = [] { didSet { categoryBytes = categories.map { Array($0.lowercased().utf8) } } }
    /// `read_only` filter.
    public var readOnly: ReadOnlyFilter = .any
    /// Keep only failed calls (`outcome` = failure).
    public var errorsOnly = false

    private var eventNamePatterns: [TextPattern] = []
    private var eventSourcePatterns: [TextPattern] = []
    private var userPatterns: [TextPattern] = []
    private var userTypePatterns: [TextPattern] = []
    private var resourcePatterns: [TextPattern] = []
    private var categoryBytes: [[UInt8]] = []

    /// `iam` → `iam.amazonaws.com`; anything with a dot or a glob stays as given.
    static func eventSource(_ text: String) -> String {
        text.contains(".") || text.contains("*") || text.contains("?") ? text : text + ".amazonaws.com"
    }

    /// A filter that keeps everything.
    public init() {}

    /// Whether the filter keeps every event.
    public var isEmpty: Bool {
        sinceMillis == nil && untilMillis == nil && eventNames.isEmpty && eventSources.isEmpty && users.isEmpty
            && userTypes.isEmpty && resources.isEmpty && categories.isEmpty && readOnly == .any && !errorsOnly
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
        if !eventNamePatterns.isEmpty && !Self.matchesAny(event.eventName, bytes, eventNamePatterns) { return false }
        if !eventSourcePatterns.isEmpty && !Self.matchesAny(event.eventSource, bytes, eventSourcePatterns) {
            return false
        }
        if !userTypePatterns.isEmpty && !Self.matchesAny(event.userType, bytes, userTypePatterns) { return false }
        if !userPatterns.isEmpty && !matchesUser(event, bytes) { return false }
        if !resourcePatterns.isEmpty && !matchesResource(event, bytes) { return false }
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

    private func matchesUser(_ event: FlatEvent, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let candidates = [event.userName, event.sessionIssuerUserName, event.actor, event.userARN]
        for slice in candidates {
            guard let text = Self.text(slice, bytes) else { continue }
            if userPatterns.contains(where: { $0.matches(text) }) { return true }
            if let at = text.firstIndex(of: UInt8(ascii: "@")),
                userPatterns.contains(where: { $0.matches(text[..<at]) })
            {
                return true
            }
        }
        if let type = Self.text(event.userType, bytes), type.elementsEqual("Root".utf8) {
            return userPatterns.contains { $0.matches("root") }
        }
        return false
    }

    private func matchesResource(_ event: FlatEvent, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var found = false
        if let resources = event.resources, resources.kind == .array {
            JSONText.forEachElement(bytes, array: resources) { element in
                guard !found, element.kind == .object, let arn = JSONText.member(bytes, element, "ARN"),
                    let text = Self.text(arn, bytes)
                else { return }
                found = matchesResourceName(text)
            }
        }
        if !found, let parameters = event.requestParameters, parameters.kind == .object {
            JSONText.forEachMember(bytes, object: parameters) { member in
                if let text = Self.text(member.value, bytes) { found = matchesResourceName(text) }
                return !found
            }
        }
        return found
    }

    /// An ARN or name matches when it does whole, or its part after the last `:` or `/` does.
    private func matchesResourceName(_ text: [UInt8]) -> Bool {
        if resourcePatterns.contains(where: { $0.matches(text) }) { return true }
        guard let cut = text.lastIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }) else {
            return false
        }
        let tail = text[(cut + 1)...]
        return !tail.isEmpty && resourcePatterns.contains { $0.matches(tail) }
    }

    /// A string slice's decoded UTF-8 (nil when absent or not a string).
    private static func text(_ slice: JSONSlice?, _ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let slice, slice.kind == .string else { return nil }
        if slice.hasEscapes { return Array(JSONText.string(bytes, slice).utf8) }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[slice.range]))
    }

    private static func matchesAny(_ slice: JSONSlice?, _ bytes: UnsafeRawBufferPointer, _ wanted: [TextPattern]) -> Bool {
        guard let text = text(slice, bytes) else { return false }
        return wanted.contains { $0.matches(text) }
    }
}
