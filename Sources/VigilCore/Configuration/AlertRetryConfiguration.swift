/// How an alert that could not be delivered is retried (`alerts.retry`): with exponential backoff
/// from ``initialSeconds`` doubling to ``maxSeconds``, until ``giveUpAfterHours`` after the incident.
package struct AlertRetryConfiguration: Sendable, Equatable {
    /// The first wait, in seconds. Default 5; 0.1 to 3,600.
    package var initialSeconds: Double
    /// The longest wait, in seconds. Default 1,800; at least ``initialSeconds``, at most 86,400.
    package var maxSeconds: Double
    /// Hours after which delivery is abandoned. Default 48; at least 24 (alerts are promised a
    /// day of retries, long enough to outlast a receiver's night or weekend outage), at most 8,760.
    package var giveUpAfterHours: Double

    /// The shortest ``giveUpAfterHours`` allowed: 24.
    package static let minimumGiveUpAfterHours = 24.0

    package init(initialSeconds: Double = 5, maxSeconds: Double = 1800, giveUpAfterHours: Double = 48) {
        self.initialSeconds = initialSeconds
        self.maxSeconds = maxSeconds
        self.giveUpAfterHours = giveUpAfterHours
    }

    static let keys = ["initial_seconds", "max_seconds", "give_up_after_hours"]

    static func read(_ object: ConfigurationObject?) -> AlertRetryConfiguration {
        var result = AlertRetryConfiguration()
        guard let object else { return result }
        if let value = object.seconds("initial_seconds", in: 0.1...3600) { result.initialSeconds = value }
        if let value = object.seconds("max_seconds", in: 0.1...86_400) {
            if value >= result.initialSeconds {
                result.maxSeconds = value
            } else {
                object.reader.report(
                    object.path("max_seconds"), line: object.line("max_seconds"),
                    "is less than initial_seconds (\(result.initialSeconds) s)", hint: "the longest wait cannot be shorter than the first")
            }
        } else if result.maxSeconds < result.initialSeconds && !object.has("max_seconds") {
            result.maxSeconds = result.initialSeconds
        }
        if let hours = object.number("give_up_after_hours", in: 0...8760, unit: " h") {
            if hours >= minimumGiveUpAfterHours {
                result.giveUpAfterHours = hours
            } else {
                object.reader.report(
                    object.path("give_up_after_hours"), line: object.line("give_up_after_hours"),
                    "is less than 24 h: Vigil promises at least 24 hours of retries before an alert is given up",
                    hint: "write 24 or more (default 48)")
            }
        }
        return result
    }
}
