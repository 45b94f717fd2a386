import Testing
import TrailMillNormalize

/// Typed columns read escaped JSON strings by their decoded value, as any JSON parser would.
@Suite struct EscapedValueTests {
    @Test func escapedTimesAndAddressesAreDecodedBeforeParsing() throws {
        let line = try flat(
            record(
                #""recipientAccountId":"111122223333","eventCategory":"Management","sourceIPAddress":"203.0.113.\u0037","userIdentity":{"type":"AssumedRole","sessionContext":{"attributes":{"creationDate":"2024-03-15T11\u003a00:00Z"}}}"#,
                eventTime: #""2024-03-15T12:00:00\u005a""#))
        #expect(line.string("event_time") == "2024-03-15T12:00:00.000Z")
        #expect(line.derived.isEmpty)
        #expect(line.string("source_ip") == "203.0.113.7")
        #expect(line.string("session_creation_date") == "2024-03-15T11:00:00.000Z")
    }

    @Test func mfaUsedAcceptsJSONBooleans() throws {
        let line = try flat(
            record(#""eventName":"ConsoleLogin","recipientAccountId":"1","eventCategory":"Management","additionalEventData":{"MFAUsed":true}"#))
        #expect(line.object?["mfa_used"] as? Bool == true)
    }
}
