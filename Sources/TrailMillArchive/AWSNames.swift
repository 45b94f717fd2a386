/// The shapes of the AWS names a selection names: what `--account`/`--region` and a job's `select` accept.
public enum AWSNames {
    /// A 12-digit account ID, such as `111122223333`.
    public static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (48...57).contains($0) }
    }

    /// A region name: lowercase words joined by `-`, ending in a number (`us-east-1`, `us-gov-west-1`,
    /// `ap-southeast-2`, `cn-north-1`).
    public static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, !last.isEmpty, last.utf8.allSatisfy({ (48...57).contains($0) })
        else { return false }
        return parts.dropLast().allSatisfy { part in !part.isEmpty && part.utf8.allSatisfy { (97...122).contains($0) } }
    }
}
