import Testing
import TrailMillPostgres

/// `CopyText` is pure: no server needed.
@Suite struct CopyTextTests {
    private func encode(_ value: String?) -> (String, Int) {
        var buffer: [UInt8] = []
        let replaced = CopyText.append(value, to: &buffer)
        return (String(decoding: buffer, as: UTF8.self), replaced)
    }

    @Test func plainTextPassesThrough() {
        #expect(encode("hello, world é 🙂").0 == "hello, world é 🙂")
        #expect(encode("").0 == "")
    }

    @Test func nullIsBackslashN() {
        #expect(encode(nil).0 == "\\N")
        // The two characters `\N` as data must not read back as NULL.
        #expect(encode("\\N").0 == "\\\\N")
    }

    @Test func requiredEscapes() {
        #expect(encode("a\\b").0 == "a\\\\b")
        #expect(encode("a\tb").0 == "a\\tb")
        #expect(encode("a\nb").0 == "a\\nb")
        #expect(encode("a\rb").0 == "a\\rb")
        #expect(encode("\r\n").0 == "\\r\\n")
        #expect(encode("\\.").0 == "\\\\.")
    }

    @Test func otherControlBytesLikeCopyTo() {
        #expect(encode("\u{08}\u{0B}\u{0C}").0 == "\\b\\v\\f")
        #expect(encode("\u{01}\u{1F}\u{7F}").0 == "\u{01}\u{1F}\u{7F}")
    }

    @Test func nulBecomesReplacementCharacterAndIsCounted() {
        let (text, replaced) = encode("a\u{0}b\u{0}\u{0}")
        #expect(text == "a\u{FFFD}b\u{FFFD}\u{FFFD}")
        #expect(replaced == 3)
        #expect(encode("no nul").1 == 0)
    }

    @Test func rawBufferOverloadAppends() {
        var buffer: [UInt8] = Array("x\t".utf8)
        let bytes: [UInt8] = [0x41, 0x00, 0x5C, 0x0A]
        let replaced = bytes.withUnsafeBytes { CopyText.append($0, to: &buffer) }
        #expect(replaced == 1)
        #expect(buffer == Array("x\t".utf8) + [0x41, 0xEF, 0xBF, 0xBD, 0x5C, 0x5C, 0x5C, 0x6E])
    }

    @Test func rowJoinsWithTabsAndEndsWithNewline() {
        var buffer: [UInt8] = []
        let replaced = CopyText.appendRow(["a", nil, "", "t\tab", "z\u{0}"], to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "a\t\\N\t\tt\\tab\tz\u{FFFD}\n")
        #expect(replaced == 1)
    }

    @Test func quoteIdentifierDoublesQuotes() {
        #expect(PostgresConnection.quoteIdentifier("events") == "\"events\"")
        #expect(PostgresConnection.quoteIdentifier("we\"ird\"\"") == "\"we\"\"ird\"\"\"\"\"")
        #expect(PostgresConnection.quoteIdentifier("Mixed Case;--") == "\"Mixed Case;--\"")
    }

    /// A `"` followed by a combining mark is one `Character` (grapheme) but must still be doubled: quoting works
    /// on UTF-8 bytes, so no identifier can close the quotes early (issue 10, defect 4).
    @Test func quoteIdentifierEscapesQuotesInsideGraphemes() {
        let hostile = "x\"\u{301}; drop table y; --"
        #expect(Array(PostgresConnection.quoteIdentifier(hostile).utf8) == Array("\"x\"\"\u{301}; drop table y; --\"".utf8))
        // Every quote byte inside the quoted text is doubled.
        let inner = Array(PostgresConnection.quoteIdentifier(hostile).utf8.dropFirst().dropLast())
        var index = 0
        while index < inner.count {
            if inner[index] == UInt8(ascii: "\"") {
                #expect(index + 1 < inner.count && inner[index + 1] == UInt8(ascii: "\""))
                index += 2
            } else {
                index += 1
            }
        }
    }

    /// The same for array literals: `"` and `\\` are escaped even when a combining mark follows them.
    @Test func arrayLiteralEscapesInsideGraphemes() {
        let literal = ArrayLiteral.text(["a\"\u{301}b", "c\\\u{301}d", nil])
        #expect(Array(literal.utf8) == Array("{\"a\\\"\u{301}b\",\"c\\\\\u{301}d\",NULL}".utf8))
    }

    @Test func errorDescriptionShape() {
        let error = PostgresError(
            code: .copyFailed, message: "bad", sqlState: "22P02", detail: "d", hint: "h", context: "COPY t, line 2")
        // DETAIL and CONTEXT may quote row values: they never reach the description (issue 10, defect 6).
        #expect(error.description == "copy-failed [22P02]: bad (hint: h)")
        #expect(!error.isConnectionError)
        #expect(PostgresError(code: .connectionLost, message: "x").isConnectionError)
    }
}
