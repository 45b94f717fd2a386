import Foundation
import Testing
import TrailMillTestSupport

/// The two worked examples of `../shared/reference/ocsf.md` (§4 API Activity, §5 Authentication, from the OCSF
/// project's CloudTrail mapping) come out of TrailMill equal to the expected OCSF JSON, field for field, once the
/// deviations listed in `Schemas/ocsf-mapping-v1.md` §8 are applied to the expected side — each by name, so an
/// unlisted difference fails. The records and expected events are read from the reference itself.
@Suite(.enabled(if: OCSFHarness.haveReference, "../shared/reference/ocsf.md is absent"))
struct WorkedExampleTests {
    /// The `json` code blocks of the reference section whose heading starts with `heading`: (record, expected).
    static func example(_ heading: String) throws -> (record: String, expected: [String: Any]) {
        let text = try String(contentsOfFile: OCSFHarness.reference, encoding: .utf8)
        guard let start = text.range(of: "\n" + heading) else { throw OCSFHarness.HarnessError(description: "no \(heading)") }
        let section = text[start.upperBound...].prefix { _ in true }
        let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
        let blocks = section[..<end].components(separatedBy: "```json\n").dropFirst().map { $0.components(separatedBy: "\n```")[0] }
        guard blocks.count == 2,
            let expected = try JSONSerialization.jsonObject(with: Data(blocks[1].utf8)) as? [String: Any]
        else { throw OCSFHarness.HarnessError(description: "\(heading): expected two json blocks") }
        return (FoundationJSON.compact(blocks[0]), expected)
    }

    /// TrailMill's event for `record` and the expected one with the named deviations applied.
    static func compare(_ heading: String, deviations: [Deviation]) throws -> (actual: [String: Any], expected: [String: Any]) {
        let (record, expected) = try example(heading)
        let actual = try OCSFHarness.object(try OCSFHarness.encode([record])[0].ocsf)
        var adjusted = expected
        for deviation in deviations { deviation.apply(&adjusted, actual) }
        return (normalized(actual), normalized(adjusted))
    }

    /// Observables are a set: their order carries no meaning (the two examples list them in opposite orders).
    static func normalized(_ event: [String: Any]) -> [String: Any] {
        var event = event
        if let observables = event["observables"] as? [[String: Any]] {
            event["observables"] = observables.sorted { ($0["name"] as? String ?? "") < ($1["name"] as? String ?? "") }
        }
        return event
    }

    /// One documented deviation (`Schemas/ocsf-mapping-v1.md` §8), applied to the expected event.
    struct Deviation: Sendable {
        var name: String
        var apply: @Sendable (inout [String: Any], [String: Any]) -> Void
    }

    static func set(_ event: inout [String: Any], _ path: [String], _ value: Any?) {
        guard let first = path.first else { return }
        if path.count == 1 {
            event[first] = value
            return
        }
        var inner = event[first] as? [String: Any] ?? [:]
        set(&inner, Array(path.dropFirst()), value)
        event[first] = inner.isEmpty ? nil : inner
    }

    static func value(_ event: [String: Any], _ path: String...) -> Any? {
        var current: Any? = event
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }

    // §8 deviations, by name.
    static let recipientAccountInCloud = Deviation(name: "D1 cloud.account.uid") { expected, _ in
        let account = value(expected, "unmapped", "recipientAccountId")
        set(&expected, ["cloud", "account", "uid"], account)
        set(&expected, ["unmapped", "recipientAccountId"], nil)
    }
    static let statusID = Deviation(name: "D2 status_id") { expected, _ in
        if expected["status"] as? String == "Success" { expected["status_id"] = 1 }
    }
    static let utcTimeDT = Deviation(name: "D3 time_dt in UTC") { expected, actual in
        // Same instant, written in UTC: the expected offset form must denote the actual `time`.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let instant = (expected["time_dt"] as? String).flatMap(formatter.date(from:))
        if let instant, let time = actual["time"] as? Int, Int((instant.timeIntervalSince1970 * 1000).rounded()) == time {
            expected["time_dt"] = actual["time_dt"]
        }
    }
    static let featureIsEventCategory = Deviation(name: "D4 metadata.product.feature.name") { expected, actual in
        // The record's eventCategory (derived as the flat schema does when absent), not a fixed phrase.
        if value(expected, "metadata", "product", "feature", "name") as? String == "Management, Data, and Insights" {
            set(&expected, ["metadata", "product", "feature", "name"], value(actual, "metadata", "product", "feature", "name"))
        }
    }
    static let provenance = Deviation(name: "D5 metadata.log_name, metadata.sequence") { expected, actual in
        set(&expected, ["metadata", "log_name"], value(actual, "metadata", "log_name"))
        set(&expected, ["metadata", "sequence"], value(actual, "metadata", "sequence"))
    }
    static let noPlaceholderRequestUID = Deviation(name: "D6 no api.request without a requestID") { expected, _ in
        if value(expected, "api", "request", "uid") as? String == "''" { set(&expected, ["api", "request"], nil) }
    }
    static let nestedUnmapped = Deviation(name: "D7 unmapped nested, not dotted") { expected, _ in
        guard var unmapped = expected["unmapped"] as? [String: Any] else { return }
        for key in unmapped.keys where key.contains(".") {
            let member = unmapped[key]
            unmapped[key] = nil
            set(&unmapped, key.split(separator: ".").map(String.init), member)
        }
        expected["unmapped"] = unmapped.isEmpty ? nil : unmapped
    }

    @Test func apiActivityExampleMatches() throws {
        let (actual, expected) = try Self.compare(
            "## 4. Worked example 1",
            deviations: [Self.recipientAccountInCloud, Self.statusID, Self.utcTimeDT, Self.featureIsEventCategory, Self.provenance])
        #expect(JSONEquality.equal(actual, expected), "actual:\n\(actual)\nexpected:\n\(expected)")
        #expect(actual["type_uid"] as? Int == 600302)
        #expect((actual["metadata"] as? [String: Any])?["uid"] as? String == "71c88be9-ea5c-43c7-8c82-example")
    }

    @Test func authenticationExampleMatches() throws {
        let (actual, expected) = try Self.compare(
            "## 5. Worked example 2",
            deviations: [
                Self.recipientAccountInCloud, Self.statusID, Self.utcTimeDT, Self.provenance, Self.noPlaceholderRequestUID,
                Self.nestedUnmapped,
            ])
        #expect(JSONEquality.equal(actual, expected), "actual:\n\(actual)\nexpected:\n\(expected)")
        #expect(actual["type_uid"] as? Int == 300201)
        #expect(actual["is_mfa"] as? Bool == true)
    }

    /// Without the deviations the events differ exactly where §8 says (so the list is neither empty nor padded).
    @Test func eachDeviationIsNeeded() throws {
        let all = [
            Self.recipientAccountInCloud, Self.statusID, Self.utcTimeDT, Self.featureIsEventCategory, Self.provenance,
            Self.noPlaceholderRequestUID, Self.nestedUnmapped,
        ]
        let needed: [String: Set<String>] = [
            "## 4. Worked example 1": ["D1 cloud.account.uid", "D2 status_id", "D3 time_dt in UTC", "D4 metadata.product.feature.name", "D5 metadata.log_name, metadata.sequence"],
            "## 5. Worked example 2": ["D1 cloud.account.uid", "D2 status_id", "D3 time_dt in UTC", "D5 metadata.log_name, metadata.sequence", "D6 no api.request without a requestID", "D7 unmapped nested, not dotted"],
        ]
        for (heading, names) in needed {
            let used = all.filter { names.contains($0.name) }
            for left in used {
                let (actual, expected) = try Self.compare(heading, deviations: used.filter { $0.name != left.name })
                #expect(!JSONEquality.equal(actual, expected), "\(heading): \(left.name) changes nothing")
            }
        }
    }
}
