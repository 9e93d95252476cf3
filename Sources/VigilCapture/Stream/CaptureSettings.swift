package import VigilCore

/// How one camera is captured: transport, timeouts, reconnect backoff, and the sampling interval
/// that decides between keyframes-only and all-frames decoding.
package struct CaptureSettings: Sendable, Equatable {
    package var transport: CaptureConfiguration.Transport
    package var openTimeout: Double
    package var stallTimeout: Double
    package var keyframeInterval: Double
    package var backoff: ExponentialBackoff
    /// Seconds between samples of this camera.
    package var samplingInterval: Double
    /// Loop a file at its end (true), or stop (false).
    package var loopFiles: Bool

    package init(
        transport: CaptureConfiguration.Transport = .tcp, openTimeout: Double = 10, stallTimeout: Double = 6,
        keyframeInterval: Double = 2, backoff: ExponentialBackoff = ExponentialBackoff(initial: 1, cap: 60),
        samplingInterval: Double = 10, loopFiles: Bool = true
    ) {
        self.transport = transport
        self.openTimeout = openTimeout
        self.stallTimeout = stallTimeout
        self.keyframeInterval = keyframeInterval
        self.backoff = backoff
        self.samplingInterval = samplingInterval
        self.loopFiles = loopFiles
    }

    /// The settings for `camera` under a whole configuration.
    package init(camera: CameraConfiguration, configuration: VigilConfiguration) {
        self.init(
            transport: camera.transport ?? configuration.capture.transport,
            openTimeout: configuration.capture.openTimeoutSeconds,
            stallTimeout: configuration.capture.stallTimeoutSeconds,
            keyframeInterval: configuration.capture.keyframeIntervalSeconds,
            backoff: ExponentialBackoff(
                initial: configuration.capture.reconnectInitialSeconds,
                cap: configuration.capture.reconnectMaxSeconds),
            samplingInterval: configuration.analysis.intervalSeconds)
    }
}
