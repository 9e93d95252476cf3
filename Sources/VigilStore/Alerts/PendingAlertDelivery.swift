package import VigilCore

/// A delivery due now, claimed by this sender: the alert, its channel and where it is held.
package struct PendingAlertDelivery: Sendable, Equatable {
    package enum Holder: Sendable, Equatable {
        /// A row of `alert_deliveries`, claimed for a few minutes (another sender skips it).
        case database
        /// The spool, while PostgreSQL is unreachable.
        case spool
    }

    package var alert: Alert
    package var state: AlertDeliveryState
    package var holder: Holder

    package init(alert: Alert, state: AlertDeliveryState, holder: Holder) {
        self.alert = alert
        self.state = state
        self.holder = holder
    }
}
