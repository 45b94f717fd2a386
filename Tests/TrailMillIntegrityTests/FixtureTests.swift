import Foundation
import Testing
import TrailMillCompression
import TrailMillIntegrity
import TrailMillTestSupport

/// The shipped fixtures (`vectors/integrity/`) give exactly the verdicts in their README.
@Suite("Shipped fixtures")
struct FixtureTests {
    static let range = IntegritySelection(
        start: UTCTime(iso8601: "2024-01-15T00:00:00Z"), end: UTCTime(iso8601: "2024-01-15T10:00:00Z"))
    static let cleanDigests = "ctprefix/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/01/15/"
    static let cleanLogs = "ctprefix/AWSLogs/123456789012/CloudTrail/us-east-1/2024/01/15/"
    static let tamperDigests = "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/01/15/"
    static let tamperLogs = "AWSLogs/123456789012/CloudTrail/us-east-1/2024/01/15/"

    static func digestName(_ compact: String) -> String {
        "123456789012_CloudTrail-Digest_us-east-1_test-trail_us-east-1_\(compact).json.gz"
    }

    static func cleanDigest(_ hhmmss: String) -> String { cleanDigests + digestName("20240115T\(hhmmss)Z") }
    static func tamperDigest(_ n: Int) -> String { tamperDigests + digestName("20240115T0\(n)0131Z") }

    func validate(
        _ workspace: FixtureWorkspace, bucket: String, root: String? = nil, sidecar: Bool = true
    ) throws -> IntegrityReport {
        try IntegrityValidator(
            root: root ?? workspace.bucket(bucket), selection: Self.range, keys: try workspace.keys(),
            signatures: sidecar ? try workspace.sidecar() : SignatureSidecar()
        ).validate()
    }

    // MARK: ct-clean

    @Test("ct-clean with the manifest's signatures: aws-cli's exact output, 7/7 digests, 12/12 logs, one gap, exit 0")
    func cleanWithSignatures() throws {
        let workspace = try FixtureWorkspace()
        defer { workspace.directory.remove() }
        let report = try validate(workspace, bucket: "ct-clean")
        #expect(report.exitStatus() == 0)
        #expect(report.digests.count == 7)
        #expect(report.digests.allSatisfy { $0.status == .valid && $0.signatureSource == .sidecar })
        #expect(report.logs.count == 12)
        #expect(report.logs.allSatisfy { $0.status == .valid })
        #expect(report.gaps.map { "\($0.from) \($0.to)" } == ["2024-01-15T04:01:31Z 2024-01-15T06:01:31Z"])
        #expect(report.foundStart == UTCTime(iso8601: "2024-01-15T00:01:31Z"))
        #expect(report.foundEnd == UTCTime(iso8601: "2024-01-15T09:01:31Z"))

        let order = ["090131", "080131", "070131", "040131", "030131", "020131", "010131"]
        #expect(report.digests.map(\.location.key) == order.map { Self.cleanDigest($0) })
        let logs = [
            ["0811Z_5h2YczlXUiaZ2JGW", "0831Z_jCZK9DdjGqdrySJ1"], ["0711Z_F4gy5W4olboM694r", "0731Z_8XnqjgMLu2D70pxQ"],
            ["0611Z_PopAP0WLPwDjownB", "0631Z_6V1Gmd9hbcxgUyHV"], ["0311Z_Yvb1ZKWm9FKMOI6X", "0331Z_qlxBV5i9lAesF20l"], [],
            ["0111Z_9LCp3DqhU710WEMy", "0131Z_5BNeeSeWQBWTCpXD"], ["0011Z_BhO5mQnN8w2l7ExJ", "0031Z_xiHhNv7KVtxUKTQo"],
        ]
        var expected =
            "Validating log files for trail arn:aws:cloudtrail:us-east-1:123456789012:trail/test-trail between "
            + "2024-01-15T00:00:00Z and 2024-01-15T10:00:00Z\n\n"
        for (digest, names) in zip(order, logs) {
            expected += "Digest file\ts3://ct-clean/\(Self.cleanDigest(digest))\tvalid\n"
            for name in names {
                expected += "Log file\ts3://ct-clean/\(Self.cleanLogs)123456789012_CloudTrail_us-east-1_20240115T\(name).json.gz\tvalid\n"
            }
        }
        expected += "\nResults requested for 2024-01-15T00:00:00Z to 2024-01-15T10:00:00Z\n"
        expected += "Results found for 2024-01-15T00:01:31Z to 2024-01-15T09:01:31Z:\n\n"
        expected += "7/7 digest files valid\n12/12 log files valid\n"
        let text = report.text(verbose: true)
        #expect(text.stdout == expected)
        #expect(
            text.stderr
                == "\nNo log files were delivered by CloudTrail between 2024-01-15T04:01:31Z and 2024-01-15T06:01:31Z\n\n")

        // Without --verbose: only the header and the summary on stdout.
        let quiet = report.text(verbose: false)
        #expect(
            quiet.stdout
                == "Validating log files for trail arn:aws:cloudtrail:us-east-1:123456789012:trail/test-trail between "
                + "2024-01-15T00:00:00Z and 2024-01-15T10:00:00Z\n\n"
                + "Results requested for 2024-01-15T00:00:00Z to 2024-01-15T10:00:00Z\n"
                + "Results found for 2024-01-15T00:01:31Z to 2024-01-15T09:01:31Z:\n\n"
                + "7/7 digest files valid\n12/12 log files valid\n")
        #expect(
            quiet.stderr
                == "No log files were delivered by CloudTrail between 2024-01-15T04:01:31Z and 2024-01-15T06:01:31Z\n\n")

        #expect(IntegritySummary(report) == decodeSummary(#"{"digests":{"valid":7,"invalid":0,"unverified":0},"logs":{"valid":12,"invalid":0,"unverified":0},"failures":[]}"#))
    }

    @Test("ct-clean offline (no signatures): 5 digests verified through the next digest, the 2 segment heads unverified")
    func cleanOffline() throws {
        let workspace = try FixtureWorkspace()
        defer { workspace.directory.remove() }
        let report = try validate(workspace, bucket: "ct-clean", sidecar: false)
        var verified: [String] = []
        var unverified: [String] = []
        for record in report.digests {
            let time = String(record.location.key.suffix(15).prefix(6))
            switch record.status {
            case .valid:
                verified.append(time)
                guard case .nextDigest = record.signatureSource else {
                    Issue.record("\(time) verified without the next digest's signature")
                    continue
                }
            case .unverified: unverified.append(time)
            case .invalid(let reason): Issue.record("\(time) INVALID: \(reason)")
            }
            #expect(record.notes.isEmpty, "\(time): \(record.notes)")  // every previousDigestHashValue matches
        }
        #expect(verified.sorted() == ["010131", "020131", "030131", "070131", "080131"])
        #expect(unverified.sorted() == ["040131", "090131"])
        #expect(report.counts.validLogs == 8)
        #expect(report.counts.unverifiedLogs == 4)
        #expect(report.exitStatus() == 3)
        #expect(report.exitStatus(allowUnverified: true) == 0)
        let text = report.text()
        #expect(text.stdout.contains("5/7 digest files valid, 2/7 digest files UNVERIFIED\n"))
        #expect(text.stdout.contains("8/12 log files valid, 4/12 log files UNVERIFIED\n"))
        #expect(text.stdout.contains("Signatures checked: 0 from the signature sidecar, 5 from the next digest's"))
        #expect(text.stderr.contains("\(Self.cleanDigest("090131"))\tUNVERIFIED: no signature"))
        #expect(text.stdout.contains("\(Self.cleanDigest("080131"))\tvalid (signature from the next digest's previousDigestSignature)\n"))
    }

    @Test("the root may be a folder of bucket folders or a folder inside the bucket: same verdicts and URLs")
    func rootLayouts() throws {
        let workspace = try FixtureWorkspace()
        defer { workspace.directory.remove() }
        let reference = try validate(workspace, bucket: "ct-clean")
        let above = try validate(workspace, bucket: "ct-clean", root: workspace.path + "/objects")
        #expect(above.layout == .bucketFolders)
        let inside = try validate(workspace, bucket: "ct-clean", root: workspace.bucket("ct-clean") + "/ctprefix")
        #expect(inside.layout == .bucket("ct-clean", keyPrefix: "ctprefix/"))
        #expect(reference.layout == .bucket("ct-clean", keyPrefix: ""))
        #expect(inside.text().stdout == reference.text().stdout)
        // The folder of buckets holds ct-tamper too: its chain adds D1's failure and nothing else.
        #expect(above.counts.validDigests == 7 + 6)
        #expect(above.counts.invalidDigests == 1)
        #expect(above.text().stdout.contains("Digest file\ts3://ct-clean/\(Self.cleanDigest("090131"))\tvalid\n"))
    }

    // MARK: ct-tamper

    @Test("ct-tamper as shipped: D1 is signed with the unlisted key, everything else valid")
    func tamperAsShipped() throws {
        let workspace = try FixtureWorkspace()
        defer { workspace.directory.remove() }
        for sidecar in [true, false] {
            let report = try validate(workspace, bucket: "ct-tamper", sidecar: sidecar)
            #expect(
                report.digest(Self.tamperDigest(1))
                    == .invalid("public key not found in region us-east-1 for fingerprint 854e46d422ce857f954e21cc5de6edea"))
            for n in 2...7 {
                let expected: DigestStatus? = sidecar || n < 7 ? .valid : report.digest(Self.tamperDigest(7))
                #expect(report.digest(Self.tamperDigest(n)) == expected, "D\(n)")
            }
            #expect(report.counts.validLogs + report.counts.unverifiedLogs == 12)
            #expect(report.counts.invalidLogs == 0)
            #expect(report.counts.logsListedOnlyInInvalidDigests == 2)
            #expect(report.exitStatus() == 1)
            let text = report.text()
            #expect(
                text.stderr.contains(
                    "Digest file\ts3://ct-tamper/\(Self.tamperDigest(1))\tINVALID: public key not found in region "
                        + "us-east-1 for fingerprint 854e46d422ce857f954e21cc5de6edea\n"))
        }
        let report = try validate(workspace, bucket: "ct-tamper")
        #expect(report.text().stdout.contains("6/7 digest files valid, 1/7 digest files INVALID\n12/12 log files valid\n"))
    }

    @Test("ct-tamper after the README's tamper plan: every expected line, 3/7 digests and 2/6 logs valid")
    func tamperPlan() throws {
        let workspace = try FixtureWorkspace()
        defer { workspace.directory.remove() }
        let bucket = workspace.bucket("ct-tamper")
        let fileManager = FileManager.default
        let d7Log = Self.tamperLogs + "123456789012_CloudTrail_us-east-1_20240115T0611Z_peQ1vabdvTdJyGyY.json.gz"
        let d5Log1 = Self.tamperLogs + "123456789012_CloudTrail_us-east-1_20240115T0411Z_RVciiB8Tz6OeoA4G.json.gz"
        let d5Log2 = Self.tamperLogs + "123456789012_CloudTrail_us-east-1_20240115T0431Z_xnYNpO5wEcyngQuC.json.gz"
        let d3Log = Self.tamperLogs + "123456789012_CloudTrail_us-east-1_20240115T0211Z_45zFNK30vM4T8r5C.json.gz"
        for key in [d7Log, d5Log1, d5Log2, d3Log] { #expect(fileManager.fileExists(atPath: bucket + "/" + key)) }

        // 1. D7's first log: valid gzip of {"Records":[]}.
        try Data(try Gzip.compress(Array(#"{"Records":[]}"#.utf8))).write(to: URL(fileURLWithPath: bucket + "/" + d7Log))
        // 2. D6: logFiles cut to its first entry, re-gzipped, metadata kept.
        let d6Path = bucket + "/" + Self.tamperDigest(6)
        var d6 = try #require(
            try JSONSerialization.jsonObject(with: Data(try Gzip.decompress(Array(try Data(contentsOf: URL(fileURLWithPath: d6Path))))))
                as? [String: Any])
        d6["logFiles"] = Array((d6["logFiles"] as! [Any]).prefix(1))
        try Data(try Gzip.compress(Array(try JSONSerialization.data(withJSONObject: d6)))).write(to: URL(fileURLWithPath: d6Path))
        // 3. D5's first log deleted; 4. its second log gets a second gzip member.
        try fileManager.removeItem(atPath: bucket + "/" + d5Log1)
        var appended = Array(try Data(contentsOf: URL(fileURLWithPath: bucket + "/" + d5Log2)))
        appended += try Gzip.compress(Array(#"{"Records":[{"injected":true}]}"#.utf8))
        try Data(appended).write(to: URL(fileURLWithPath: bucket + "/" + d5Log2))
        // 5. D4 deleted.
        try fileManager.removeItem(atPath: bucket + "/" + Self.tamperDigest(4))
        // 6. D3's first log replaced by non-gzip bytes.
        try Data("not gzip at all".utf8).write(to: URL(fileURLWithPath: bucket + "/" + d3Log))
        // 7. D2 re-uploaded without metadata: its manifest entry loses the metadata.
        var manifest = try #require(try workspace.json("manifest.json") as? [[String: Any]])
        for index in manifest.indices where manifest[index]["key"] as? String == Self.tamperDigest(2) {
            manifest[index]["metadata"] = [String: Any]()
        }
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: workspace.manifest))

        let report = try validate(workspace, bucket: "ct-tamper")
        let text = report.text()
        func url(_ key: String) -> String { "s3://ct-tamper/" + key }
        let expectedLines = [
            "Log file\t\(url(d7Log))\tINVALID: hash value doesn't match",
            "Digest file\t\(url(Self.tamperDigest(6)))\tINVALID: signature verification failed",
            "Log file\t\(url(d5Log1))\tINVALID: not found",
            "Log file\t\(url(d5Log2))\tINVALID: unexpected data after end of compressed stream",
            "Digest file\t\(url(Self.tamperDigest(4)))\tINVALID: not found",
            "Log file\t\(url(d3Log))\tINVALID: invalid format",
            "Digest file\t\(url(Self.tamperDigest(2)))\tINVALID: signature verification failed",
            "Digest file\t\(url(Self.tamperDigest(1)))\tINVALID: public key not found in region us-east-1 for "
                + "fingerprint 854e46d422ce857f954e21cc5de6edea",
        ]
        var position = text.stderr.startIndex
        for line in expectedLines {
            guard let found = text.stderr.range(of: line + "\n", range: position..<text.stderr.endIndex) else {
                Issue.record("missing or out of order: \(line)")
                continue
            }
            position = found.upperBound
        }
        #expect(text.stdout.contains("Results found for 2024-01-15T02:01:31Z to 2024-01-15T07:01:31Z:\n"))
        #expect(text.stdout.contains("3/7 digest files valid, 4/7 digest files INVALID\n"))
        #expect(text.stdout.contains("2/6 log files valid, 4/6 log files INVALID\n"))
        for n in [7, 5, 3] { #expect(report.digest(Self.tamperDigest(n)) == .valid, "D\(n)") }
        #expect(report.exitStatus() == 1)
        // The stricter finding: D6's body no longer matches D7's previousDigestHashValue.
        let d6Record = try #require(report.digests.first { $0.location.key == Self.tamperDigest(6) })
        #expect(d6Record.notes.contains { $0.contains("does not match previousDigestHashValue") })
        // aws-cli does not check the logs of invalid digests; neither the summary.
        let summary = IntegritySummary(report)
        #expect(summary.digests == .init(valid: 3, invalid: 4, unverified: 0))
        #expect(summary.logs.valid == 2)
        #expect(summary.logs.invalid == 4)
        #expect(Set(summary.failures.map(\.reason)) == [
            "hash value doesn't match", "signature verification failed", "not found",
            "unexpected data after end of compressed stream", "invalid format",
            "public key not found in region us-east-1 for fingerprint 854e46d422ce857f954e21cc5de6edea",
        ])
        #expect(summary.failures.contains { $0.file == Self.tamperDigest(4) && $0.reason == "not found" })
        // What the pipeline sees.
        #expect(report.logCoverage(relativePath: d7Log) == .invalid(reason: "hash value doesn't match"))
        #expect(
            report.logCoverage(
                relativePath: Self.tamperLogs + "123456789012_CloudTrail_us-east-1_20240115T0631Z_IJxgODsEGTfFnlRS.json.gz")
                == .valid)
        // D6's first log is listed only in the (invalid) edited D6; its second log is no longer listed anywhere.
        #expect(
            report.logCoverage(
                relativePath: Self.tamperLogs + "123456789012_CloudTrail_us-east-1_20240115T0511Z_IJWWcSqwVvXdsjwk.json.gz")
                == .listedOnlyInInvalidDigest(
                    digest: S3Location(bucket: "ct-tamper", key: Self.tamperDigest(6)),
                    reason: "signature verification failed"))
        let cut = Self.tamperLogs + "123456789012_CloudTrail_us-east-1_20240115T0531Z_1SwfmOrn9TutDD7S.json.gz"
        #expect(report.logCoverage(relativePath: cut) == .notListed(pending: false))
        #expect(text.stderr.contains("Log file\t\(url(cut))\tUNVERIFIED: not listed in any digest\n"))
    }

    func decodeSummary(_ text: String) -> IntegritySummary? {
        try? JSONDecoder().decode(IntegritySummary.self, from: Data(text.utf8))
    }
}
