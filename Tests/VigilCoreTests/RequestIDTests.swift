import Foundation
import Testing
import VigilCore

struct RequestIDTests {
    @Test func requestIDsAreVersion7UUIDsThatSortByTime() throws {
        let earlier = RequestID.make(at: Date(timeIntervalSince1970: 1_790_000_000))
        let later = RequestID.make(at: Date(timeIntervalSince1970: 1_790_000_000.002))
        for id in [earlier, later] {
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "7")
            #expect("89ab".contains(Array(id)[19]))
        }
        #expect(earlier < later)
        #expect(earlier.hasPrefix("01a0c450-6c00"))  // 1,790,000,000,000 ms = 0x01a0c4506c00
        let many = Set((0..<10_000).map { _ in RequestID.make(at: Date(timeIntervalSince1970: 1_790_000_000)) })
        #expect(many.count == 10_000)
    }
}
