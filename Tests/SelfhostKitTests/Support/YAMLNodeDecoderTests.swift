import Foundation
import Testing
@testable import SelfhostKit

@Suite("YAML node decoder")
struct YAMLNodeDecoderTests {
    struct Doc: Decodable, Equatable {
        struct Item: Decodable, Equatable {
            var name: String
            var size: Int?
        }
        var title: String
        var count: Int
        var on: Bool
        var items: [Item]
        var ports: [Int: String]
        var optional: String?
    }

    @Test func decodesThroughTheOneParser() throws {
        let text = "title: T\ncount: 3\non: true\nitems:\n  - name: a\n    size: 2\n  - name: b\nports:\n  1935: rtmp\noptional: ~\n"
        let doc = try YAMLNodeDecoder.decode(Doc.self, from: text, file: "d.yaml", what: "a doc")
        #expect(doc == Doc(title: "T", count: 3, on: true, items: [.init(name: "a", size: 2), .init(name: "b", size: nil)],
                           ports: [1935: "rtmp"], optional: nil))
    }

    @Test("a wrong type or a missing key is refused at its position, worded as every reader words it")
    func locatedErrors() {
        func error(_ text: String) -> SelfhostError? {
            do { _ = try YAMLNodeDecoder.decode(Doc.self, from: text, file: "d.yaml", what: "a doc"); return nil } catch { return error as? SelfhostError }
        }
        let base = "title: T\ncount: 3\non: true\nports: {}\n"
        let wrongInt = error(base.replacingOccurrences(of: "count: 3", with: "count: three") + "items: []\n")
        #expect(wrongInt?.message == "'count' must be an integer")
        #expect(wrongInt?.location?.line == 2)
        let nested = error(base + "items:\n  - name: a\n    size: big\n")
        #expect(nested?.message == "'items[0].size' must be an integer")
        #expect(nested?.location?.line == 7)
        let missing = error(base)
        #expect(missing?.message == "missing required key 'items' in document")
        let syntax = error("title: [\n")
        #expect(syntax?.location?.file == "d.yaml")
        #expect(error("")?.message == "d.yaml is empty")
    }
}
