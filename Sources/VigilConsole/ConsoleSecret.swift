import Crypto
package import Foundation

/// API tokens, session ids and CSRF tokens: random values, and the SHA-256 by which tokens and
/// sessions are stored (the database never holds the values themselves).
package enum ConsoleSecret {
    /// Every API token starts with this.
    package static let tokenPrefix = "vgl_"

    /// A new API token: `vgl_` and 32 random bytes in base64url without padding.
    package static func newToken() -> String { tokenPrefix + random(bytes: 32) }

    /// `bytes` random bytes from the system's cryptographic generator, base64url without padding.
    package static func random(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 of `text`'s UTF-8, as 64 lowercase hex digits.
    package static func hashHex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Compares two secrets in time independent of where they differ.
    package static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
