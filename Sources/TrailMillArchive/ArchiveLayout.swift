/// CloudTrail's key layout, parsed from path components:
/// `[<prefix>/]AWSLogs/[<o-id>/]<account>/<folder>/<region>/<YYYY>/<MM>/<DD>/<file>`.
///
/// Two entry points share the same rules: `classifyFile` for a whole file path (what `classify(relativePath:)`
/// returns) and `directoryVerdict` for a directory on the way down (what the walker prunes).
enum ArchiveLayout {
    static let anchor = "AWSLogs"
    static let outsideReason = "outside the AWSLogs/<account>/CloudTrail*/ layout"

    // MARK: Files

    /// The parts of a path that parsed as a trail file.
    struct Parsed {
        var prefix: String
        var organizationID: String?
        var accountID: String
        var folder: TrailFolder
        var region: String
        var deliveryDate: CivilDate
    }

    /// Why one `AWSLogs` anchor did not parse; `progress` (components accepted after the anchor) picks the most
    /// specific reason when several anchors fail.
    struct Failure: Error {
        var progress: Int
        var reason: String
    }

    /// Classifies a file path already split on `/`.
    static func classifyFile(_ components: [String], relativePath: String) -> ArchiveDiscovery.PathKind {
        guard let last = components.last, !relativePath.isEmpty else {
            return .notTrail(reason: outsideReason)
        }
        if last.isEmpty {
            return .notTrail(reason: "not a file name: the path ends in '/'")
        }
        var best: Failure?
        for index in components.indices where components[index] == anchor {
            switch parseFile(components, anchorIndex: index) {
            case .success(let parsed):
                return .trailFile(
                    TrailFile(
                        relativePath: relativePath, absolutePath: "", prefix: parsed.prefix,
                        organizationID: parsed.organizationID, accountID: parsed.accountID, folder: parsed.folder,
                        region: parsed.region, deliveryDate: parsed.deliveryDate, size: 0))
            case .failure(let failure):
                if best == nil || failure.progress > best!.progress { best = failure }
            }
        }
        return .notTrail(reason: best?.reason ?? outsideReason)
    }

    /// Parses the components after the `AWSLogs` at `anchorIndex`; the last component is the file name.
    static func parseFile(_ c: [String], anchorIndex a: Int) -> Result<Parsed, Failure> {
        let fileIndex = c.count - 1
        func isFolder(_ index: Int) -> Bool { index < fileIndex }
        func fail(_ index: Int, _ reason: String) -> Result<Parsed, Failure> {
            .failure(Failure(progress: index - a, reason: reason))
        }

        var i = a + 1
        var organizationID: String?
        if isFolder(i + 1), isOrganizationID(c[i]), TrailFolder(rawValue: c[i + 1]) == nil, !isFolder(i + 2) {
            // `AWSLogs/o-…/<account>/<file>`: a file where the CloudTrail folder should be.
            return fail(i + 2, outsideReason)
        }
        if isFolder(i + 2), isOrganizationID(c[i]) {
            if TrailFolder(rawValue: c[i + 1]) == nil {
                if TrailFolder(rawValue: c[i + 2]) != nil {
                    organizationID = c[i]
                    i += 1
                } else if !c[i + 1].isEmpty {
                    // `AWSLogs/o-…/<account>/<unknown>/…`: name the folder that is wrong, not the account.
                    return fail(i + 2, "not a CloudTrail folder: '\(c[i + 2])'")
                }
            }
        }

        guard isFolder(i), !c[i].isEmpty, TrailFolder(rawValue: c[i]) == nil else { return fail(i, outsideReason) }
        let accountID = c[i]
        i += 1

        guard isFolder(i) else { return fail(i, outsideReason) }
        guard let folder = TrailFolder(rawValue: c[i]) else {
            return fail(i, "not a CloudTrail folder: '\(c[i])'")
        }
        i += 1

        // <region>/<YYYY>/<MM>/<DD>/<file>
        guard fileIndex >= i + 4 else {
            return fail(i, "too shallow: expected \(folder.rawValue)/<region>/YYYY/MM/DD/<file>")
        }
        let region = c[i]
        guard !region.isEmpty else { return fail(i, "empty region folder") }
        i += 1

        guard let year = number(c[i]), let month = number(c[i + 1]), let day = number(c[i + 2]),
            let date = CivilDate(year: year, month: month, day: day)
        else {
            return fail(i, "bad date folder: '\(c[i])/\(c[i + 1])/\(c[i + 2])'")
        }
        i += 3

        guard i == fileIndex else {
            let extra = c[i..<fileIndex].joined(separator: "/")
            return fail(i, "extra folders below the day folder: '\(extra)/'")
        }
        let name = c[i]
        guard hasLogFileName(name) else {
            return fail(i, "not a .json.gz or .json file name: '\(name)'")
        }
        return .success(
            Parsed(
                prefix: c[0..<a].joined(separator: "/"), organizationID: organizationID, accountID: accountID,
                folder: folder, region: region, deliveryDate: date))
    }

    // MARK: Directories

    /// What the walker should do with a directory.
    enum DirectoryVerdict: Equatable {
        /// Walk it: in the selection, or not yet decided.
        case walk
        /// Do not walk it: every trail file below is outside the selection.
        case prune
    }

    /// Whether a directory (given by all its components) can hold trail files in the selection.
    ///
    /// Uses the first `AWSLogs` anchor under which the components so far still fit the layout; a directory that fits
    /// no anchor (a prefix folder, `Config/`, a bad date folder, extra depth) is walked so that its files are listed
    /// as skipped with a reason.
    static func directoryVerdict(_ components: [String], selection: ArchiveSelection) -> DirectoryVerdict {
        for index in components.indices where components[index] == anchor {
            if let verdict = directoryVerdict(components, anchorIndex: index, selection: selection) {
                return verdict
            }
        }
        return .walk
    }

    /// The verdict under one anchor, or nil when the components do not fit the layout under it.
    private static func directoryVerdict(
        _ c: [String], anchorIndex a: Int, selection s: ArchiveSelection
    ) -> DirectoryVerdict? {
        let n = c.count
        var i = a + 1
        guard i < n else { return .walk }

        var accountIndex = i
        if isOrganizationID(c[i]) {
            guard i + 1 < n else { return .walk }  // organization or account: the children decide.
            if TrailFolder(rawValue: c[i + 1]) != nil {
                accountIndex = i  // `AWSLogs/<account that looks like o-…>/CloudTrail/`
            } else if i + 2 >= n {
                // `AWSLogs/o-…/<member account>/`: prune by member account (unless the o-… itself was asked for).
                if !s.accounts.isEmpty, !s.accounts.contains(c[i + 1]), !s.accounts.contains(c[i]) { return .prune }
                return .walk
            } else if TrailFolder(rawValue: c[i + 2]) != nil {
                accountIndex = i + 1
            } else {
                return nil
            }
        }

        let account = c[accountIndex]
        guard !account.isEmpty, TrailFolder(rawValue: account) == nil else { return nil }
        if !s.accounts.isEmpty, !s.accounts.contains(account) { return .prune }
        i = accountIndex + 1
        guard i < n else { return .walk }

        guard let folder = TrailFolder(rawValue: c[i]) else { return nil }
        if folder.holdsEvents, !s.eventFolders.contains(folder) { return .prune }
        i += 1
        guard i < n else { return .walk }

        let region = c[i]
        guard !region.isEmpty else { return nil }
        if !s.regions.isEmpty, !s.regions.contains(region) { return .prune }
        i += 1
        guard i < n else { return .walk }

        guard let year = number(c[i]), (1...9999).contains(year) else { return nil }
        if let range = s.deliveryDates, !(range.lowerBound.year...range.upperBound.year).contains(year) {
            return .prune
        }
        i += 1
        guard i < n else { return .walk }

        guard let month = number(c[i]), (1...12).contains(month) else { return nil }
        if let range = s.deliveryDates {
            let low = (range.lowerBound.year, range.lowerBound.month)
            let high = (range.upperBound.year, range.upperBound.month)
            if (year, month) < low || high < (year, month) { return .prune }
        }
        i += 1
        guard i < n else { return .walk }

        guard let day = number(c[i]), let date = CivilDate(year: year, month: month, day: day) else { return nil }
        if let range = s.deliveryDates, !range.contains(date) { return .prune }
        i += 1
        guard i < n else { return .walk }

        return nil  // extra folders below the day folder: nothing below is a trail file under this anchor.
    }

    // MARK: Pieces

    /// `o-` followed by 10–32 lowercase letters or digits.
    static func isOrganizationID(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (12...34).contains(bytes.count), bytes.starts(with: "o-".utf8) else { return false }
        return bytes.dropFirst(2).allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    /// A folder name read as a decimal number (`1`, `01`, `2026`); nil unless it is 1–9 ASCII digits.
    static func number(_ text: String) -> Int? {
        let bytes = text.utf8
        guard (1...9).contains(bytes.count) else { return nil }
        var value = 0
        for byte in bytes {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// `<something>.json.gz` or `<something>.json` (case-sensitive).
    static func hasLogFileName(_ name: String) -> Bool {
        let bytes = name.utf8
        for suffix in [".json.gz", ".json"] where bytes.count > suffix.utf8.count {
            if bytes.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) { return true }
        }
        return false
    }

    /// Whether a classified trail file is inside the selection (the walker's last check, after pruning).
    static func selectionContains(_ file: TrailFile, _ s: ArchiveSelection) -> Bool {
        if !s.accounts.isEmpty, !s.accounts.contains(file.accountID) { return false }
        if !s.regions.isEmpty, !s.regions.contains(file.region) { return false }
        if let range = s.deliveryDates, !range.contains(file.deliveryDate) { return false }
        if file.folder.holdsEvents, !s.eventFolders.contains(file.folder) { return false }
        return true
    }
}
