import Foundation
import Testing
import TrailMillPipeline
import TrailMillTestSupport

/// Exports every CloudTrail record published in `../shared/samples` and checks each output column against the
/// source value, read independently with Foundation (the oracle). Skipped when the folder is absent.
@Suite struct ConformanceTests {
    static let samples: String = {
        if let path = ProcessInfo.processInfo.environment["TRAILMILL_SAMPLES"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/samples").path
    }()

    static var haveSamples: Bool { FileManager.default.fileExists(atPath: samples) }

    /// Records found in one sample file, as JSON text, whatever its container (Records envelope, bare array,
    /// NDJSON, single record, LookupEvents output, EventBridge envelope). Digest files yield none.
    static func records(in path: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        // NDJSON, also under a .json name (the OTRF dataset) when the whole file is not one JSON document.
        if path.hasSuffix(".ndjson") || (try? JSONSerialization.jsonObject(with: data)) == nil {
            return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
                .filter { isRecord(try? JSONSerialization.jsonObject(with: Data($0.utf8))) }
        }
        guard let top = try? JSONSerialization.jsonObject(with: data) else { return [] }
        var found: [Any] = []
        func collect(_ value: Any) {
            if let array = value as? [Any] { array.forEach(collect); return }
            guard let object = value as? [String: Any] else { return }
            if isRecord(object) { found.append(object); return }
            if let records = object["Records"] { collect(records) }
            if let detail = object["detail"] { collect(detail) }
            if let events = object["Events"] as? [[String: Any]] {
                for event in events {
                    if let text = event["CloudTrailEvent"] as? String,
                        let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8))
                    {
                        collect(parsed)
                    }
                }
            }
        }
        collect(top)
        return try found.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
    }

    static func isRecord(_ value: Any?) -> Bool {
        guard let object = value as? [String: Any] else { return false }
        return object["eventVersion"] != nil && (object["eventName"] != nil || object["insightDetails"] != nil)
    }

    @Test(.enabled(if: ConformanceTests.haveSamples, "../shared/samples is absent"))
    func everySampleRecordIsExportedWithEveryColumnFaithful() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let files = FileManager.default.enumerator(atPath: Self.samples)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".ndjson") }.sorted() ?? []
        var sources: [String: [[String: Any]]] = [:]
        var total = 0
        for (n, file) in files.enumerated() {
            let records = try Self.records(in: Self.samples + "/" + file)
            guard !records.isEmpty else { continue }
            let key = ArchiveBuilder.logKey(
                account: "000011112222", region: "us-east-1", date: (2024, 6, 1),
                unique: String(format: "S%015d", n))
            try archive.writeLog(key, records: records)
            sources[key] = try records.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            total += records.count
        }
        #expect(total > 900, "expected the ~943 published records, found \(total)")

        let (summary, output) = try runExport(archive.root)
        defer { output.remove() }
        #expect(summary.files.dead == 0, "\(summary.dead)")
        #expect(summary.events.read == total)
        #expect(summary.events.written + summary.events.duplicates + summary.events.conflicts == total)
        #expect(summary.events.written > 600)

        var checked = 0
        for line in try OutputReader.objects(in: output.path) {
            let file = try #require(line["source_file"] as? String)
            let index = try #require(line["record_index"] as? Int)
            let source = try #require(sources[file]?[index])
            try ColumnOracle.check(line, against: source, fileAccount: "000011112222")
            checked += 1
        }
        #expect(checked == summary.events.written)
    }
}

/// The flat-schema-v1 rules, written independently of the normalizer, over Foundation-parsed values.
enum ColumnOracle {
    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    /// The text form of a scalar: strings (non-empty), numbers and booleans; nil otherwise.
    static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string.isEmpty ? nil : string
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

    static func check(_ line: [String: Any], against r: [String: Any], fileAccount: String) throws {
        var problems: [String] = []
        func expect(_ column: String, _ expected: Any?) {
            let actual = line[column]
            switch (expected, actual) {
            case (nil, nil): return
            case (let e as NSObject, let a as NSObject) where e.isEqual(a): return
            default: problems.append("\(column): expected \(String(describing: expected)), got \(String(describing: actual))")
            }
        }
        let ui = r["userIdentity"] as? [String: Any] ?? [:]
        let issuer = path(ui, "sessionContext", "sessionIssuer") as? [String: Any] ?? [:]
        expect("schema_version", 1)
        expect("event_id", text(r["eventID"]))
        expect("recipient_account_id", text(r["recipientAccountId"]) ?? fileAccount)
        expect("event_version", text(r["eventVersion"]))
        expect("event_source", text(r["eventSource"]))
        expect("event_name", text(r["eventName"]))
        expect("event_type", text(r["eventType"]))
        expect("aws_region", text(r["awsRegion"]))
        expect("management_event", boolean(r["managementEvent"]))
        expect("read_only", boolean(r["readOnly"]))
        expect("request_id", text(r["requestID"]))
        expect("api_version", text(r["apiVersion"]))
        expect("shared_event_id", text(r["sharedEventID"] ?? r["sharedEventId"]))
        expect("source_ip_address", text(r["sourceIPAddress"]))
        expect("user_agent", text(r["userAgent"]))
        expect("vpc_endpoint_id", text(r["vpcEndpointId"]))
        expect("vpc_endpoint_account_id", text(r["vpcEndpointAccountId"]))
        expect("tls_version", text(path(r, "tlsDetails", "tlsVersion")))
        expect("tls_cipher_suite", text(path(r, "tlsDetails", "cipherSuite")))
        expect("tls_client_host", text(path(r, "tlsDetails", "clientProvidedHostHeader")))
        expect("session_credential_from_console", boolean(r["sessionCredentialFromConsole"]))
        expect("error_code", text(r["errorCode"]))
        expect("error_message", text(r["errorMessage"]))
        expect("user_type", text(ui["type"]))
        expect("user_principal_id", text(ui["principalId"]))
        expect("user_arn", text(ui["arn"]))
        expect("user_account_id", text(ui["accountId"]))
        expect("user_access_key_id", text(ui["accessKeyId"]))
        expect("user_name", text(ui["userName"]))
        expect("user_invoked_by", text(ui["invokedBy"]))
        expect("user_identity_provider", text(ui["identityProvider"]))
        expect("user_credential_id", text(ui["credentialId"]))
        expect("session_issuer_type", text(issuer["type"]))
        expect("session_issuer_principal_id", text(issuer["principalId"]))
        expect("session_issuer_arn", text(issuer["arn"]))
        expect("session_issuer_account_id", text(issuer["accountId"]))
        expect("session_issuer_user_name", text(issuer["userName"]))
        expect("session_mfa_authenticated", boolean(path(ui, "sessionContext", "attributes", "mfaAuthenticated")))
        expect("session_source_identity", text(path(ui, "sessionContext", "sourceIdentity")))
        expect("session_ec2_role_delivery", text(path(ui, "sessionContext", "ec2RoleDelivery")))
        for (column, key) in [
            ("request_parameters", "requestParameters"), ("response_elements", "responseElements"),
            ("additional_event_data", "additionalEventData"), ("service_event_details", "serviceEventDetails"),
            ("resources", "resources"), ("insight_details", "insightDetails"), ("addendum", "addendum"),
            ("edge_device_details", "edgeDeviceDetails"), ("user_identity", "userIdentity"),
        ] {
            expect(column, r[key] is NSNull ? nil : r[key])
        }
        expect("insight_state", text(path(r, "insightDetails", "state")))
        expect("insight_type", text(path(r, "insightDetails", "insightType")))
        let arns = (r["resources"] as? [[String: Any]])?.compactMap { resource in
            resource.first { $0.key.lowercased() == "arn" }?.value as? String
        }
        expect("resource_arns", arns?.isEmpty == false ? arns : nil)

        // Derived columns.
        let signIn = text(r["eventName"]) == "ConsoleLogin" || text(r["eventSource"]) == "signin.amazonaws.com"
        let login = signIn ? text(path(r, "responseElements", "ConsoleLogin")) : nil
        expect("console_login_result", login)
        let mfa = signIn ? (path(r, "additionalEventData", "MFAUsed") as? String)?.lowercased() : nil
        expect("mfa_used", mfa == "yes" ? true : (mfa == "no" ? false : nil))
        var failed = text(r["errorCode"]) != nil || text(r["errorMessage"]) != nil
        if let login = login?.lowercased(), login == "success" || login == "failure" { failed = login == "failure" }
        expect("outcome", failed ? "failure" : "success")
        if let time = r["eventTime"] as? String, let millis = oracleMillis(time) {
            expect("event_time", iso(millis))
        } else {
            #expect((line["derived_fields"] as? [String])?.contains("event_time") == true)
        }
        if let category = text(r["eventCategory"]) { expect("event_category", category) } else {
            #expect((line["derived_fields"] as? [String])?.contains("event_category") == true)
        }
        if let ip = line["source_ip"] as? String {
            #expect(ip == line["source_ip_address"] as? String)
            #expect(isAddress(ip), "source_ip \(ip) is not one address")
        } else if let raw = line["source_ip_address"] as? String {
            #expect(!isAddress(raw), "\(raw) is an address but source_ip is missing")
        }
        if !problems.isEmpty {
            throw Mismatch(description: "\(line["source_file"] ?? "")#\(line["record_index"] ?? ""): " + problems.joined(separator: "; "))
        }
    }

    /// eventTime through Foundation: `T` or space, optional fraction, `Z`, an offset or nothing (UTC).
    static func oracleMillis(_ text: String) -> Int64? {
        var t = text.replacingOccurrences(of: " ", with: "T")
        if !(t.hasSuffix("Z") || t.range(of: #"[+-]\d\d:?\d\d$"#, options: .regularExpression) != nil) { t += "Z" }
        let fraction = t.range(of: #"\.\d+"#, options: .regularExpression)
        var millis = 0
        if let fraction {
            let digits = t[fraction].dropFirst()
            millis = Int((digits + "000").prefix(3)) ?? 0
            t.removeSubrange(fraction)
        }
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: t) else { return nil }
        return Int64(date.timeIntervalSince1970.rounded()) * 1000 + Int64(millis)
    }

    static func iso(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    static func isAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        let isV4 = inet_pton(AF_INET, text, &v4) == 1
            && !text.split(separator: ".").contains { $0.count > 1 && $0.hasPrefix("0") }
        return isV4 || (text.contains(":") && inet_pton(AF_INET6, text, &v6) == 1)
    }
}
