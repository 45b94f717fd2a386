import Foundation
import Testing
import TrailMillDecoding
import TrailMillOCSF
import TrailMillTestSupport

/// Detection Findings for alerts (`OCSFFindingEncoder`): valid OCSF 1.1.0, and every input value at its place.
@Suite struct FindingEncoderTests {
    static func input(tags: [String] = ["attack.persistence", "attack.t1098.001", "attack.T1136", "attack.g0016", "cve.2024-1"]) -> OCSFFindingInput {
        var input = OCSFFindingInput(
            ruleID: "trailmill-iam-access-key-for-other-user", ruleTitle: "Access key created for another user",
            ruleLevel: .high, alertID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", alertTimeMillis: 1_710_504_300_000,
            eventTimeMillis: 1_710_504_000_000, recipientAccountID: "111122223333")
        input.ruleDescription = "An IAM user created an access key for a different IAM user."
        input.ruleTags = tags
        input.eventID = "00000000-0000-4000-8000-000000000001"
        input.eventClassification = OCSFClassification(eventClass: .accountChange, activityID: 1)
        input.awsRegion = "us-east-1"
        input.eventSource = "iam.amazonaws.com"
        input.eventName = "CreateAccessKey"
        input.userARN = "arn:aws:iam::111122223333:user/alice"
        input.actorName = "alice"
        input.sourceIPAddress = "203.0.113.7"
        input.rawEvent = Array(ArchiveBuilder.record(id: "00000000-0000-4000-8000-000000000001", name: "CreateAccessKey").utf8)
        return input
    }

    static func encode(_ input: OCSFFindingInput) throws -> [String: Any] {
        let out = OutputBuffer(capacity: 1024)
        OCSFFindingEncoder.appendLine(input, to: out)
        return try OCSFHarness.object(try OCSFHarness.oneLine(out.bytes))
    }

    @Test(.enabled(if: OCSFHarness.haveVectors, "../shared/vectors/ocsf is absent"))
    func findingsAreValidEvents() throws {
        var validator = try OCSFSchemaValidator(folder: OCSFHarness.vectors)
        var minimal = OCSFFindingInput(
            ruleID: "r", ruleTitle: "t", ruleLevel: .informational, alertID: "a", alertTimeMillis: 0, eventTimeMillis: 0,
            recipientAccountID: "111122223333")
        var hostile = Self.input()
        let evil = "x\"},\"class_uid\":1,\n\u{2028}\\ \u{0}🦀"
        hostile.ruleTitle = evil
        hostile.ruleDescription = evil
        hostile.ruleTags = [evil, "attack." + evil, "attack.t1"]
        hostile.actorName = evil
        hostile.sourceIPAddress = evil
        hostile.eventName = evil
        for level in OCSFFindingInput.Level.allCases {
            minimal.ruleLevel = level
            for input in [minimal, Self.input(), hostile, Self.input(tags: [])] {
                let problems = validator.validate(try Self.encode(input))
                #expect(problems.isEmpty, "\(problems)")
            }
        }
        let event = try Self.encode(hostile)
        #expect(event["message"] as? String == evil)
        #expect(event["class_uid"] as? Int == 2004)
    }

    @Test func everyInputValueIsAtItsPlace() throws {
        let event = try Self.encode(Self.input())
        func at(_ path: String...) -> Any? {
            var current: Any? = event
            for key in path {
                if let index = Int(key) { current = (current as? [Any]).flatMap { index < $0.count ? $0[index] : nil } } else {
                    current = (current as? [String: Any])?[key]
                }
            }
            return current
        }
        #expect(at("type_uid") as? Int == 200401)
        #expect(at("severity_id") as? Int == 4)
        #expect(at("severity") as? String == "High")
        #expect(at("time") as? Int == 1_710_504_300_000)
        #expect(at("time_dt") as? String == "2024-03-15T12:05:00.000Z")
        #expect(at("status_id") as? Int == 1)
        #expect(at("metadata", "uid") as? String == "7c9e6679-7425-40de-944b-e07fc1f90ae7")
        #expect(at("metadata", "product", "name") as? String == "TrailMill")
        #expect(at("metadata", "correlation_uid") as? String == "00000000-0000-4000-8000-000000000001")
        #expect(at("metadata", "labels") as? [String] == Self.input().ruleTags)
        #expect(at("cloud", "account", "uid") as? String == "111122223333")
        #expect(at("cloud", "region") as? String == "us-east-1")
        #expect(at("finding_info", "uid") as? String == "7c9e6679-7425-40de-944b-e07fc1f90ae7")
        #expect(at("finding_info", "title") as? String == "Access key created for another user")
        #expect(at("finding_info", "desc") as? String == "An IAM user created an access key for a different IAM user.")
        #expect(at("finding_info", "analytic", "uid") as? String == "trailmill-iam-access-key-for-other-user")
        #expect(at("finding_info", "analytic", "type_id") as? Int == 1)
        #expect(at("finding_info", "first_seen_time") as? Int == 1_710_504_000_000)
        #expect(at("finding_info", "created_time") as? Int == 1_710_504_300_000)
        #expect(at("finding_info", "related_events", "0", "uid") as? String == "00000000-0000-4000-8000-000000000001")
        #expect(at("finding_info", "related_events", "0", "type_uid") as? Int == 300101)
        #expect(at("finding_info", "related_events", "0", "type") as? String == "Account Change: Create")
        // attack.persistence, attack.t1098.001, attack.T1136; the group and CVE tags are labels only.
        let attacks = at("finding_info", "attacks") as? [[String: Any]] ?? []
        #expect(attacks.count == 3)
        #expect((attacks[0]["tactic"] as? [String: Any])?["uid"] as? String == "TA0003")
        #expect((attacks[1]["technique"] as? [String: Any])?["uid"] as? String == "T1098")
        #expect((attacks[1]["sub_technique"] as? [String: Any])?["uid"] as? String == "T1098.001")
        #expect((attacks[2]["technique"] as? [String: Any])?["uid"] as? String == "T1136")
        #expect(at("evidences", "0", "actor", "user", "uid") as? String == "arn:aws:iam::111122223333:user/alice")
        #expect(at("evidences", "0", "api", "operation") as? String == "CreateAccessKey")
        #expect(at("evidences", "0", "src_endpoint", "ip") as? String == "203.0.113.7")
        #expect((at("evidences", "0", "data") as? [String: Any])?["eventName"] as? String == "CreateAccessKey")
    }
}
