public import TrailMillDecoding
import TrailMillNormalize

/// What the Detection Finding encoder needs to know about one alert: the rule that fired, the alert, and the
/// CloudTrail event it matched (`Schemas/ocsf-mapping-v1.md` §6).
public struct OCSFFindingInput: Sendable, Hashable {
    /// A rule's severity level (Sigma's levels).
    public enum Level: String, Sendable, Hashable, CaseIterable {
        case informational, low, medium, high, critical

        /// OCSF `severity_id`: Informational 1, Low 2, Medium 3, High 4, Critical 5.
        public var severityID: Int {
            switch self {
            case .informational: 1
            case .low: 2
            case .medium: 3
            case .high: 4
            case .critical: 5
            }
        }

        /// OCSF `severity`.
        public var severityName: String {
            switch self {
            case .informational: "Informational"
            case .low: "Low"
            case .medium: "Medium"
            case .high: "High"
            case .critical: "Critical"
            }
        }
    }

    /// The rule's stable ID (`finding_info.analytic.uid`).
    public var ruleID: String
    /// The rule's title (`finding_info.title`, `finding_info.analytic.name`).
    public var ruleTitle: String
    /// What the rule detects (`finding_info.desc`).
    public var ruleDescription: String?
    /// The rule's level (`severity_id`).
    public var ruleLevel: Level
    /// The rule's tags, Sigma style (`attack.t1098.001`, `attack.persistence`, …): kept in `metadata.labels`;
    /// ATT&CK technique and tactic tags also become `finding_info.attacks`.
    public var ruleTags: [String]
    /// The alert's stable ID (`metadata.uid`, `finding_info.uid`).
    public var alertID: String
    /// When the alert was raised, epoch ms (`time`, `finding_info.created_time`).
    public var alertTimeMillis: Int64

    /// The matched event's `eventID` (`finding_info.related_events[].uid`, `metadata.correlation_uid`).
    public var eventID: String?
    /// The matched event's time, epoch ms (`finding_info.first_seen_time`, `last_seen_time`).
    public var eventTimeMillis: Int64
    /// The matched event's OCSF class and activity (`OCSFClassifier.classify`), for `related_events[].type_uid`.
    public var eventClassification: OCSFClassification?
    /// `recipientAccountId` (`cloud.account.uid`).
    public var recipientAccountID: String
    /// `awsRegion` (`cloud.region`).
    public var awsRegion: String?
    /// `eventSource` (`evidences[].api.service.name`).
    public var eventSource: String?
    /// `eventName` (`evidences[].api.operation`).
    public var eventName: String?
    /// `userIdentity.arn` (`evidences[].actor.user.uid`).
    public var userARN: String?
    /// The flat `actor` display name (`evidences[].actor.user.name`).
    public var actorName: String?
    /// `sourceIPAddress` (`evidences[].src_endpoint`: `ip` for an address, else `domain` and `name`).
    public var sourceIPAddress: String?
    /// The matched record's JSON text, `{` to `}` (`evidences[].data`). It must be valid JSON, as the decoder
    /// hands records out (`RecordView.bytes`); it is written on one line.
    public var rawEvent: [UInt8]?

    /// Creates an input; the matched event's columns default to absent.
    public init(
        ruleID: String, ruleTitle: String, ruleLevel: Level, alertID: String, alertTimeMillis: Int64,
        eventTimeMillis: Int64, recipientAccountID: String
    ) {
        self.ruleID = ruleID
        self.ruleTitle = ruleTitle
        self.ruleLevel = ruleLevel
        ruleTags = []
        self.alertID = alertID
        self.alertTimeMillis = alertTimeMillis
        self.eventTimeMillis = eventTimeMillis
        self.recipientAccountID = recipientAccountID
    }
}

/// Writes alerts as OCSF 1.1.0 Detection Finding (2004) events, one JSON object per line.
///
/// `activity_id` 1 Create, `status_id` 1 New, `severity_id` from the rule's level, `metadata.product` TrailMill,
/// `finding_info` (alert ID, rule title and description, the rule as an `analytic` of type Rule, ATT&CK `attacks`,
/// the matched event as a `related_events` entry), and one `evidences` entry with the matched event's actor, API,
/// source and raw record.
public enum OCSFFindingEncoder {
    /// Appends one Detection Finding and `\n`.
    public static func appendLine(_ finding: OCSFFindingInput, to out: OutputBuffer) {
        let c = OCSFClassification(eventClass: .detectionFinding, activityID: 1)
        out.append(OCSFLiterals.classHeader(.detectionFinding))
        out.append(OCSFLiterals.activity(c))
        out.append(#","severity_id":"#)
        JSONOutput.appendInt(finding.ruleLevel.severityID, to: out)
        JSONOutput.appendMember("severity", string: finding.ruleLevel.severityName, to: out)
        appendTime("time", finding.alertTimeMillis, to: out)
        out.append(OCSFLiterals.findingNew)
        JSONOutput.appendMember("message", string: finding.ruleTitle, to: out)

        out.append(
            #","metadata":{"version":"1.1.0","profiles":["cloud","datetime"],"product":{"name":"TrailMill","vendor_name":"TrailMill","feature":{"name":"Detections"}}"#)
        JSONOutput.appendMember("uid", string: finding.alertID, to: out)
        if let eventID = finding.eventID { JSONOutput.appendMember("correlation_uid", string: eventID, to: out) }
        if !finding.ruleTags.isEmpty {
            out.append(#","labels":"#)
            appendStrings(finding.ruleTags, to: out)
        }
        out.append(UInt8(ascii: "}"))

        out.append(#","cloud":{"provider":"AWS""#)
        if let region = finding.awsRegion { JSONOutput.appendMember("region", string: region, to: out) }
        out.append(#","account":{"uid":"#)
        JSONOutput.appendString(finding.recipientAccountID, to: out)
        out.append("}}")

        out.append(#","finding_info":{"uid":"#)
        JSONOutput.appendString(finding.alertID, to: out)
        JSONOutput.appendMember("title", string: finding.ruleTitle, to: out)
        if let description = finding.ruleDescription { JSONOutput.appendMember("desc", string: description, to: out) }
        out.append(#","analytic":{"type_id":1,"type":"Rule""#)
        JSONOutput.appendMember("uid", string: finding.ruleID, to: out)
        JSONOutput.appendMember("name", string: finding.ruleTitle, to: out)
        out.append(UInt8(ascii: "}"))
        appendTime("created_time", finding.alertTimeMillis, to: out)
        appendTime("first_seen_time", finding.eventTimeMillis, to: out)
        appendTime("last_seen_time", finding.eventTimeMillis, to: out)
        appendAttacks(finding.ruleTags, to: out)
        if let eventID = finding.eventID {
            out.append(#","related_events":[{"uid":"#)
            JSONOutput.appendString(eventID, to: out)
            if let related = finding.eventClassification {
                out.append(#","type_uid":"#)
                JSONOutput.appendInt(related.typeUID, to: out)
                JSONOutput.appendMember("type", string: related.typeName, to: out)
            }
            out.append("}]")
        }
        out.append(UInt8(ascii: "}"))

        appendEvidence(finding, to: out)
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
    }

    /// `evidences`: one entry for the matched event (OCSF requires at least one of its members; `data` always
    /// qualifies when the raw record is known).
    static func appendEvidence(_ finding: OCSFFindingInput, to out: OutputBuffer) {
        let hasUser = finding.userARN != nil || finding.actorName != nil
        guard hasUser || finding.eventName != nil || finding.sourceIPAddress != nil || finding.rawEvent != nil else { return }
        out.append(#","evidences":[{"#)
        var evidence = JSONObjectWriter(out)
        if hasUser {
            evidence.key(#""actor":{"user":{"#)
            var user = JSONObjectWriter(out)
            if let arn = finding.userARN {
                user.key(#""uid":"#)
                JSONOutput.appendString(arn, to: out)
            }
            if let name = finding.actorName {
                user.key(#""name":"#)
                JSONOutput.appendString(name, to: out)
            }
            out.append("}}")
        }
        if let name = finding.eventName {
            evidence.key(#""api":{"operation":"#)
            JSONOutput.appendString(name, to: out)
            if let source = finding.eventSource {
                out.append(#","service":{"name":"#)
                JSONOutput.appendString(source, to: out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "}"))
        }
        if var source = finding.sourceIPAddress {
            let isIP = source.utf8.count <= 40 && source.withUTF8 { IPAddress.isAddress(UnsafeRawBufferPointer($0)) }
            if isIP {
                evidence.key(#""src_endpoint":{"ip":"#)
                JSONOutput.appendString(source, to: out)
            } else {
                evidence.key(#""src_endpoint":{"domain":"#)
                JSONOutput.appendString(source, to: out)
                JSONOutput.appendMember("name", string: source, to: out)
            }
            out.append(UInt8(ascii: "}"))
        }
        if let raw = finding.rawEvent, !raw.isEmpty {
            evidence.key(#""data":"#)
            raw.withUnsafeBytes { JSONText.appendCompact($0, to: out) }
        }
        out.append("}]")
    }

    /// `finding_info.attacks` from Sigma-style tags: `attack.tNNNN[.NNN]` → a technique (and sub-technique),
    /// `attack.<tactic_name>` → a tactic with its ATT&CK ID. Other tags (groups, software, CVEs) are only labels.
    static func appendAttacks(_ tags: [String], to out: OutputBuffer) {
        var count = 0
        func begin() {
            out.append(count == 0 ? #","attacks":[{"# : #",{"#)
            count += 1
        }
        for tag in tags {
            let lower = tag.lowercased()
            guard lower.hasPrefix("attack.") else { continue }
            let name = String(lower.dropFirst("attack.".count))
            if let technique = techniqueID(name) {
                begin()
                out.append(#""technique":{"uid":"#)
                JSONOutput.appendString(String(technique.prefix(5)), to: out)
                out.append(UInt8(ascii: "}"))
                if technique.count > 5 {
                    out.append(#","sub_technique":{"uid":"#)
                    JSONOutput.appendString(technique, to: out)
                    out.append(UInt8(ascii: "}"))
                }
                out.append(UInt8(ascii: "}"))
            } else if let tactic = tactics[name] {
                begin()
                out.append(#""tactic":{"uid":"#)
                JSONOutput.appendString(tactic.uid, to: out)
                JSONOutput.appendMember("name", string: tactic.name, to: out)
                out.append("}}")
            }
        }
        if count > 0 { out.append(UInt8(ascii: "]")) }
    }

    /// `T1098` or `T1098.001` for `t1098` / `t1098.001`, else nil.
    static func techniqueID(_ name: String) -> String? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard let id = parts.first, id.count == 5, id.first == "t", id.dropFirst().allSatisfy(\.isASCIIDigitCharacter),
            parts.count == 1 || (parts.count == 2 && parts[1].count == 3 && parts[1].allSatisfy(\.isASCIIDigitCharacter))
        else { return nil }
        return "T" + name.dropFirst()
    }

    /// MITRE ATT&CK Enterprise tactics by their Sigma tag names.
    static let tactics: [String: (uid: String, name: String)] = [
        "reconnaissance": ("TA0043", "Reconnaissance"), "resource_development": ("TA0042", "Resource Development"),
        "initial_access": ("TA0001", "Initial Access"), "execution": ("TA0002", "Execution"),
        "persistence": ("TA0003", "Persistence"), "privilege_escalation": ("TA0004", "Privilege Escalation"),
        "defense_evasion": ("TA0005", "Defense Evasion"), "credential_access": ("TA0006", "Credential Access"),
        "discovery": ("TA0007", "Discovery"), "lateral_movement": ("TA0008", "Lateral Movement"),
        "collection": ("TA0009", "Collection"), "command_and_control": ("TA0011", "Command and Control"),
        "exfiltration": ("TA0010", "Exfiltration"), "impact": ("TA0040", "Impact"),
    ]

    static func appendTime(_ name: StaticString, _ millis: Int64, to out: OutputBuffer) {
        JSONOutput.appendName(name, to: out)
        JSONOutput.appendInt(Int(millis), to: out)
        out.append(UInt8(ascii: ","))
        out.append(UInt8(ascii: "\""))
        out.append(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(#"_dt":""#)
        Timestamp.appendISO8601(millis, to: out)
        out.append(UInt8(ascii: "\""))
    }

    static func appendStrings(_ values: [String], to out: OutputBuffer) {
        out.append(UInt8(ascii: "["))
        for (k, value) in values.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            JSONOutput.appendString(value, to: out)
        }
        out.append(UInt8(ascii: "]"))
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
