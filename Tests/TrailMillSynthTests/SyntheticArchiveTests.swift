import Foundation
import Testing
import TrailMillArchive
import TrailMillCompression
@testable import TrailMillSynth
import TrailMillTestSupport

/// A small archive with every feature on: 2 accounts × 3 regions × 2 days × 2 files × 12 records, an organization
/// copy of the first account and one Insights pair per account, region and day (456 records in all).
private func smallOptions(seed: UInt64 = 7) -> SyntheticArchiveOptions {
    var options = SyntheticArchiveOptions()
    options.accounts = 2
    options.regions = 3
    options.days = 2
    options.filesPerDay = 2
    options.eventsPerFile = 12
    options.globalEventShare = 0.25
    options.organizationID = "o-a1b2c3d4e5"
    options.prefix = "team/logs"
    options.insightsPerDay = 1
    options.seed = seed
    return options
}

/// Writes an archive into a fresh temporary directory, reads it back, and removes it.
private func withArchive<T>(
    _ options: SyntheticArchiveOptions, _ body: (String, SyntheticArchiveManifest, [ArchiveFile]) throws -> T
) throws -> T {
    let directory = try TemporaryDirectory("synth")
    defer { directory.remove() }
    let manifest = try SyntheticArchive.write(to: directory.path, options: options)
    return try body(directory.path, manifest, try ArchiveReader.read(directory.path))
}

private let globalSources: Set<String> = ["iam.amazonaws.com", "sts.amazonaws.com", "signin.amazonaws.com"]

private func isCloudTrailFile(_ file: ArchiveFile) -> Bool { file.relativePath.contains("/CloudTrail/") }

private func classified(_ file: ArchiveFile) -> TrailFile? {
    if case .trailFile(let trailFile) = ArchiveDiscovery.classify(relativePath: file.relativePath) { return trailFile }
    return nil
}

@Suite("Synthetic archives")
struct SyntheticArchiveTests {
    @Test("same options and seed give byte-identical files; another seed gives different ones")
    func determinism() throws {
        func snapshot(_ options: SyntheticArchiveOptions) throws -> (SyntheticArchiveManifest, [String: [UInt8]]) {
            try withArchive(options) { root, manifest, files in
                var bytes = Dictionary(uniqueKeysWithValues: files.map { ($0.relativePath, $0.compressed) })
                bytes["synth-manifest.json"] = Array(
                    try Data(contentsOf: URL(fileURLWithPath: root).appendingPathComponent("synth-manifest.json")))
                return (manifest, bytes)
            }
        }
        let (firstManifest, first) = try snapshot(smallOptions())
        let (secondManifest, second) = try snapshot(smallOptions())
        #expect(firstManifest == secondManifest)
        #expect(first.keys.sorted() == second.keys.sorted())
        for (path, bytes) in first { #expect(second[path] == bytes, "\(path) differs between two runs") }

        let (_, other) = try snapshot(smallOptions(seed: 8))
        #expect(Set(other.keys).intersection(first.keys) == ["synth-manifest.json"])
        let firstRecords = Set(try first.filter { $0.key.hasSuffix(".json.gz") }.map { try ArchiveReader.splitRecords(Gzip.decompress($0.value)) }.joined())
        let otherRecords = Set(try other.filter { $0.key.hasSuffix(".json.gz") }.map { try ArchiveReader.splitRecords(Gzip.decompress($0.value)) }.joined())
        #expect(firstRecords.isDisjoint(with: otherRecords))
    }

    @Test("the manifest matches what is on disk, and synth-manifest.json holds it")
    func manifestMatchesDisk() throws {
        try withArchive(smallOptions()) { root, manifest, files in
            var keys = Set<String>()
            var records = 0
            for file in files {
                records += file.records.count
                for record in file.records {
                    keys.insert("\(record["eventID"] as? String ?? "?")|\(record["recipientAccountId"] as? String ?? "?")")
                }
            }
            #expect(manifest.files == files.count)
            #expect(manifest.records == records)
            #expect(manifest.distinctEvents == keys.count)
            #expect(manifest.uncompressedBytes == files.reduce(0) { $0 + $1.json.count })
            #expect(manifest.compressedBytes == files.reduce(0) { $0 + $1.compressed.count })

            // 2 accounts × 3 regions × 2 days × 2 files, + the first account's organization copies,
            // + 2 one-record Insights files per account, region and day.
            #expect(manifest.files == 24 + 12 + 24)
            #expect(manifest.records == 24 * 12 + 12 * 12 + 24)
            // Global records (3 per file) repeat in all 3 regions: 2 × 2 × 2 × (3 + 3 × 9) + 24 Insights.
            #expect(manifest.distinctEvents == 8 * 30 + 24)

            let stored = try Data(contentsOf: URL(fileURLWithPath: root).appendingPathComponent("synth-manifest.json"))
            #expect(try JSONDecoder().decode(SyntheticArchiveManifest.self, from: stored) == manifest)
            #expect(String(decoding: stored, as: UTF8.self).hasPrefix("{\"compressedBytes\":"))
        }
    }

    @Test("every record has CloudTrail's required keys with the right JSON types")
    func recordShape() throws {
        try withArchive(smallOptions()) { _, _, files in
            var userTypes = Set<String>()
            var categories = Set<String>()
            var errors = 0
            var total = 0
            for file in files {
                let trailFile = try #require(classified(file))
                #expect(file.json.first == UInt8(ascii: "{") && !file.json.contains(UInt8(ascii: "\n")))
                #expect(file.json.starts(with: Array("{\"Records\":[{\"eventVersion\":\"".utf8)))
                for (raw, record) in zip(file.rawRecords, file.records) {
                    total += 1
                    let text = String(decoding: raw, as: UTF8.self)
                    let version = try #require(record["eventVersion"] as? String, "\(text)")
                    #expect(["1.08", "1.09", "1.10", "1.11"].contains(version))
                    #expect(ArchiveReader.epochSeconds(record["eventTime"] as? String ?? "") != nil)
                    #expect(ArchiveReader.isUUIDv4(record["eventID"] as? String ?? ""), "\(text)")
                    #expect(record["recipientAccountId"] as? String == trailFile.accountID)
                    let eventType = try #require(record["eventType"] as? String)
                    let category = try #require(record["eventCategory"] as? String)
                    categories.insert(category)
                    if record["errorCode"] != nil || record["errorMessage"] != nil { errors += 1 }

                    if eventType == "AwsCloudTrailInsight" {
                        #expect(trailFile.folder == .insight)
                        #expect(category == "Insight")
                        #expect(record["userIdentity"] == nil && record["eventName"] == nil)
                        #expect(record["awsRegion"] as? String == trailFile.region)
                        let details = try #require(record["insightDetails"] as? [String: Any])
                        #expect(["Start", "End"].contains(details["state"] as? String ?? ""))
                        #expect(ArchiveReader.isUUIDv4(record["sharedEventID"] as? String ?? ""))
                        #expect(text.contains("E-"), "Insights averages use exponent notation")
                        continue
                    }

                    #expect(trailFile.folder == .cloudTrail)
                    #expect(["AwsApiCall", "AwsConsoleSignIn"].contains(eventType))
                    let identity = try #require(record["userIdentity"] as? [String: Any])
                    let userType = try #require(identity["type"] as? String)
                    userTypes.insert(userType)
                    let source = try #require(record["eventSource"] as? String)
                    #expect(source.hasSuffix(".amazonaws.com"))
                    #expect(record["eventName"] is String)
                    #expect(record["sourceIPAddress"] is String)
                    #expect(record["userAgent"] is String)
                    #expect(record.keys.contains("requestParameters") && record.keys.contains("responseElements"))
                    #expect(record["requestParameters"] is NSNull || record["requestParameters"] is [String: Any])
                    #expect(record["responseElements"] is NSNull || record["responseElements"] is [String: Any])
                    // Booleans are JSON true/false, never strings or numbers.
                    #expect(text.contains("\"readOnly\":true") || text.contains("\"readOnly\":false"))
                    #expect(text.contains("\"managementEvent\":true") || text.contains("\"managementEvent\":false"))
                    #expect(text.hasPrefix("{\"eventVersion\":\"\(version)\",\"userIdentity\":{\"type\":\"\(userType)\""))

                    if globalSources.contains(source) {
                        #expect(record["awsRegion"] as? String == "us-east-1")
                    } else {
                        #expect(record["awsRegion"] as? String == trailFile.region)
                    }
                    switch userType {
                    case "IAMUser":
                        #expect((identity["userName"] as? String)?.isEmpty == false)
                        if eventType == "AwsApiCall" { #expect((identity["accessKeyId"] as? String)?.hasPrefix("AKIA") == true) }
                    case "AssumedRole":
                        let context = try #require(identity["sessionContext"] as? [String: Any])
                        let issuer = try #require(context["sessionIssuer"] as? [String: Any])
                        #expect(issuer["type"] as? String == "Role")
                        let attributes = try #require(context["attributes"] as? [String: Any])
                        #expect(["true", "false"].contains(attributes["mfaAuthenticated"] as? String ?? ""))
                        #expect(ArchiveReader.epochSeconds(attributes["creationDate"] as? String ?? "") != nil)
                    case "AWSService":
                        #expect((identity["invokedBy"] as? String)?.hasSuffix(".amazonaws.com") == true)
                        #expect(record["sourceIPAddress"] as? String == identity["invokedBy"] as? String)
                        #expect(record["tlsDetails"] == nil)
                    case "Root": #expect((identity["arn"] as? String)?.hasSuffix(":root") == true)
                    default: Issue.record("unexpected userIdentity.type \(userType)")
                    }
                    if category == "Data" {
                        #expect(text.contains("\"managementEvent\":false"))
                        let resources = try #require(record["resources"] as? [[String: Any]])
                        #expect(!resources.isEmpty)
                        if source == "s3.amazonaws.com" {
                            #expect(resources.map { $0["type"] as? String } == ["AWS::S3::Object", "AWS::S3::Bucket"])
                            let extra = try #require(record["additionalEventData"] as? [String: Any])
                            #expect(extra["bytesTransferredIn"] is NSNumber && extra["bytesTransferredOut"] is NSNumber)
                        }
                    } else {
                        #expect(category == "Management")
                    }
                    if record["eventName"] as? String == "ConsoleLogin" {
                        #expect(eventType == "AwsConsoleSignIn")
                        let response = try #require(record["responseElements"] as? [String: String])
                        #expect(["Success", "Failure"].contains(response["ConsoleLogin"] ?? ""))
                        let extra = try #require(record["additionalEventData"] as? [String: String])
                        #expect(["Yes", "No"].contains(extra["MFAUsed"] ?? ""))
                    }
                }
            }
            // Insights Start and End events pair up on sharedEventID.
            let insights = files.flatMap(\.records).filter { $0["eventType"] as? String == "AwsCloudTrailInsight" }
            let pairs = Dictionary(grouping: insights) { $0["sharedEventID"] as? String ?? "" }
            #expect(insights.count == 24 && pairs.count == 12)
            for (_, pair) in pairs {
                let states = pair.compactMap { ($0["insightDetails"] as? [String: Any])?["state"] as? String }
                #expect(states.sorted() == ["End", "Start"])
            }
            #expect(userTypes.isSuperset(of: ["IAMUser", "AssumedRole", "AWSService"]))
            #expect(categories == ["Management", "Data", "Insight"])
            #expect(errors > 0 && errors < total / 5)
        }
    }

    @Test("events happen before their file's delivery time; each day's first file reaches into the previous day")
    func eventTimesAndDeliveryTimes() throws {
        try withArchive(smallOptions()) { _, _, files in
            var firstFileOfFolder: [String: ArchiveFile] = [:]
            for file in files {
                let delivery = try #require(file.deliveryTime, "\(file.name)")
                let trailFile = try #require(classified(file))
                #expect(CivilDate(daysSinceEpoch: Int(floor(Double(delivery) / 86_400))) == trailFile.deliveryDate)
                for record in file.records {
                    let time = try #require(ArchiveReader.epochSeconds(record["eventTime"] as? String ?? ""))
                    #expect(time <= delivery, "\(file.name): \(record["eventTime"] ?? "")")
                    #expect(time >= delivery - 2 * 3_600, "events are minutes, not days, older than the file")
                }
                if isCloudTrailFile(file),
                    firstFileOfFolder[file.folder].map({ file.deliveryTime! < $0.deliveryTime! }) ?? true
                {
                    firstFileOfFolder[file.folder] = file
                }
            }
            #expect(firstFileOfFolder.count == 2 * 3 * 2 + 3 * 2)
            for (folder, file) in firstFileOfFolder {
                let dayStart = file.deliveryTime! / 86_400 * 86_400
                let earlier = file.records.filter {
                    (ArchiveReader.epochSeconds($0["eventTime"] as? String ?? "") ?? .max) < dayStart
                }
                #expect(!earlier.isEmpty, "\(folder): the first file of the day has no events from the day before")
            }
        }
    }

    @Test("global-service records are byte-identical in every region's file; regional records are not shared")
    func globalCopiesAcrossRegions() throws {
        let options = smallOptions()
        try withArchive(options) { _, _, files in
            // Key: account, day, file index within the folder (files sort by delivery time within a folder).
            var byGroup: [String: [(region: String, file: ArchiveFile)]] = [:]
            let accountFiles = files.filter { isCloudTrailFile($0) && classified($0)?.organizationID == nil }
            let byFolder = Dictionary(grouping: accountFiles, by: \.folder)
            for (_, folderFiles) in byFolder {
                for (index, file) in folderFiles.sorted(by: { $0.deliveryTime! < $1.deliveryTime! }).enumerated() {
                    let trailFile = try #require(classified(file))
                    byGroup["\(trailFile.accountID)|\(trailFile.deliveryDate)|\(index)", default: []]
                        .append((trailFile.region, file))
                }
            }
            #expect(byGroup.count == 2 * 2 * 2)
            let expectedGlobal = Int((Double(options.eventsPerFile) * options.globalEventShare).rounded())
            for (group, members) in byGroup {
                #expect(members.count == options.regions, "\(group)")
                var globalSets: [[[UInt8]]] = []
                var regionalIDs: [Set<String>] = []
                for member in members {
                    #expect(member.file.records.count == options.eventsPerFile)
                    var global: [[UInt8]] = []
                    var regional = Set<String>()
                    for (raw, record) in zip(member.file.rawRecords, member.file.records) {
                        if globalSources.contains(record["eventSource"] as? String ?? "") {
                            global.append(raw)
                        } else {
                            regional.insert(record["eventID"] as! String)
                            #expect(record["awsRegion"] as? String == member.region)
                        }
                    }
                    #expect(global.count == expectedGlobal, "\(group) \(member.region)")
                    globalSets.append(global)
                    regionalIDs.append(regional)
                }
                for other in globalSets.dropFirst() { #expect(other == globalSets[0], "\(group): global copies differ") }
                for i in regionalIDs.indices {
                    for j in regionalIDs.indices where j > i { #expect(regionalIDs[i].isDisjoint(with: regionalIDs[j])) }
                }
            }
        }
    }

    @Test("the first account is copied under the organization trail with identical records")
    func organizationTrailCopy() throws {
        let accounts = SyntheticArchive.accountIDs(for: smallOptions())
        try withArchive(smallOptions()) { _, _, files in
            let trail = files.filter(isCloudTrailFile).map { ($0, classified($0)!) }
            let orgCopies = trail.filter { $0.1.organizationID != nil }
            let firstAccount = trail.filter { $0.1.organizationID == nil && $0.1.accountID == accounts[0] }
            #expect(orgCopies.count == firstAccount.count && !orgCopies.isEmpty)
            #expect(orgCopies.allSatisfy { $0.1.organizationID == "o-a1b2c3d4e5" && $0.1.accountID == accounts[0] })
            #expect(!files.contains { $0.relativePath.contains("o-a1b2c3d4e5/\(accounts[1])") })
            for (file, trailFile) in firstAccount {
                let expectedFolder = file.folder.replacingOccurrences(
                    of: "AWSLogs/\(accounts[0])/", with: "AWSLogs/o-a1b2c3d4e5/\(accounts[0])/")
                let copy = try #require(
                    orgCopies.first { $0.0.folder == expectedFolder && $0.0.deliveryTime == file.deliveryTime },
                    "\(file.relativePath) has no organization copy")
                #expect(copy.0.json == file.json)
                #expect(copy.0.uniqueString != file.uniqueString)
                #expect(copy.1.region == trailFile.region && copy.1.deliveryDate == trailFile.deliveryDate)
            }
        }
    }

    @Test("paths follow CloudTrail's key layout, under the prefix, and classify as trail files")
    func layoutAndPrefix() throws {
        let options = smallOptions()
        let accounts = SyntheticArchive.accountIDs(for: options)
        #expect(accounts.count == 2 && Set(accounts).count == 2)
        #expect(accounts.allSatisfy { $0.count == 12 && $0.allSatisfy(\.isNumber) })
        try withArchive(options) { root, manifest, files in
            var regions = Set<String>()
            var dates = Set<CivilDate>()
            for file in files {
                #expect(file.relativePath.hasPrefix("team/logs/AWSLogs/"))
                let trailFile = try #require(classified(file), "\(file.relativePath) does not classify")
                #expect(trailFile.prefix == "team/logs")
                #expect(accounts.contains(trailFile.accountID))
                regions.insert(trailFile.region)
                dates.insert(trailFile.deliveryDate)
                let parts = file.name.split(separator: "_").map(String.init)
                #expect(parts.count == 5)
                #expect(parts[0] == trailFile.accountID && parts[1] == trailFile.folder.rawValue && parts[2] == trailFile.region)
                #expect(file.uniqueString.count == 16 && file.uniqueString.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
                #expect(file.name.hasSuffix(".json.gz"))
                #expect(file.compressed.starts(with: [0x1F, 0x8B]))
            }
            #expect(regions == ["us-east-1", "us-west-2", "eu-west-1"])
            #expect(Array(SyntheticArchive.regionNames.prefix(5)) == ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"])
            #expect(dates == [options.startDate, options.startDate.adding(days: 1)])

            let found = try ArchiveDiscovery(root: root).discover()
            #expect(found.eventFiles.count == manifest.files)
        }
    }

    @Test("without a prefix, keys start at AWSLogs/")
    func noPrefix() throws {
        var options = smallOptions()
        options.prefix = ""
        options.organizationID = nil
        options.insightsPerDay = 0
        try withArchive(options) { _, manifest, files in
            #expect(manifest.files == 24)
            #expect(files.allSatisfy { $0.relativePath.hasPrefix("AWSLogs/") && classified($0)?.prefix == "" })
        }
    }

    @Test("records average 700–1100 bytes")
    func averageRecordSize() throws {
        var options = SyntheticArchiveOptions()
        options.accounts = 1
        options.regions = 2
        options.days = 1
        options.filesPerDay = 4
        options.eventsPerFile = 60
        try withArchive(options) { _, manifest, files in
            let bytes = files.reduce(0) { $0 + $1.rawRecords.reduce(0) { $0 + $1.count } }
            let records = files.reduce(0) { $0 + $1.rawRecords.count }
            #expect(records == manifest.records && records == 480)
            let average = bytes / records
            #expect((700...1100).contains(average), "average record size \(average)")
        }
    }

    @Test("invalid options are rejected before anything is written")
    func invalidOptions() throws {
        let directory = try TemporaryDirectory("synth-invalid")
        defer { directory.remove() }
        var cases: [SyntheticArchiveOptions] = []
        for change in [
            { (o: inout SyntheticArchiveOptions) in o.regions = 0 },
            { $0.regions = SyntheticArchive.regionNames.count + 1 },
            { $0.filesPerDay = 0 },
            { $0.eventsPerFile = 0 },
            { $0.globalEventShare = 1.5 },
            { $0.organizationID = "org-1" },
            { $0.prefix = "a/../b" },
        ] as [(inout SyntheticArchiveOptions) -> Void] {
            var options = smallOptions()
            change(&options)
            cases.append(options)
        }
        for options in cases {
            #expect(throws: SyntheticArchiveError.self) { try SyntheticArchive.write(to: directory.path, options: options) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("the JSON escaping helper produces text Foundation parses back to the original")
    func escaping() throws {
        var samples = ["plain", "quote \" backslash \\ slash /", "Täglicher Export – 画像 🚨", "tab\tnewline\nreturn\r"]
        samples.append(String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self))
        for sample in samples {
            var buffer = JSONBuffer(capacity: 64)
            buffer.raw("[")
            buffer.string(sample)
            buffer.raw("]")
            let parsed = try JSONSerialization.jsonObject(with: Data(buffer.bytes)) as? [String]
            #expect(parsed == [sample])
        }
    }

    @Test("an archive of unusual text still parses: every generated description survives escaping")
    func descriptionsParse() throws {
        for fragment in EventStream.descriptions {
            let json = Data(("[\"" + String(decoding: fragment, as: UTF8.self) + "\"]").utf8)
            #expect((try JSONSerialization.jsonObject(with: json) as? [String])?.count == 1)
        }
    }
}
