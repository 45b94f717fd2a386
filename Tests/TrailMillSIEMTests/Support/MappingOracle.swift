import Foundation
import TrailMillTestSupport

/// The CloudTrail → CEF / LEEF mapping computed independently of the encoders, from a record parsed by
/// Foundation's `JSONSerialization` (plus the record's raw text where the mapping depends on how a value was
/// written: escapes in `eventName`/`eventType`, and the exact compact text of `requestParameters`).
///
/// Sources, in order of precedence: `Schemas/cef-leef-mapping-v1.md` (the contract), the doc comments of
/// `CEFEncoder`, `LEEFEncoder` and `SIEMText` that it names as part of the contract, and
/// `shared/reference/cef.md` §0, §1.8, §2.2, §2.3 where the mapping document defers to it.
///
/// Where the mapping document contradicts itself the oracle follows the more specific statement that agrees with
/// the encoder's own doc comments (reported separately): values **and header fields** are trimmed of whitespace,
/// all C0 controls (CR and LF included), DEL and U+0085/U+2028/U+2029 (§4.3, `SIEMText`), although §3 says CR/LF
/// "are kept by trimming" and §4.1 says "Header fields are not trimmed".
enum MappingOracle {
    /// A source record: Foundation's view and, when known, its JSON text as written.
    struct Record {
        var object: [String: Any]
        var raw: RawRecord?

        init(_ object: [String: Any], raw: String? = nil) {
            self.raw = raw.flatMap(RawRecord.init)
            // Text values of JSON numbers are their literal spelling (`1.10`, `1e5`), which Foundation loses.
            if let record = self.raw {
                self.object = MappingOracle.withNumberLiterals(object, record.root, record.bytes)
            } else {
                self.object = object
            }
        }

        subscript(_ key: String) -> Any? { object[key] }
    }

    /// Spans of a record's JSON text, for the rules that depend on how a value was written.
    struct RawRecord {
        let bytes: [UInt8]
        let root: RawJSON.Value

        init?(_ text: String) {
            bytes = Array(text.utf8)
            guard let root = RawJSON.parse(bytes), case .object = root else { return nil }
            self.root = root
        }

        func value(_ path: [String]) -> RawJSON.Value? {
            var current = root
            for key in path {
                guard case .object(let members, _) = current, let found = members.last(where: { $0.key == key }) else {
                    return nil
                }
                current = found.value
            }
            return current
        }

        func text(_ path: String...) -> String? {
            guard let value = value(path) else { return nil }
            return String(decoding: bytes[value.span], as: UTF8.self)
        }

        /// Whether the member is a JSON string written with at least one escape sequence.
        func hasEscapes(_ path: String...) -> Bool {
            guard let value = value(path), case .string(let span) = value else { return false }
            return bytes[span].contains(UInt8(ascii: "\\"))
        }
    }

    /// A JSON number as written.
    struct NumberLiteral {
        var text: String
    }

    /// `object` with every non-boolean number replaced by its literal text, except inside `requestParameters`
    /// (compared as JSON).
    static func withNumberLiterals(_ object: [String: Any], _ raw: RawJSON.Value, _ bytes: [UInt8]) -> [String: Any] {
        guard case .object(let members, _) = raw else { return object }
        var out = object
        for (key, value) in object where key != "requestParameters" {
            guard let rawValue = members.last(where: { $0.key == key })?.value else { continue }
            if let nested = value as? [String: Any] {
                out[key] = withNumberLiterals(nested, rawValue, bytes)
            } else if let number = value as? NSNumber, !isBoolean(number), case .scalar(let span) = rawValue {
                out[key] = NumberLiteral(text: String(decoding: bytes[span], as: UTF8.self))
            }
        }
        return out
    }

    // MARK: Reading values (the flat schema's text and boolean rules)

    /// A string (non-empty), or the text of a number or boolean; nil otherwise.
    static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string.isEmpty ? nil : string
        case let literal as NumberLiteral: return literal.text
        case let number as NSNumber: return isBoolean(number) ? (number.boolValue ? "true" : "false") : number.stringValue
        default: return nil
        }
    }

    static func isBoolean(_ number: NSNumber) -> Bool { FoundationJSON.isBoolean(number) }

    static func boolean(_ value: Any?) -> Bool? { FoundationJSON.boolean(value) }

    static func path(_ object: [String: Any], _ keys: String...) -> Any? {
        var current: Any? = object
        for key in keys { current = (current as? [String: Any])?[key] }
        return current
    }

    /// `text` unless it is blank by the trimming rule (so a fallback applies).
    static func nonBlank(_ value: Any?) -> String? {
        guard let t = text(value), !trimmed(t).isEmpty else { return nil }
        return t
    }

    // MARK: Value rules

    /// Unicode line separators: neither format can escape them; they become spaces (mapping §4.3).
    static func isLineSeparator(_ c: Unicode.Scalar) -> Bool { c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}" }

    /// Trimmed from both ends of every value and header field: whitespace and C0 controls (≤ U+0020, CR and LF
    /// included), DEL and the line separators.
    static func isTrimmed(_ c: Unicode.Scalar) -> Bool { c.value <= 0x20 || c.value == 0x7F || isLineSeparator(c) }

    static let ellipsis: Unicode.Scalar = "\u{2026}"

    /// Keeps `limit − 1` scalars and adds `…` when the value is longer than `limit` scalars.
    static func truncated(_ scalars: [Unicode.Scalar], _ limit: Int) -> [Unicode.Scalar] {
        scalars.count > limit ? Array(scalars.prefix(limit - 1)) + [ellipsis] : scalars
    }

    static func string(_ scalars: [Unicode.Scalar]) -> String { String(String.UnicodeScalarView(scalars)) }

    static func trimmed(_ text: String) -> [Unicode.Scalar] {
        var s = Array(text.unicodeScalars)[...]
        while let first = s.first, isTrimmed(first) { s = s.dropFirst() }
        while let last = s.last, isTrimmed(last) { s = s.dropLast() }
        return Array(s)
    }

    static func isControl(_ c: Unicode.Scalar) -> Bool { c.value < 0x20 || c.value == 0x7F }

    /// The decoded value a CEF extension key must carry (nil = key absent): trimmed; C0 controls other than
    /// CR/LF, DEL and line separators → space (CR/LF survive, escaped as `\r`/`\n` on the wire); truncated.
    static func cefValue(_ text: String?, limit: Int) -> String? {
        guard let text else { return nil }
        let s = trimmed(text).map { c -> Unicode.Scalar in
            (isControl(c) && c != "\n" && c != "\r") || isLineSeparator(c) ? " " : c
        }
        return s.isEmpty ? nil : string(truncated(s, limit))
    }

    /// A CEF header field (nil when blank): trimmed; every control (CR and LF too) and line separator → space;
    /// truncated.
    static func cefHeader(_ text: String?, limit: Int) -> String? {
        guard let text else { return nil }
        let s = trimmed(text).map { c -> Unicode.Scalar in isControl(c) || isLineSeparator(c) ? " " : c }
        return s.isEmpty ? nil : string(truncated(s, limit))
    }

    /// A LEEF attribute value: trimmed; every control (TAB = the delimiter, CR, LF) and line separator → space;
    /// truncated.
    static func leefValue(_ text: String?, limit: Int) -> String? {
        guard let text else { return nil }
        let s = trimmed(text).map { c -> Unicode.Scalar in isControl(c) || isLineSeparator(c) ? " " : c }
        return s.isEmpty ? nil : string(truncated(s, limit))
    }

    /// A LEEF header field: as a LEEF value, and `|` → space. nil when blank.
    static func leefHeader(_ text: String?, limit: Int) -> String? {
        guard let text else { return nil }
        let s = trimmed(text).map { c -> Unicode.Scalar in isControl(c) || isLineSeparator(c) || c == "|" ? " " : c }
        return s.isEmpty ? nil : string(truncated(s, limit))
    }

    // MARK: Derived values

    enum Source: Equatable {
        case ipv4(String)
        case ipv6(String)
        case host(String)
    }

    /// `sourceIPAddress`, decoded and trimmed (mapping §3): one IPv4 address, or `::ffff:a.b.c.d` (any case)
    /// unmapped → IPv4; one other IPv6 address (as written) → IPv6; anything else → host.
    static func source(_ value: Any?) -> Source? {
        guard let raw = text(value) else { return nil }
        let t = string(trimmed(raw))
        guard !t.isEmpty else { return nil }
        if IPAddressText.isIPv4(t) { return .ipv4(t) }
        if IPAddressText.isIPv6(t) {
            if t.lowercased().hasPrefix("::ffff:"), IPAddressText.isIPv4(t.dropFirst(7)) { return .ipv4(String(t.dropFirst(7))) }
            return .ipv6(t)
        }
        return .host(raw)
    }

    /// eventTime as epoch milliseconds (Foundation): `T` or space, optional fraction, `Z`, an offset or nothing.
    static func millis(_ value: Any?) -> Int64? {
        guard let text = value as? String else { return nil }
        var t = text.replacingOccurrences(of: " ", with: "T")
        if !(t.hasSuffix("Z") || t.range(of: #"[+-]\d\d:?\d\d$"#, options: .regularExpression) != nil) { t += "Z" }
        var millis = 0
        if let fraction = t.range(of: #"\.\d+"#, options: .regularExpression) {
            millis = Int((t[fraction].dropFirst() + "000").prefix(3)) ?? 0
            t.removeSubrange(fraction)
        }
        guard let date = ISO8601DateFormatter().date(from: t) else { return nil }
        return Int64(date.timeIntervalSince1970.rounded()) * 1000 + Int64(millis)
    }

    /// Insights: `eventType` `AwsCloudTrailInsight` (ASCII case-insensitive) written without escapes.
    static func isInsight(_ r: Record) -> Bool {
        (r["eventType"] as? String)?.lowercased() == "awscloudtrailinsight" && r.raw?.hasEscapes("eventType") != true
    }

    static func identity(_ r: Record) -> [String: Any] { r["userIdentity"] as? [String: Any] ?? [:] }

    /// suser / usrName: userIdentity.userName, else sessionContext.sessionIssuer.userName (blank ones skipped),
    /// else `root` for type `Root`.
    static func sourceUser(_ r: Record) -> String? {
        let identity = identity(r)
        if let name = nonBlank(identity["userName"]) { return name }
        if let name = nonBlank(path(identity, "sessionContext", "sessionIssuer", "userName")) { return name }
        return text(identity["type"]) == "Root" ? "root" : nil
    }

    /// duser: requestParameters.userName when requestParameters is an object and it is a non-empty JSON string.
    static func targetUser(_ r: Record) -> String? {
        (path(r.object, "requestParameters", "userName") as? String).flatMap { $0.isEmpty ? nil : $0 }
    }

    static func isSignIn(_ r: Record) -> Bool {
        text(r["eventName"]) == "ConsoleLogin" || text(r["eventSource"]) == "signin.amazonaws.com"
    }

    /// outcome (mapping §3 = flat `outcome`): `failure` when errorCode or errorMessage is present (text rule);
    /// on sign-in events `responseElements.ConsoleLogin` (a JSON string without escapes, `Success`/`Failure` in
    /// any case) decides instead.
    static func outcome(_ r: Record) -> String {
        var failed = text(r["errorCode"]) != nil || text(r["errorMessage"]) != nil
        if isSignIn(r), let login = path(r.object, "responseElements", "ConsoleLogin") as? String,
            r.raw?.hasEscapes("responseElements", "ConsoleLogin") != true
        {
            switch login.lowercased() {
            case "success": failed = false
            case "failure": failed = true
            default: break
            }
        }
        return failed ? "failure" : "success"
    }

    /// flat `mfa_used`: sign-in events, `additionalEventData.MFAUsed` `Yes`/`No` (any case), JSON booleans or the
    /// strings `true`/`false`.
    static func mfaUsed(_ r: Record) -> Bool? {
        guard isSignIn(r), let value = path(r.object, "additionalEventData", "MFAUsed") else { return nil }
        if r.raw?.hasEscapes("additionalEventData", "MFAUsed") == true { return boolean(value) }
        switch (value as? String)?.lowercased() {
        case "yes": return true
        case "no": return false
        default: return boolean(value)
        }
    }

    static let highRisk: Set<String> = [
        "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "DeleteFlowLogs", "DeleteDetector",
        "DisableSecurityHub", "StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteLogGroup",
        "DeactivateMFADevice", "DeleteVirtualMFADevice", "PutBucketPolicy", "PutBucketAcl", "PutBucketPublicAccessBlock",
        "DeleteBucketPublicAccessBlock", "ModifySnapshotAttribute", "ModifyImageAttribute", "ModifyDBSnapshotAttribute",
        "AuthorizeSecurityGroupIngress", "ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy", "CreateAccessKey",
        "CreateLoginProfile", "UpdateLoginProfile", "AttachUserPolicy", "AttachRolePolicy", "PutUserPolicy",
        "PutRolePolicy", "UpdateAssumeRolePolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion", "LeaveOrganization",
    ]

    /// Severity (mapping §5 = reference §2.3): the maximum of the rules that apply, capped at 10. Name rules use
    /// `eventName` only when it is a JSON string written without escapes.
    static func severity(_ r: Record) -> Int {
        let name = (r.raw?.hasEscapes("eventName") == true ? nil : r["eventName"] as? String) ?? ""
        let readOnly = boolean(r["readOnly"])
        var severity: Int
        if readOnly == true {
            severity = 2
        } else if ["Get", "List", "Describe", "Head", "Lookup"].contains(where: name.hasPrefix) {
            severity = 3
        } else {
            severity = 5
        }
        if ["Delete", "Terminate", "Remove", "Disable", "Stop", "Detach", "Revoke", "Deregister"].contains(where: name.hasPrefix) {
            severity = max(severity, 6)
        }
        let risky = highRisk.contains(name)
        if risky { severity = max(severity, 8) }
        if let code = text(r["errorCode"]) {
            severity = max(severity, code.contains("AccessDenied") || code.contains("Unauthorized") ? 6 : 4)
        }
        if name == "ConsoleLogin" {
            if outcome(r) == "failure" {
                severity = max(severity, 7)
            } else if mfaUsed(r) == false {
                severity = max(severity, 6)
            }
        }
        if text(identity(r)["type"]) == "Root" {
            severity = max(severity, readOnly == true ? 8 : 9)
            if risky { severity = 10 }
        }
        return min(severity, 10)
    }

    /// The exact compact text `requestParameters` must have (mapping §4.2 row 19, flat payload rule): the value
    /// as written with whitespace between tokens removed and raw U+0085/U+2028/U+2029 escaped; nil when the raw
    /// text is unknown.
    static func compactRequestParameters(_ r: Record) -> String? {
        guard let text = r.raw?.text("requestParameters") else { return nil }
        return compactJSON(text).replacingOccurrences(of: "\u{85}", with: "\\u0085")
            .replacingOccurrences(of: "\u{2028}", with: "\\u2028").replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }

    // MARK: CEF

    /// Extension keys in the order of mapping §4.2 (the golden vectors' order, with cs5 for Insights).
    static let cefOrder = [
        "rt", "externalId", "act", "destinationServiceName", "src", "c6a2", "c6a2Label", "shost", "suser", "suid",
        "sourceServiceName", "duser", "requestClientApplication", "outcome", "reason", "msg", "cat", "deviceExternalId",
        "cs1Label", "cs1", "cs2Label", "cs2", "cs3Label", "cs3", "cs4Label", "cs4", "cs5Label", "cs5", "cs6Label", "cs6",
        "cn1Label", "cn1",
    ]

    struct CEFExpectation {
        var header: [String]
        /// Every key but cs4, with its exact decoded value.
        var ext: [String: String]
        /// cs4: the source value (checked as JSON) and, when the raw record is known, its exact compact text.
        var requestParameters: Any?
        var requestParametersText: String?
    }

    static func cef(_ r: Record, fileAccount: String, fallbackMillis: Int64? = nil) -> CEFExpectation {
        let identity = identity(r)
        let insight = isInsight(r)
        let classSource = text(insight ? r["eventType"] : r["eventSource"])
        let name = text(insight ? path(r.object, "insightDetails", "insightType") : r["eventName"])
        let header = [
            "0", "Amazon", "AWS CloudTrail", cefHeader(text(r["eventVersion"]), limit: 31) ?? "",
            (cefHeader(classSource, limit: 500) ?? "unknown") + ":" + (cefHeader(name, limit: 500) ?? "unknown"),
            cefHeader(name, limit: 512) ?? "unknown",
            String(severity(r)),
        ]
        var ext: [String: String] = [:]
        func put(_ key: String, _ value: String?, _ limit: Int) { if let v = cefValue(value, limit: limit) { ext[key] = v } }
        func labelled(_ key: String, _ label: String, _ value: String?, _ limit: Int) {
            guard let v = cefValue(value, limit: limit) else { return }
            ext[key] = v
            ext[key + "Label"] = label
        }
        if let ms = millis(r["eventTime"]) ?? fallbackMillis { ext["rt"] = String(ms) }
        put("externalId", text(r["eventID"]), 40)
        if insight {
            put("act", path(r.object, "insightDetails", "eventName") as? String, 63)
            put("destinationServiceName", path(r.object, "insightDetails", "eventSource") as? String, 1023)
            labelled("cs5", "insightState", text(path(r.object, "insightDetails", "state")), 4000)
        } else {
            put("act", text(r["eventName"]), 63)
            put("destinationServiceName", text(r["eventSource"]), 1023)
        }
        switch source(r["sourceIPAddress"]) {
        case .ipv4(let ip): put("src", ip, 64)
        case .ipv6(let ip):
            put("c6a2", ip, 64)
            ext["c6a2Label"] = "Source IPv6 Address"
        case .host(let host): put("shost", host, 1023)
        case nil: break
        }
        put("suser", sourceUser(r), 1023)
        put("suid", text(identity["principalId"]), 1023)
        put("sourceServiceName", text(identity["invokedBy"]), 1023)
        put("duser", targetUser(r), 1023)
        put("requestClientApplication", text(r["userAgent"]), 1023)
        ext["outcome"] = outcome(r)
        put("reason", text(r["errorCode"]), 1023)
        put("msg", text(r["errorMessage"]), 1023)
        put("cat", text(r["eventType"]), 1023)
        put("deviceExternalId", nonBlank(r["recipientAccountId"]) ?? fileAccount, 255)
        labelled("cs1", "userIdentityArn", text(identity["arn"]), 4000)
        labelled("cs2", "userIdentityType", text(identity["type"]), 4000)
        labelled("cs3", "awsRegion", text(r["awsRegion"]), 4000)
        labelled("cs6", "accessKeyId", text(identity["accessKeyId"]), 4000)
        if let readOnly = boolean(r["readOnly"]) { labelled("cn1", "readOnly", readOnly ? "1" : "0", 20) }
        let parameters = r["requestParameters"].flatMap { $0 is NSNull ? nil : $0 }
        return CEFExpectation(
            header: header, ext: ext, requestParameters: parameters,
            requestParametersText: parameters == nil ? nil : compactRequestParameters(r))
    }

    /// Checks a parsed CEF line against the expectation; returns the problems found (empty = faithful).
    static func check(_ event: CEFEvent, _ expected: CEFExpectation) -> [String] {
        var problems: [String] = []
        for (n, field) in ["version", "vendor", "product", "deviceVersion", "classId", "name", "severity"].enumerated()
        where event.header[n] != expected.header[n] {
            problems.append("header.\(field): expected \(expected.header[n].debugDescription), got \(event.header[n].debugDescription)")
        }
        let ext = event.ext
        for key in Set(ext.keys).union(expected.ext.keys).subtracting(["cs4", "cs4Label"]).sorted()
        where ext[key] != expected.ext[key] {
            problems.append("\(key): expected \(short(expected.ext[key])), got \(short(ext[key]))")
        }
        problems += checkRequestParameters(
            ext["cs4"], label: ext["cs4Label"], labelValue: "requestParameters", expected.requestParameters,
            exactText: expected.requestParametersText, key: "cs4")
        problems += checkOrder(event.keys, cefOrder)
        return problems
    }

    static func short(_ value: String?) -> String {
        guard let value else { return "nil" }
        return value.count > 160 ? (String(value.prefix(150)) + "…[\(value.unicodeScalars.count) scalars]").debugDescription : value.debugDescription
    }

    static func checkOrder(_ keys: [String], _ order: [String]) -> [String] {
        var position = 0
        for key in keys {
            guard let found = order[position...].firstIndex(of: key) else { return ["key order: \(keys)"] }
            position = found + 1
        }
        return []
    }

    /// requestParameters as compact JSON: exactly `exactText` (truncated to 4000 scalars with `…`) when known;
    /// otherwise the same JSON value as the source (keys sorted) with no whitespace between tokens.
    static func checkRequestParameters(
        _ value: String?, label: String?, labelValue: String?, _ source: Any?, exactText: String?, key: String
    ) -> [String] {
        guard let source else {
            return value == nil && label == nil ? [] : ["\(key): expected absent, got \(short(value))"]
        }
        guard let value else { return ["\(key): missing (source \(short(canonical(source))))"] }
        var problems: [String] = []
        if let labelValue, label != labelValue { problems.append("\(key)Label: \(label.debugDescription)") }
        if let exactText {
            let want = string(truncated(Array(exactText.unicodeScalars), 4000))
            if value != want { problems.append("\(key): expected \(short(want)), got \(short(value))") }
            return problems
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed]) else {
            return ["\(key): not valid JSON: \(short(value))"]
        }
        if canonical(parsed) != canonical(source) {
            problems.append("\(key): JSON differs: \(short(value)) vs \(short(canonical(source)))")
        }
        if compactJSON(value) != value { problems.append("\(key): not compact: \(short(value))") }
        return problems
    }

    // MARK: LEEF

    static let leefOrder = [
        "devTime", "sev", "cat", "externalId", "act", "destinationServiceName", "insightState", "src", "shost", "usrName",
        "suid", "sourceServiceName", "duser", "requestClientApplication", "outcome", "reason", "msg", "accountName",
        "userIdentityArn", "userIdentityType", "awsRegion", "requestParameters", "accessKeyId", "readOnly",
    ]

    struct LEEFExpectation {
        var vendor = "Amazon"
        var product = "AWS CloudTrail"
        var version: String
        var eventID: String
        var attrs: [String: String]
        var requestParameters: Any?
        var requestParametersText: String?
    }

    static func leef(_ r: Record, fileAccount: String, fallbackMillis: Int64? = nil) -> LEEFExpectation {
        let identity = identity(r)
        let insight = isInsight(r)
        let classSource = leefHeader(text(insight ? r["eventType"] : r["eventSource"]), limit: 120) ?? "unknown"
        let name = leefHeader(text(insight ? path(r.object, "insightDetails", "insightType") : r["eventName"]), limit: 120) ?? "unknown"
        var attrs: [String: String] = [:]
        func put(_ key: String, _ value: String?, _ limit: Int) { if let v = leefValue(value, limit: limit) { attrs[key] = v } }
        if let ms = millis(r["eventTime"]) ?? fallbackMillis { attrs["devTime"] = String(ms) }
        attrs["sev"] = String(max(1, severity(r)))
        put("cat", text(r["eventType"]), 255)
        put("externalId", text(r["eventID"]), 255)
        if insight {
            put("act", path(r.object, "insightDetails", "eventName") as? String, 255)
            put("destinationServiceName", path(r.object, "insightDetails", "eventSource") as? String, 1023)
            put("insightState", text(path(r.object, "insightDetails", "state")), 255)
        } else {
            put("act", text(r["eventName"]), 255)
            put("destinationServiceName", text(r["eventSource"]), 1023)
        }
        switch source(r["sourceIPAddress"]) {
        case .ipv4(let ip), .ipv6(let ip): put("src", ip, 64)
        case .host(let host): put("shost", host, 1023)
        case nil: break
        }
        put("usrName", sourceUser(r), 255)
        put("suid", text(identity["principalId"]), 1023)
        put("sourceServiceName", text(identity["invokedBy"]), 1023)
        put("duser", targetUser(r), 1023)
        put("requestClientApplication", text(r["userAgent"]), 1023)
        attrs["outcome"] = outcome(r)
        put("reason", text(r["errorCode"]), 1023)
        put("msg", text(r["errorMessage"]), 1023)
        put("accountName", nonBlank(r["recipientAccountId"]) ?? fileAccount, 255)
        put("userIdentityArn", text(identity["arn"]), 4000)
        put("userIdentityType", text(identity["type"]), 4000)
        put("awsRegion", text(r["awsRegion"]), 4000)
        put("accessKeyId", text(identity["accessKeyId"]), 4000)
        if let readOnly = boolean(r["readOnly"]) { attrs["readOnly"] = readOnly ? "true" : "false" }
        let parameters = r["requestParameters"].flatMap { $0 is NSNull ? nil : $0 }
        return LEEFExpectation(
            version: leefHeader(text(r["eventVersion"]), limit: 31) ?? "", eventID: classSource + ":" + name, attrs: attrs,
            requestParameters: parameters, requestParametersText: parameters == nil ? nil : compactRequestParameters(r))
    }

    static func check(_ event: LEEFEvent, _ expected: LEEFExpectation) -> [String] {
        var problems: [String] = []
        if event.vendor != expected.vendor { problems.append("header.vendor: \(event.vendor)") }
        if event.product != expected.product { problems.append("header.product: \(event.product)") }
        if event.productVersion != expected.version {
            problems.append("header.version: expected \(expected.version.debugDescription), got \(event.productVersion.debugDescription)")
        }
        if event.eventID != expected.eventID {
            problems.append("header.eventID: expected \(short(expected.eventID)), got \(short(event.eventID))")
        }
        if event.delimiterSpec != "x09" { problems.append("header.delimiter: \(event.delimiterSpec)") }
        let attrs = event.attrs
        for key in Set(attrs.keys).union(expected.attrs.keys).subtracting(["requestParameters"]).sorted()
        where attrs[key] != expected.attrs[key] {
            problems.append("\(key): expected \(short(expected.attrs[key])), got \(short(attrs[key]))")
        }
        problems += checkRequestParameters(
            attrs["requestParameters"], label: nil, labelValue: nil, expected.requestParameters,
            exactText: expected.requestParametersText.map { $0.replacingOccurrences(of: "\t", with: " ") },
            key: "requestParameters")
        problems += checkOrder(event.keys, leefOrder)
        return problems
    }

    // MARK: JSON helpers

    /// Canonical JSON text of a Foundation value (sorted keys).
    static func canonical(_ value: Any?) -> String? {
        guard let value else { return nil }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else { return "<unserializable>" }
        return String(decoding: data, as: UTF8.self)
    }

    /// JSON text without whitespace between tokens (strings untouched).
    static func compactJSON(_ text: String) -> String { FoundationJSON.compact(text) }
}
