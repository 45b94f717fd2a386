internal import Foundation
internal import TrailMillDecoding
internal import TrailMillNormalize

/// How `trailmill history` prints rows.
public enum HistoryOutputFormat: String, Sendable, CaseIterable {
    /// The console's columns, aligned and fitted to the terminal width.
    case table
    /// One LookupEvents-style object per line: `CloudTrailEvent` holds the original record (as a JSON string) when
    /// the load kept it, else `Record` the stored flat record.
    case json
    /// The stored record per line: flat schema v1 columns, nulls left out.
    case ndjson
    /// The console's download columns, RFC 4180, with spreadsheet formulas neutralised.
    case csv
}

/// Turns history rows into output text. Pure: no IO, so every format is tested on values.
public enum HistoryRenderer {
    /// The console's Event history columns, in its order.
    public static let tableHeadings = ["Event name", "Event time", "User name", "Event source", "Resource type", "Resource name"]
    /// The console's CSV download columns.
    public static let csvHeadings = [
        "Event ID", "Event time", "User name", "Event name", "Event source", "Resource type", "Resource name",
        "AWS access key", "AWS region", "Error code", "Source IP address", "Read-only",
    ]

    /// The table cells of one row, in `tableHeadings` order.
    static func tableCells(_ row: HistoryRow) -> [String] {
        [
            row.eventName ?? "", row.eventTime, row.userName ?? "", row.eventSource ?? "",
            row.resourceTypes.filter { $0.contains("::") }.joined(separator: ", "),
            row.resourceNames.joined(separator: ", "),
        ]
    }

    /// The CSV cells of one row, in `csvHeadings` order (before neutralising).
    static func csvCells(_ row: HistoryRow) -> [String] {
        [
            row.eventID, row.eventTime, row.userName ?? "", row.eventName ?? "", row.eventSource ?? "",
            row.resourceTypes.filter { $0.contains("::") }.joined(separator: ","), row.resourceNames.joined(separator: ","),
            row.accessKeyID ?? "", row.region ?? "", row.errorCode ?? "", row.sourceIPAddress ?? "",
            row.readOnly.map { $0 ? "true" : "false" } ?? "",
        ]
    }

    /// The lines for `rows` in `format`; `header` adds the table's or CSV's heading line (the first page only).
    public static func render(_ rows: [HistoryRow], as format: HistoryOutputFormat, width: Int?, header: Bool) -> String {
        switch format {
        case .table:
            return table(headings: tableHeadings, rows: rows.map(tableCells), width: width)
        case .csv:
            var lines = header ? [csvLine(csvHeadings)] : []
            lines += rows.map { csvLine(csvCells($0)) }
            return lines.map { $0 + "\r\n" }.joined()
        case .ndjson:
            return rows.map { ($0.record ?? "{}") + "\n" }.joined()
        case .json:
            return rows.map { lookupEventsObject($0) + "\n" }.joined()
        }
    }

    // MARK: Table

    /// Aligned columns separated by two spaces. When `width` is set and the natural table is wider, the widest
    /// columns are cut (ending in `…`) until it fits, no column narrower than its heading or 8 characters.
    public static func table(headings: [String], rows: [[String]], width: Int?) -> String {
        let clean = rows.map { $0.map(singleLine) }
        var widths = headings.map(\.count)
        for row in clean { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        if let width {
            let floor = headings.map { max(8, $0.count) }
            var total: Int { widths.reduce(0, +) + 2 * (widths.count - 1) }
            while total > width, let widest = widths.indices.filter({ widths[$0] > floor[$0] }).max(by: { widths[$0] < widths[$1] }) {
                widths[widest] -= 1
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let fitted = cell.count > widths[i] ? String(cell.prefix(max(0, widths[i] - 1))) + "…" : cell
                parts.append(i == cells.count - 1 ? fitted : fitted + String(repeating: " ", count: widths[i] - fitted.count))
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }  // empty trailing cells leave no trailing spaces
            return text
        }
        return ([line(headings)] + clean.map(line)).map { $0 + "\n" }.joined()
    }

    /// Control characters (newlines, tabs, escapes) shown as `?`, so a hostile value cannot break or recolour the table.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    // MARK: CSV

    /// A cell a spreadsheet would read as a formula (first character `=`, `+`, `-`, `@`, tab or carriage return)
    /// gets a leading `'`, so it opens as text (OWASP's CSV-injection advice).
    public static func neutralised(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }

    /// One RFC 4180 line: every cell neutralised, quoted when it holds `"`, `,`, CR or LF.
    static func csvLine(_ cells: [String]) -> String {
        cells.map { cell in
            let safe = neutralised(cell)
            guard safe.contains(where: { $0 == "\"" || $0 == "," || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return safe }
            return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }

    // MARK: JSON

    /// `LookupEvents`' event shape: `EventId`, `EventName`, `ReadOnly` (a string), `AccessKeyId`, `EventTime`,
    /// `EventSource`, `Username`, `Resources`, and `CloudTrailEvent` (the original record as a JSON string) when
    /// the load kept it (`--keep-raw`), else `Record`: the stored flat record.
    static func lookupEventsObject(_ row: HistoryRow) -> String {
        var members: [(String, String)] = [("EventId", quote(row.eventID))]
        func add(_ name: String, _ value: String?) { if let value { members.append((name, quote(value))) } }
        add("EventName", row.eventName)
        add("ReadOnly", row.readOnly.map { $0 ? "true" : "false" })
        add("AccessKeyId", row.accessKeyID)
        add("EventTime", row.eventTime)
        add("EventSource", row.eventSource)
        add("Username", row.userName)
        // The stored types are a sorted set, not in ARN order: a type is paired with the ARNs only when it is the one type.
        let types = row.resourceTypes.filter { $0.contains("::") }
        let resources = row.resourceARNs.map { arn in
            "{\"ResourceType\":\(types.count == 1 ? quote(types[0]) : "null"),\"ResourceName\":\(quote(arn))}"
        }
        members.append(("Resources", "[" + resources.joined(separator: ",") + "]"))
        if let original = row.original {
            members.append(("CloudTrailEvent", quote(original)))
        } else if let record = row.record {
            members.append(("Record", record))
        }
        return "{" + members.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal (the project's one JSON string escaper, `JSONOutput`).
    static func quote(_ text: String) -> String {
        let out = OutputBuffer(capacity: text.utf8.count + 16)
        JSONOutput.appendString(text, to: out)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}

extension HistoryRenderer {
    /// A summarising investigation's groups: a table, CSV with headings, or one JSON object per group.
    public static func summary(_ rows: [[String?]], headings: [String], as format: HistoryOutputFormat, width: Int?) -> String {
        let cells = rows.map { $0.map { $0 ?? "" } }
        switch format {
        case .table: return table(headings: headings, rows: cells, width: width)
        case .csv: return ([headings] + cells).map { csvLine($0) + "\r\n" }.joined()
        case .json, .ndjson:
            return rows.map { row in
                "{" + zip(headings, row).map { "\(quote($0)):\($1.map(quote) ?? "null")" }.joined(separator: ",") + "}\n"
            }.joined()
        }
    }

    /// `--event-id` on a terminal: the event's console columns, the resources it references, then the stored record.
    public static func details(_ rows: [HistoryRow]) -> String {
        rows.map { row in
            var text = ""
            for (heading, cell) in zip(csvHeadings, csvCells(row)) where !cell.isEmpty {
                text += heading + ": " + singleLine(cell) + "\n"
            }
            text += "Resources referenced:\n"
            text += row.resourceARNs.isEmpty ? "  (none)\n" : row.resourceARNs.map { "  " + singleLine($0) + "\n" }.joined()
            if let original = row.original {
                text += "CloudTrail event:\n" + prettyJSON(original) + "\n"
            } else {
                text += "Stored record (flat columns; `trailmill load --keep-raw` keeps the original record):\n"
                text += prettyJSON(row.record ?? "{}") + "\n"
            }
            return text
        }.joined(separator: "\n")
    }

    /// JSON text indented with sorted keys (Foundation), or as it is when it does not parse.
    static func prettyJSON(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }
}
