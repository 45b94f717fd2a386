import Foundation
import Testing
import TrailMillTestSupport

/// Hostile text in the fields an attacker controls (userAgent, errorMessage, principalId, userName,
/// requestParameters) and in the fields that reach the CEF/LEEF headers: every line must stay one line, parse
/// strictly, carry exactly the mapped keys (no forged key) and the sanitized values the mapping promises.
@Suite struct HostileStringTests {
    /// The shared hostile strings (`TrailMillTestSupport.HostileRecords`).
    static var hostile: [(name: String, json: String)] { HostileRecords.strings }

    static func payloadRecord(_ h: String, _ n: Int) -> String { HostileRecords.payloadRecord(h, n) }

    static func headerRecord(_ h: String, _ n: Int) -> String { HostileRecords.headerRecord(h, n) }

    static func replacingLoneSurrogates(_ json: String) -> String { HostileRecords.replacingLoneSurrogates(json) }

    static func run(_ make: (String, Int) -> String) throws -> (cef: ProblemLog, leef: ProblemLog, outputs: [EncoderHarness.Output]) {
        let records = hostile.enumerated().map { make($0.element.json, $0.offset) }
        let outputs = try EncoderHarness.encode(records)  // throws if any output is not exactly one line
        #expect(outputs.count == records.count)
        let objects = try records.map { text in
            try #require(
                try JSONSerialization.jsonObject(with: Data(replacingLoneSurrogates(text).utf8)) as? [String: Any], "\(text)")
        }
        // Foundation sees the U+FFFD version; the raw text (for the exact cs4 text, escapes as written) is the original.
        let result = RoundTripTests.check(records, objects: objects, labels: hostile.map(\.name), outputs: outputs)
        return (result.cef, result.leef, outputs)
    }

    @Test func hostilePayloadFieldsStayInsideTheirValues() throws {
        let (cef, leef, outputs) = try Self.run(Self.payloadRecord)
        #expect(cef.isEmpty, "CEF:\n\(cef)")
        #expect(leef.isEmpty, "LEEF:\n\(leef)")
        for (n, output) in outputs.enumerated() {
            // The exact key set, whatever the value: nothing forged.
            let event = try StrictCEFParser.parse(bytes: output.cef)
            let allowed: Set<String> = [
                "rt", "externalId", "act", "destinationServiceName", "src", "suser", "suid", "duser",
                "requestClientApplication", "outcome", "reason", "msg", "cat", "deviceExternalId", "cs1Label", "cs1",
                "cs2Label", "cs2", "cs3Label", "cs3", "cs4Label", "cs4", "cs6Label", "cs6", "cn1Label", "cn1",
            ]
            #expect(Set(event.keys).isSubset(of: allowed), "\(Self.hostile[n].name): \(event.keys)")
            #expect(event["src"] == "203.0.113.7" && event["act"] == "CreateUser", "\(Self.hostile[n].name)")
            // Mapping §8: "with every value at its limit a line can exceed 30 KB, and much more where values are
            // multi-byte or need escaping" — bounded all the same (five 1023-scalar values and one 4000-scalar cs4).
            #expect(output.cef.count < 64 * 1024, "\(Self.hostile[n].name): \(output.cef.count) bytes")
            let leefEvent = try LEEFParser.parse(output.leefText)
            #expect(leefEvent["src"] == "203.0.113.7" && leefEvent["act"] == "CreateUser", "\(Self.hostile[n].name)")
        }
    }

    @Test func hostileHeaderAndIdentityFieldsAreEscapedOrSanitized() throws {
        let (cef, leef, _) = try Self.run(Self.headerRecord)
        #expect(cef.isEmpty, "CEF:\n\(cef)")
        #expect(leef.isEmpty, "LEEF:\n\(leef)")
    }

    @Test func truncationKeepsLimitMinusOneScalarsAndMarksTheCut() throws {
        let output = try EncoderHarness.encode([Self.payloadRecord(String(repeating: "ユ", count: 5000), 1)])[0]
        let event = try StrictCEFParser.parse(bytes: output.cef)
        for (key, limit) in [("requestClientApplication", 1023), ("msg", 1023), ("suid", 1023), ("suser", 1023), ("duser", 1023), ("cs4", 4000)] {
            let value = try #require(event[key], "\(key)")
            #expect(value.unicodeScalars.count == limit, "\(key)")
            #expect(value.hasSuffix("\u{2026}"), "\(key)")
        }
        let leefEvent = try LEEFParser.parse(output.leefText)
        #expect(leefEvent["usrName"]?.unicodeScalars.count == 255)
        #expect(leefEvent["usrName"]?.hasSuffix("\u{2026}") == true)
    }

    @Test func aForgedKeyIsEscapedOnTheWire() throws {
        let output = try EncoderHarness.encode([Self.payloadRecord("x suser=evil", 1)])[0]
        #expect(output.cefText.contains(#"requestClientApplication=x suser\=evil"#))
        #expect(!output.cefText.contains(" suser=evil"))
        let leef = try EncoderHarness.encode([Self.payloadRecord(#"x\tusrName=evil"#, 1)])[0]
        #expect(leef.leefText.contains("requestClientApplication=x usrName=evil\t"))
        #expect(try LEEFParser.parse(leef.leefText)["usrName"] == "x usrName=evil")
    }
}
