import TrailMillArchive

/// Region names and S3 key naming for synthetic archives.
enum Layout {
    /// Real region names, in the order synthetic archives use them.
    static let regionNames: [String] = [
        "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1", "us-east-2",
        "us-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-south-1", "ap-southeast-1", "ap-northeast-2",
        "ca-central-1", "sa-east-1", "eu-south-1", "ap-east-1", "me-south-1", "af-south-1",
    ]

    /// Region of global-service events (IAM, STS global endpoint, sign-in).
    static let globalRegion = "us-east-1"

    /// A 16-character `[A-Za-z0-9]` unique string, as CloudTrail puts at the end of file names.
    static func uniqueString(_ rng: inout SplitMix64) -> String {
        var buffer = JSONBuffer(capacity: 16)
        buffer.random(16, from: JSONBuffer.mixedAlnum, &rng)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        var buffer = JSONBuffer(capacity: width)
        buffer.padded(value, width: width)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// `[prefix/]AWSLogs/[org/]<acct>/<folder>/<region>/YYYY/MM/DD` (no trailing `/`).
    static func folderPath(
        prefix: String, organizationID: String?, account: String, folder: TrailFolder, region: String, date: CivilDate
    ) -> String {
        var path = prefix.isEmpty ? "" : prefix + "/"
        path += "AWSLogs/"
        if let organizationID { path += organizationID + "/" }
        path += account + "/" + folder.rawValue + "/" + region + "/"
        path += pad(date.year, 4) + "/" + pad(date.month, 2) + "/" + pad(date.day, 2)
        return path
    }

    /// `<acct>_<folder>_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`.
    static func fileName(
        account: String, folder: TrailFolder, region: String, date: CivilDate, minuteOfDay: Int, unique: String
    ) -> String {
        let stamp = pad(date.year, 4) + pad(date.month, 2) + pad(date.day, 2) + "T" + pad(minuteOfDay / 60, 2)
            + pad(minuteOfDay % 60, 2) + "Z"
        return account + "_" + folder.rawValue + "_" + region + "_" + stamp + "_" + unique + ".json.gz"
    }
}
