import Crypto
package import Foundation

/// The signature a receiver checks to know a webhook came from Vigil, unchanged and recent.
///
/// `X-Vigil-Signature: sha256=<hex>` where hex is HMAC-SHA256, keyed with the webhook's secret, of
/// the bytes `"<timestamp>." + body`, and `X-Vigil-Timestamp: <timestamp>` (Unix seconds, taken at
/// each attempt). A receiver recomputes it over the raw body, compares in constant time and rejects
/// a timestamp more than a few minutes old (a replay).
package enum WebhookSignature {
    /// The hex HMAC of `timestamp` and `body` with `secret`.
    package static func hex(secret: String, timestamp: Int, body: [UInt8]) -> String {
        var message = Array("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }

    /// The two headers of an attempt made at `date`.
    package static func headers(secret: String, body: [UInt8], at date: Date) -> [String] {
        let timestamp = Int(date.timeIntervalSince1970.rounded(.down))
        return ["X-Vigil-Timestamp: \(timestamp)", "X-Vigil-Signature: sha256=\(hex(secret: secret, timestamp: timestamp, body: body))"]
    }
}
