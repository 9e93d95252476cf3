/// The names behind an alert's ids, as configured when it is delivered: what an e-mail's subject
/// and text say ("Till at Acme Garage") where a webhook's receiver gets the ids.
package struct AlertContext: Sendable, Equatable {
    package var clientName: String?
    package var cameraName: String?
    package var sourceName: String?
    /// Who sends the alert (the operator, `billing.seller.name`), for an e-mail's signature line.
    package var operatorName: String?

    package init(clientName: String? = nil, cameraName: String? = nil, sourceName: String? = nil, operatorName: String? = nil) {
        self.clientName = clientName
        self.cameraName = cameraName
        self.sourceName = sourceName
        self.operatorName = operatorName
    }
}
