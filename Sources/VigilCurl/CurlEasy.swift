import CCurl
import Foundation

/// One libcurl easy handle, reused for every request made on its thread so its connection stays
/// open (keep-alive; HTTP/2 over TLS where the server offers it). Not thread-safe.
///
/// **One request on the wire per ``post(url:headers:body:connectTimeout:totalTimeout:maxResponseBytes:)``.**
/// libcurl (7.88 as on Debian 12, and later) re-sends a request by itself when it went out on a
/// reused connection and nothing came back before the connection closed ("Connection died,
/// retrying a fresh connect", `Curl_retry_request`; also after an HTTP/2 `REFUSED_STREAM`), up to
/// five times, inside one `curl_easy_perform`. For a POST the server may already have received,
/// and billed, the first copy: it saw two requests where Vigil reported one attempt. Counting the
/// re-sends afterwards (`CURLINFO_NUM_CONNECTS` is 1 either way; only a debug callback sees the
/// second request go out) would still put a second request on the wire before the first attempt is
/// recorded, so Vigil stops the re-send instead: the body goes out through a read callback, not
/// `CURLOPT_POSTFIELDS`, and before re-sending a body it has started to send libcurl must rewind
/// it through the seek callback, which refuses (`CURLE_SEND_FAIL_REWIND`). The transfer then fails
/// as a broken connection that reached the server — one attempt, one row — and the retry, if the
/// ``RetryPolicy`` allows one, is Vigil's own: recorded, counted, after its backoff. Keep-alive stays
/// (`CURLOPT_FORBID_REUSE` would also prevent the re-send, at the price of a new TLS handshake per
/// call). A re-send of a request whose body had not started to go out (its headers broke on a
/// dead connection) is still made by libcurl: the server never had a whole request, so it is the
/// same attempt.
///
/// **Bounded bodies.** The body is collected up to a limit per request; the write callback stops
/// the transfer once it would exceed it (`CURLOPT_MAXFILESIZE_LARGE` also refuses a declared
/// `Content-Length` above it before any body comes). Between requests the handle keeps no body
/// buffer: the one filled is handed to the response, so one large answer does not keep its
/// megabytes for the life of the thread.
package final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private var body: [UInt8] = []
    private var bodyLimit = Int.max
    private var bodyTooLarge = false
    private var retryAfter: String?
    private var upload = UnsafeRawBufferPointer(start: nil, count: 0)
    private var uploadOffset = 0
    private var resendRefused = false

    /// The capacity of the body buffer the handle holds between requests (0: none).
    package var retainedBufferCapacity: Int { body.capacity }

    /// The capacity reserved for a response body before it arrives: a verdict answer fits.
    package static let initialBodyCapacity = 16_384

    /// One-time global initialisation, before any thread creates a handle.
    static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    package init?() {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// POSTs `body` to `url` with `headers` and returns the response, or why there was none.
    ///
    /// - Parameters:
    ///   - connectTimeout, totalTimeout: seconds.
    ///   - maxResponseBytes: most body bytes (decoded) accepted; a longer body fails the request
    ///     with ``TransportError/Kind/responseTooLarge``.
    package func post(
        url: String, headers: [String], body requestBody: [UInt8], connectTimeout: Double, totalTimeout: Double,
        maxResponseBytes: Int
    ) -> Result<HTTPResponse, TransportError> {
        body = []
        body.reserveCapacity(min(Self.initialBodyCapacity, max(maxResponseBytes, 0)))
        bodyLimit = max(maxResponseBytes, 0)
        bodyTooLarge = false
        retryAfter = nil
        resendRefused = false
        uploadOffset = 0
        defer {
            body = []
            upload = UnsafeRawBufferPointer(start: nil, count: 0)
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let code: CURLcode = requestBody.withUnsafeBytes { bodyBytes in
            errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                upload = bodyBytes
                _ = vigil_curl_setopt_string(handle, CURLOPT_URL, url)
                _ = vigil_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                _ = vigil_curl_setopt_long(handle, CURLOPT_POST, 1)
                // The body is read through the callbacks below, never from POSTFIELDS, so libcurl
                // cannot re-send it on its own (see the type's documentation).
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, nil)
                _ = vigil_curl_setopt_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
                    let easy = Unmanaged<CurlEasy>.fromOpaque(context!).takeUnretainedValue()
                    let wanted = size * count
                    let left = easy.upload.count - easy.uploadOffset
                    let length = min(wanted, left)
                    if length > 0, let buffer, let source = easy.upload.baseAddress {
                        UnsafeMutableRawPointer(buffer).copyMemory(from: source + easy.uploadOffset, byteCount: length)
                        easy.uploadOffset += length
                    }
                    return max(length, 0)
                }
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_READDATA, context)
                _ = vigil_curl_setopt_seek_callback(handle, CURLOPT_SEEKFUNCTION) { context, _, _ in
                    // libcurl only rewinds to send the body again: refuse, so it cannot.
                    let easy = Unmanaged<CurlEasy>.fromOpaque(context!).takeUnretainedValue()
                    easy.resendRefused = true
                    return CURL_SEEKFUNC_FAIL
                }
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_SEEKDATA, context)
                _ = vigil_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyBytes.count))
                _ = vigil_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
                _ = vigil_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, SecondsConversion.milliseconds(connectTimeout))
                _ = vigil_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, SecondsConversion.milliseconds(totalTimeout))
                _ = vigil_curl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
                _ = vigil_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
                _ = vigil_curl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
                _ = vigil_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
                _ = vigil_curl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(bodyLimit))
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
                _ = vigil_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                    let easy = Unmanaged<CurlEasy>.fromOpaque(context!).takeUnretainedValue()
                    let total = size * count
                    guard total <= easy.bodyLimit - easy.body.count else {
                        // Returning less than was given makes libcurl stop with CURLE_WRITE_ERROR.
                        easy.bodyTooLarge = true
                        return 0
                    }
                    if let data { easy.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: total)) }
                    return total
                }
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
                _ = vigil_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                    let easy = Unmanaged<CurlEasy>.fromOpaque(context!).takeUnretainedValue()
                    let total = size * count
                    let name = "retry-after:"
                    if let data, total > name.utf8.count {
                        let line = UnsafeRawBufferPointer(start: data, count: total)
                        if String(decoding: line.prefix(name.utf8.count), as: UTF8.self).lowercased() == name {
                            easy.retryAfter = String(decoding: line.dropFirst(name.utf8.count).prefix(256), as: UTF8.self)
                                .trimmingCharacters(in: .whitespacesAndNewlines)
                        }
                    }
                    return total
                }
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
                return curl_easy_perform(handle)
            }
        }
        _ = vigil_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
        _ = vigil_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)
        var status: Int = 0
        _ = vigil_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard code == CURLE_OK else {
            var uploaded: curl_off_t = 0
            _ = vigil_curl_getinfo_off_t(handle, CURLINFO_SIZE_UPLOAD_T, &uploaded)
            var headerBytes: Int = 0
            _ = vigil_curl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &headerBytes)
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            var requestSent = uploaded > 0 || headerBytes > 0
            let kind: TransportError.Kind
            switch code {
            case CURLE_OPERATION_TIMEDOUT: kind = .timeout
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR:
                kind = .connect
            case CURLE_WRITE_ERROR where bodyTooLarge, CURLE_FILESIZE_EXCEEDED:
                kind = .responseTooLarge
                requestSent = true
                message = "the response body is larger than the limit (\(bodyLimit) bytes); transfer abandoned"
            case CURLE_SEND_FAIL_REWIND where resendRefused:
                // The request went out whole or in part on a kept-alive connection that then closed
                // without an answer; libcurl wanted to send it again and was not let.
                kind = .network
                requestSent = true
                message = "the connection closed without an answer (the request was not sent again)"
            default: kind = .network
            }
            return .failure(
                TransportError(kind: kind, message: message, requestSent: requestSent, statusCode: status > 0 ? status : nil))
        }
        return .success(HTTPResponse(status: status, body: body, retryAfter: retryAfter, receivedAt: Date()))
    }
}
