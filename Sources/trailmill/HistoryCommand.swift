import ArgumentParser
import Foundation
import TrailMillHistory
import TrailMillPOSIX
import TrailMillPipeline

/// `trailmill history`: the console's Event history over the PostgreSQL store.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Look up stored events like the CloudTrail console's Event history: who did what, when and where.",
        discussion: """
            Any number of filters, AND-ed; values match exactly and case-sensitively. Newest first. The time range \
            is the last 90 days unless --start/--end say otherwise (RFC 3339, YYYY-MM-DD, or relative: -30m, -3h, \
            -90d, -2w; both ends inclusive). When more rows remain, the last line on stderr is `next-token: TOKEN`; \
            pass it as --next-token with the same filters for the next page.

            --user is the console's user name: an IAM user's name, an assumed role's session name (the ARN's last \
            part), `root` for the root user, otherwise the user name or TrailMill's actor.

            Examples:
              trailmill history --event-name ConsoleLogin --start -7d
              trailmill history --user alice --read-only false --output csv > alice.csv
              trailmill history --who-deleted my-bucket
              trailmill history --failed-console-logins --start 2026-01-01
            """
    )

    @OptionGroup var target: DatabaseOptions

    // MARK: The console's attributes
    @Option(name: .customLong("event-id"), help: "The event's eventID; prints the whole stored record (any day unless --start/--end).")
    var eventID: String?
    @Option(help: "eventName, e.g. ConsoleLogin.") var eventName: String?
    @Option(help: "eventSource, e.g. iam.amazonaws.com.") var eventSource: String?
    @Option(help: ArgumentHelp("readOnly.", valueName: "true|false")) var readOnly: Bool?
    @Option(help: "The console's user name (see above).") var user: String?
    @Option(help: "userIdentity.accessKeyId.") var accessKey: String?
    @Option(help: "A resources[].type, full (AWS::S3::Bucket) or short (Bucket).") var resourceType: String?
    @Option(help: "A resources[].ARN, or its name (the part after the last / or :).") var resourceName: String?

    // MARK: What the console lacks
    @Option(help: "recipientAccountId.") var account: String?
    @Option(help: "awsRegion.") var region: String?
    @Option(help: "sourceIPAddress: an address, a CIDR block, or text such as `AWS Internal`.") var sourceIP: String?
    @Option(help: "errorCode.") var errorCode: String?
    @Flag(help: "Only events with an errorCode.") var errorsOnly = false
    @Option(help: "eventCategory: management, data, insight, networkactivity.") var category: String?
    @Option(help: "userIdentity.arn.") var userArn: String?
    @Option(help: "TrailMill's derived actor (flat schema v1).") var actor: String?

    // MARK: Time, paging, output
    @Option(help: "Start of the range (inclusive).") var start: String?
    @Option(help: "End of the range (inclusive).") var end: String?
    @Option(help: "Rows per page (1-10000).") var limit = 50
    @Option(help: "Continue where the previous page's `next-token:` line left off.") var nextToken: String?
    @Option(help: "table (default on a terminal), json, ndjson (default otherwise), csv.")
    var output: String?

    // MARK: Named investigations
    @Option(help: ArgumentHelp("Delete* events that reference this resource (bucket name or ARN).", valueName: "name|arn"))
    var whoDeleted: String?
    @Flag(help: "What the root user did (AWS service events excluded).") var rootActivity = false
    @Flag(help: "Failed console sign-ins, by user name and source address.") var failedConsoleLogins = false
    @Flag(help: "Access-denied errors by principal and API.") var accessDenied = false
    @Option(help: ArgumentHelp("The source addresses or regions used (with --user-arn, --user or --actor), newest first seen first.", valueName: "ips|regions"))
    var firstSeen: String?

    var filter: HistoryFilter {
        var filter = HistoryFilter()
        filter.eventID = eventID
        filter.eventName = eventName
        filter.eventSource = eventSource
        filter.readOnly = readOnly
        filter.userName = user
        filter.accessKeyID = accessKey
        filter.resourceType = resourceType
        filter.resourceName = resourceName
        filter.account = account
        filter.region = region
        filter.sourceIP = sourceIP.map(SourceIPFilter.init)
        filter.errorCode = errorCode
        filter.errorsOnly = errorsOnly
        filter.category = category
        filter.userARN = userArn
        filter.actor = actor
        return filter
    }

    var summary: SummaryInvestigation? {
        if failedConsoleLogins { return .failedConsoleLogins }
        if accessDenied { return .accessDenied }
        switch firstSeen {
        case "ips": return .firstSeenSourceIPs
        case "regions": return .firstSeenRegions
        default: return nil
        }
    }

    var listing: ListingInvestigation? {
        if let whoDeleted { return .whoDeleted(whoDeleted) }
        return rootActivity ? .rootActivity : nil
    }

    func validate() throws {
        try target.validate()
        if !(1...10_000).contains(limit) { throw ValidationError("--limit must be 1 to 10000.") }
        if let output, HistoryOutputFormat(rawValue: output) == nil {
            throw ValidationError("--output must be table, json, ndjson or csv.")
        }
        if let firstSeen, !["ips", "regions"].contains(firstSeen) { throw ValidationError("--first-seen must be ips or regions.") }
        if firstSeen != nil && userArn == nil && user == nil && actor == nil {
            throw ValidationError("--first-seen needs the principal: --user-arn, --user or --actor.")
        }
        let named = [whoDeleted != nil, rootActivity, failedConsoleLogins, accessDenied, firstSeen != nil].filter { $0 }
        if named.count > 1 { throw ValidationError("Choose one named investigation at a time.") }
        if summary != nil && nextToken != nil { throw ValidationError("Summaries have one page: --next-token does not apply.") }
        if let nextToken, PageToken(parsing: nextToken) == nil { throw ValidationError("--next-token is not a token trailmill printed.") }
        if let category, !["management", "data", "insight", "networkactivity"].contains(category.lowercased()) {
            throw ValidationError("--category must be management, data, insight or networkactivity.")
        }
        for (name, value) in [("--start", start), ("--end", end)] {
            if let value, TimeArgument.parse(value, endOfDay: name == "--end", now: 0) == nil {
                throw ValidationError("\(name) must be RFC 3339, YYYY-MM-DD or relative (-3h, -90d): \(value)")
            }
        }
    }

    func run() throws {
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        // An event id names one event: without --start/--end it is looked up over every stored day.
        let defaultStart = eventID != nil ? 0 : now - 90 * 86_400_000
        let defaultEnd = eventID != nil ? 253_402_300_799_999 : now  // 9999-12-31T23:59:59.999Z
        let startMillis = start.flatMap { TimeArgument.parse($0, endOfDay: false, now: now) } ?? defaultStart
        let endMillis = end.flatMap { TimeArgument.parse($0, endOfDay: true, now: now) } ?? defaultEnd
        let window = HistoryWindow(start: startMillis, end: endMillis)
        let terminal = isatty(STDOUT_FILENO) == 1
        let format = output.flatMap(HistoryOutputFormat.init(rawValue:)) ?? (terminal ? .table : .ndjson)
        let width = terminal ? Self.terminalWidth() : nil

        let store = HistoryStore(connection: try target.connect())
        do {
            if let summary {
                let rows = try store.summary(summary, filter: filter, window: window, limit: limit, schema: target.schema)
                write(HistoryRenderer.summary(rows, headings: summary.headings, as: format, width: width))
                if rows.isEmpty { StandardError.write("no events match\n") }
                return
            }
            var query = HistoryQuery(
                filter: filter, window: window, limit: limit, after: nextToken.flatMap(PageToken.init(parsing:)),
                investigation: listing, schema: target.schema)
            query.includeRecord = format == .json || format == .ndjson || eventID != nil
            let page = try store.page(query)
            if eventID != nil && format == .table {
                write(HistoryRenderer.details(page.rows))
            } else {
                write(HistoryRenderer.render(page.rows, as: format, width: width, header: nextToken == nil))
            }
            if page.rows.isEmpty { StandardError.write("no events match\n") }
            if let next = page.next { StandardError.write("next-token: \(next)\n") }
        } catch {
            StandardError.write("trailmill: \(error)\n")
            throw ExitCode(1)
        }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The terminal's columns (COLUMNS, else the tty's size, else 120).
    static func terminalWidth() -> Int {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 20 { return columns }
        return TerminalSize.columns(of: STDOUT_FILENO).map { max($0, 20) } ?? 120
    }
}
