/// How camera streams are opened, watched and reopened.
package struct CaptureConfiguration: Sendable, Equatable {
    /// RTSP lower transport: TCP (the default, robust through NAT and firewalls) or UDP.
    package enum Transport: String, Sendable, Equatable, CaseIterable {
        case tcp
        case udp
    }

    /// Default transport for cameras that do not name one. Default TCP.
    package var transport: Transport
    /// The cameras' expected keyframe (GOP) interval in seconds. Default 2.
    package var keyframeIntervalSeconds: Double
    /// A stream with no packet for this long is stalled and reopened. Default 2 × keyframe interval + 2.
    package var stallTimeoutSeconds: Double
    /// Seconds allowed to open a stream and read its description. Default 10.
    package var openTimeoutSeconds: Double
    /// First reconnect delay in seconds, doubled after each failure (with jitter). Default 1.
    package var reconnectInitialSeconds: Double
    /// Longest reconnect delay in seconds. Default 60.
    package var reconnectMaxSeconds: Double

    package init(
        transport: Transport = .tcp, keyframeIntervalSeconds: Double = 2, stallTimeoutSeconds: Double? = nil,
        openTimeoutSeconds: Double = 10, reconnectInitialSeconds: Double = 1, reconnectMaxSeconds: Double = 60
    ) {
        self.transport = transport
        self.keyframeIntervalSeconds = keyframeIntervalSeconds
        self.stallTimeoutSeconds = stallTimeoutSeconds ?? 2 * keyframeIntervalSeconds + 2
        self.openTimeoutSeconds = openTimeoutSeconds
        self.reconnectInitialSeconds = reconnectInitialSeconds
        self.reconnectMaxSeconds = reconnectMaxSeconds
    }

    static let keys = [
        "transport", "keyframe_interval_seconds", "stall_timeout_seconds", "open_timeout_seconds",
        "reconnect_initial_seconds", "reconnect_max_seconds",
    ]

    static func read(_ object: ConfigurationObject?) -> CaptureConfiguration {
        guard let object else { return CaptureConfiguration() }
        var result = CaptureConfiguration(
            transport: object.choice("transport", from: Transport.allCases.map(\.rawValue)).flatMap(Transport.init) ?? .tcp,
            keyframeIntervalSeconds: object.seconds("keyframe_interval_seconds", in: 0.04...60) ?? 2,
            stallTimeoutSeconds: object.seconds("stall_timeout_seconds", in: 0.5...600),
            openTimeoutSeconds: object.seconds("open_timeout_seconds", in: 0.5...120) ?? 10,
            reconnectInitialSeconds: object.seconds("reconnect_initial_seconds", in: 0.05...60) ?? 1,
            reconnectMaxSeconds: object.seconds("reconnect_max_seconds", in: 0.1...3600) ?? 60
        )
        if result.reconnectMaxSeconds < result.reconnectInitialSeconds {
            object.reader.report(
                object.path("reconnect_max_seconds"), line: object.line("reconnect_max_seconds"),
                "is shorter than reconnect_initial_seconds", hint: "make it at least \(result.reconnectInitialSeconds)")
            result.reconnectMaxSeconds = result.reconnectInitialSeconds
        }
        return result
    }
}
