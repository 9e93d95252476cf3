/// The lease a call is made under in cluster mode: the node and its epoch on the source, written on
/// the call's row (`api_usage.node`, `lease_epoch`).
package struct SourceLease: Sendable, Equatable {
    package var node: String
    package var epoch: Int64

    package init(node: String, epoch: Int64) {
        self.node = node
        self.epoch = epoch
    }
}
