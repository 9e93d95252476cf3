import CCurl
import Foundation
import VigilCore

/// One libcurl easy handle sending one message over SMTP, then freed: every message gets a
/// connection of its own (alerts are rare; a kept-alive SMTP session would have to survive the
/// server's idle timeout between them). Not thread-safe: made, used and released on one thread.
///
/// The message goes out through a read callback over the caller's bytes, as they are: libcurl only
/// adds the SMTP dot-stuffing and the final `CRLF.CRLF`. The envelope (`MAIL FROM`, `RCPT TO`) is
/// given separately from the message's own `From` and `To` headers.
final class CurlMail {
    private let handle: UnsafeMutableRawPointer
    private var upload = UnsafeRawBufferPointer(start: nil, count: 0)
    private var uploadOffset = 0

    init?() {
        _ = CurlEasy.globalInit
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// Sends `message` from `from` to `recipients` through the SMTP server at `url`.
    ///
    /// - Parameters:
    ///   - url: `smtp://host:port` (STARTTLS when the server offers it, or always with
    ///     `requireTLS`) or `smtps://host:port` (TLS from the first byte). Holds no credentials.
    ///   - username, password: for SMTP AUTH, given to libcurl as options, never in the URL. With no
    ///     username no AUTH is attempted.
    ///   - requireTLS: refuse to send over a connection that did not become TLS.
    ///   - connectTimeout, totalTimeout: seconds.
    func send(
        url: String, username: String?, password: String?, requireTLS: Bool, from: String, recipients: [String],
        message: [UInt8], connectTimeout: Double, totalTimeout: Double
    ) -> Result<Void, MailError> {
        uploadOffset = 0
        defer { upload = UnsafeRawBufferPointer(start: nil, count: 0) }
        var list: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { list = curl_slist_append(list, "<\(recipient)>") }
        defer { curl_slist_free_all(list) }
        let implicitTLS = url.lowercased().hasPrefix("smtps://")
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let code: CURLcode = message.withUnsafeBytes { messageBytes in
            errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                upload = messageBytes
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
                _ = vigil_curl_setopt_string(handle, CURLOPT_URL, url)
                _ = vigil_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                // Only the mail protocols: a configured URL of another scheme fails as malformed.
                _ = vigil_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps")
                if let username, !username.isEmpty {
                    _ = vigil_curl_setopt_string(handle, CURLOPT_USERNAME, username)
                    _ = vigil_curl_setopt_string(handle, CURLOPT_PASSWORD, password ?? "")
                }
                let useSSL = requireTLS || implicitTLS ? CURLUSESSL_ALL : CURLUSESSL_TRY
                _ = vigil_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(useSSL.rawValue))
                _ = vigil_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>")
                _ = vigil_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, list)
                _ = vigil_curl_setopt_long(handle, CURLOPT_UPLOAD, 1)
                _ = vigil_curl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(messageBytes.count))
                _ = vigil_curl_setopt_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
                    let mail = Unmanaged<CurlMail>.fromOpaque(context!).takeUnretainedValue()
                    let length = min(size * count, mail.upload.count - mail.uploadOffset)
                    guard length > 0, let buffer, let source = mail.upload.baseAddress else { return 0 }
                    UnsafeMutableRawPointer(buffer).copyMemory(from: source + mail.uploadOffset, byteCount: length)
                    mail.uploadOffset += length
                    return length
                }
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_READDATA, context)
                _ = vigil_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, SecondsConversion.milliseconds(connectTimeout))
                _ = vigil_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, SecondsConversion.milliseconds(totalTimeout))
                _ = vigil_curl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
                return curl_easy_perform(handle)
            }
        }
        _ = vigil_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
        _ = vigil_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
        guard code != CURLE_OK else { return .success(()) }
        var reply: Int = 0
        _ = vigil_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return .failure(MailError.classifying(curlCode: Int(code.rawValue), reply: reply, message: text, password: password))
    }
}
