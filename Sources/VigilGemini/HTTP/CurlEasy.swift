import CCurl
import Foundation

/// One libcurl easy handle, reused for every request made on its thread so its connection stays
/// open (keep-alive; HTTP/2 over TLS where the server offers it). Not thread-safe.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private var body: [UInt8] = []
    private var retryAfter: Double?

    /// One-time global initialisation, before any thread creates a handle.
    static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    init?() {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// POSTs `body` to `url` with `headers` and returns the response, or why there was none.
    func post(url: String, headers: [String], body requestBody: [UInt8], connectTimeout: Double, totalTimeout: Double)
        -> Result<HTTPResponse, TransportError>
    {
        body.removeAll(keepingCapacity: true)
        retryAfter = nil
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let code: CURLcode = requestBody.withUnsafeBufferPointer { bodyPointer in
            errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                _ = vigil_curl_setopt_string(handle, CURLOPT_URL, url)
                _ = vigil_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                _ = vigil_curl_setopt_long(handle, CURLOPT_POST, 1)
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bodyPointer.baseAddress))
                _ = vigil_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyPointer.count))
                _ = vigil_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
                _ = vigil_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000))
                _ = vigil_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(totalTimeout * 1000))
                _ = vigil_curl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
                _ = vigil_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
                _ = vigil_curl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
                _ = vigil_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
                _ = vigil_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                    let easy = Unmanaged<CurlEasy>.fromOpaque(context!).takeUnretainedValue()
                    let total = size * count
                    if let data { easy.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: total)) }
                    return total
                }
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
                _ = vigil_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                    let easy = Unmanaged<CurlEasy>.fromOpaque(context!).takeUnretainedValue()
                    let total = size * count
                    if let data {
                        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: total), as: UTF8.self)
                        if line.lowercased().hasPrefix("retry-after:") {
                            easy.retryAfter = Double(line.dropFirst("retry-after:".count).trimmingCharacters(in: .whitespacesAndNewlines))
                        }
                    }
                    return total
                }
                _ = vigil_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
                return curl_easy_perform(handle)
            }
        }
        _ = vigil_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
        _ = vigil_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, nil)
        _ = vigil_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)
        guard code == CURLE_OK else {
            var uploaded: curl_off_t = 0
            _ = vigil_curl_getinfo_off_t(handle, CURLINFO_SIZE_UPLOAD_T, &uploaded)
            var headerBytes: Int = 0
            _ = vigil_curl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &headerBytes)
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            let kind: TransportError.Kind
            switch code {
            case CURLE_OPERATION_TIMEDOUT: kind = .timeout
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR:
                kind = .connect
            default: kind = .network
            }
            return .failure(TransportError(kind: kind, message: message, requestSent: uploaded > 0 || headerBytes > 0))
        }
        var status: Int = 0
        _ = vigil_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, body: body, retryAfterSeconds: retryAfter))
    }
}
