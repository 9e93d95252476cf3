/// Where `/metrics`, `/healthz` and `/readyz` are served.
package struct HTTPConfiguration: Sendable, Equatable {
    /// Address to listen on. Default `127.0.0.1:9464` (loopback only).
    package var listenHost: String
    package var listenPort: Int

    package init(listenHost: String = "127.0.0.1", listenPort: Int = 9464) {
        self.listenHost = listenHost
        self.listenPort = listenPort
    }

    /// `host:port` as configured.
    package var listen: String { listenHost.contains(":") ? "[\(listenHost)]:\(listenPort)" : "\(listenHost):\(listenPort)" }

    static let keys = ["listen"]

    static func read(_ object: ConfigurationObject?) -> HTTPConfiguration {
        readListen(object, default: HTTPConfiguration())
    }

    /// The `listen` key of `object` (`http`, `console`), `fallback` when it is absent or wrong (and
    /// then reported, with an example on the fallback's port).
    static func readListen(_ object: ConfigurationObject?, default fallback: HTTPConfiguration) -> HTTPConfiguration {
        guard let object, let listen = object.string("listen") else { return fallback }
        guard let parsed = parse(listen) else {
            object.reader.report(
                object.path("listen"), line: object.line("listen"), "\"\(listen)\" is not HOST:PORT",
                hint: "for example 127.0.0.1:\(fallback.listenPort), or [::1]:\(fallback.listenPort); port 0 picks a free one")
            return fallback
        }
        return parsed
    }

    /// Parses `host:port` or `[v6]:port`; port 0 to 65535.
    package static func parse(_ text: String) -> HTTPConfiguration? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        return HTTPConfiguration(listenHost: String(host), listenPort: port)
    }
}
