import Foundation
import Testing
import TrailMillTestSupport

/// Every OCSF event TrailMill writes for the published samples, the bundled sample archive and the hostile-string
/// records validates against the compiled OCSF 1.1.0 schema (`OCSFSchemaValidator`). Skipped when `../shared` is
/// absent.
@Suite(.enabled(if: OCSFHarness.haveVectors, "../shared/vectors/ocsf is absent"))
struct SchemaValidationTests {
    /// Validates each line; returns the problems, labelled.
    static func problems(_ lines: [(label: String, line: [UInt8])]) throws -> (problems: [String], classes: [Int: Int]) {
        var validator = try OCSFSchemaValidator(folder: OCSFHarness.vectors)
        var problems: [String] = []
        var classes: [Int: Int] = [:]
        for (label, line) in lines {
            let event = try OCSFHarness.object(line)
            classes[(event["class_uid"] as? Int) ?? 0, default: 0] += 1
            for problem in validator.validate(event) { problems.append("\(label): \(problem)") }
        }
        return (problems, classes)
    }

    @Test(.enabled(if: OCSFHarness.haveSamples, "../shared/samples is absent"))
    func everySampleRecordIsAValidEvent() throws {
        let outputs = try OCSFHarness.sampleOutputs()
        #expect(outputs.count > 900, "expected the ~943 published records, found \(outputs.count)")
        let (problems, classes) = try Self.problems(outputs.map { ("\($0.record.file)#\($0.record.index)", $0.output.ocsf) })
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.prefix(40).joined(separator: "\n"))")
        // The samples hold every class the encoder writes.
        #expect(classes[6003, default: 0] > 700, "\(classes)")
        #expect(classes[3002, default: 0] >= 30, "\(classes)")
        #expect(classes[3001, default: 0] >= 10, "\(classes)")
        #expect(classes[2004, default: 0] >= 4, "\(classes)")
        #expect(classes[0] == nil)
    }

    @Test func theSampleArchiveIsValid() throws {
        let outputs = try OCSFHarness.archiveOutputs()
        #expect(outputs.count == 600)
        let (problems, classes) = try Self.problems(outputs.enumerated().map { ("archive #\($0.offset)", $0.element.output.ocsf) })
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.prefix(40).joined(separator: "\n"))")
        #expect(classes.keys.count >= 2, "\(classes)")
    }

    @Test func hostileRecordsAreValidEvents() throws {
        let records = OCSFHarness.hostileRecords()
        var lines: [(String, [UInt8])] = []
        for (name, text) in records {
            let outputs = try OCSFHarness.encode([text])  // throws unless each output is one line
            lines.append((name, outputs[0].ocsf))
        }
        let (problems, _) = try Self.problems(lines)
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.prefix(40).joined(separator: "\n"))")
    }

    /// The validator is not vacuous: each kind of breakage of a valid event is reported.
    @Test func theValidatorRejectsBrokenEvents() throws {
        let line = try OCSFHarness.encode([
            ArchiveBuilder.record(id: "00000000-0000-4000-8000-000000000001", extra: #""tlsDetails":{"tlsVersion":"TLSv1.3"}"#)
        ])[0].ocsf
        let valid = try OCSFHarness.object(line)
        var validator = try OCSFSchemaValidator(folder: OCSFHarness.vectors)
        #expect(validator.validate(valid).isEmpty, "\(validator.validate(valid))")

        func broken(_ change: (inout [String: Any]) -> Void) -> [String] {
            var event = valid
            change(&event)
            return validator.validate(event)
        }
        func set(_ event: inout [String: Any], _ path: [String], _ value: Any?) {
            guard let first = path.first else { return }
            if path.count == 1 {
                event[first] = value
            } else {
                var inner = event[first] as? [String: Any] ?? [:]
                set(&inner, Array(path.dropFirst()), value)
                event[first] = inner
            }
        }
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("unknown class", { $0["class_uid"] = 9999 }),
            ("required attribute missing", { $0["severity_id"] = nil }),
            ("required nested attribute missing", { set(&$0, ["api", "operation"], nil) }),
            ("unknown attribute", { $0["colour"] = "blue" }),
            ("unknown nested attribute", { set(&$0, ["actor", "user", "colour"], "blue") }),
            ("string for an integer", { $0["activity_id"] = "2" }),
            ("integer for a string", { set(&$0, ["cloud", "region"], 7) }),
            ("fraction for a long", { $0["time"] = 1.5 }),
            ("number for a boolean", { set(&$0, ["actor", "session"], ["is_mfa": 1]) }),
            ("object for an array", { $0["resources"] = ["uid": "x"] }),
            ("enum value not listed", { $0["severity_id"] = 42 }),
            ("caption not the enum's", { $0["activity_name"] = "Delete" }),
            ("type_uid inconsistent", { $0["type_uid"] = 600304 }),
            ("wrong category", { $0["category_uid"] = 3 }),
            ("profile attribute without its profile", { set(&$0, ["metadata", "profiles"], ["cloud"]) }),
            ("undeclared profile", { set(&$0, ["metadata", "profiles"], ["cloud", "datetime", "container"]) }),
            ("an endpoint with only a domain", { $0["src_endpoint"] = ["domain": "ec2.amazonaws.com"] }),
            ("an IP that is not one", { $0["src_endpoint"] = ["ip": "ec2.amazonaws.com"] }),
            ("a datetime that is not one", { $0["time_dt"] = "yesterday" }),
            ("a user with neither name, uid nor account", { set(&$0, ["actor", "user"], ["type": "IAMUser"]) }),
        ]
        for (name, change) in cases {
            #expect(!broken(change).isEmpty, "\(name) was not reported")
        }
    }
}
