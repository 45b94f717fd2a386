import Testing
import TrailMillDedupe

func key(_ eventID: String, _ account: String) -> EventKey {
    Array(eventID.utf8).withUnsafeBytes { id in
        Array(account.utf8).withUnsafeBytes { EventKey(eventID: id, account: $0) }
    }
}

private func isGUID(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes { EventKey.isGUID($0) } }

@Suite("EventKey")
struct EventKeyTests {
    let id = "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e"

    @Test func equalInputsEqualKeys() {
        #expect(key(id, "111122223333") == key(id, "111122223333"))
        #expect(key(id, "111122223333").hashValue == key(id, "111122223333").hashValue)
        // A decoded String and raw bytes of the same text give the same key.
        var decoded = id
        let viaString = decoded.withUTF8 { idBytes in
            Array("111122223333".utf8).withUnsafeBytes { EventKey(eventID: UnsafeRawBufferPointer(idBytes), account: $0) }
        }
        #expect(viaString == key(id, "111122223333"))
    }

    @Test func accountOrEventIDChangesTheKey() {
        let base = key(id, "111122223333")
        #expect(key(id, "111122223334") != base)
        #expect(key(id, "444455556666") != base)
        #expect(key(id, "") != base)
        #expect(key("3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6f", "111122223333") != base)
        #expect(key(id.uppercased(), "111122223333") != base)
        // Both halves change, not just one.
        let other = key(id, "111122223334")
        #expect(other.high != base.high)
        #expect(other.low != base.low)
        // The parts are not simply concatenated.
        #expect(key("ab", "c") != key("a", "bc"))
        #expect(key("a", "b") != key("b", "a"))
    }

    @Test func manyKeysAreDistinct() {
        var keys = Set<EventKey>()
        for account in ["111122223333", "444455556666", "777788889999"] {
            for n in 0..<5000 {
                keys.insert(key("00000000-0000-4000-8000-\(String(repeating: "0", count: 12 - String(n).count))\(n)", account))
            }
        }
        #expect(keys.count == 15000)
    }

    @Test func lowPartIsNeverZero() {
        let k = EventKey(high: 5, low: 0)
        #expect(k.low != 0)
        #expect(k.high == 5)
        #expect(EventKey(high: 5, low: 9).low == 9)
    }

    @Test(arguments: [
        "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e", "3B8F3A1E-6A7D-4C2B-9D0E-1F2A3B4C5D6E", "3b8F3a1E-6A7d-4c2B-9D0e-1f2A3b4C5d6E",
        "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "a9edc959-9488-4790-be0f-05d60e56b547",
    ])
    func acceptsGUIDs(text: String) {
        #expect(isGUID(text))
    }

    @Test(arguments: [
        "", "EXAMPLE", "REDACTED", "redacted", "EXAMPLE-3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e",
        "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5dEXAMPLE", "3b8f3a1e-6a7d-4c2b-9d0e-EXAMPLE01234",
        "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6", "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e0",
        "3b8f3a1e6-a7d-4c2b-9d0e-1f2a3b4c5d6e", "3b8f3a1e-6a7d4-c2b-9d0e-1f2a3b4c5d6e",
        "3b8f3a1e-6a7d-4c2b9-d0e-1f2a3b4c5d6e", "3b8f3a1e-6a7d-4c2b-9d0e1-f2a3b4c5d6e",
        "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d-e", "3b8f3a1e06a7d04c2b09d0e01f2a3b4c5d6e",
        "3b8f3a1g-6a7d-4c2b-9d0e-1f2a3b4c5d6e", "{b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6}", "3b8f3a1e 6a7d 4c2b 9d0e 1f2a3b4c5d6e",
        "axxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6\u{e9}",
        "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6@", "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6`", "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6G",
    ])
    func rejectsNonGUIDs(text: String) {
        #expect(!isGUID(text), "\(text)")
    }
}
