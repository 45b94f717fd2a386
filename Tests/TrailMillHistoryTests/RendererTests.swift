import Testing
import TrailMillHistory

/// Output formats on values.
@Suite struct RendererTests {
    @Test func csvCellsThatASpreadsheetWouldEvaluateAreNeutralised() {
        for formula in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"] {
            #expect(HistoryRenderer.neutralised(formula) == "'" + formula)
        }
        for plain in ["alice", "1-2", "a=b", "", "'quoted"] {
            #expect(HistoryRenderer.neutralised(plain) == plain)
        }
    }

    @Test func tablesFitTheWidthAndShowControlCharactersAsQuestionMarks() {
        let text = HistoryRenderer.table(
            headings: ["Event name", "User name"], rows: [["ConsoleLogin", String(repeating: "x", count: 60) + "\u{1B}[31m\n"]],
            width: 40)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(lines[1].hasSuffix("…"))
        #expect(!text.contains("\u{1B}"))
    }
}
