package import Foundation

/// One analysis source (a group or a camera) and its lease, as `vigil cluster status` shows it: a
/// configured source, or one that still has a lease row but is no longer configured. Its text is not
/// escaped: showing it safely is the caller's job.
package struct ClusterSourceStatus: Sendable, Equatable, Encodable {
    /// The id in `source_leases.source_id` and `api_usage.source_id`.
    package var source: String
    /// `camera` or `group` when the configuration names it; nil otherwise.
    package var kind: String?
    /// Whether the configuration has it; nil when no configuration was read.
    package var configured: Bool?
    /// The node holding an unexpired lease on it; nil when unowned (no lease, or it expired).
    package var owner: String?
    /// That node's state (``ClusterNodeStatus/State``), when it has a row.
    package var ownerState: ClusterNodeStatus.State?
    /// The epoch of its lease row (the current owner's, or the last one's when expired); nil without a row.
    package var epoch: Int64?
    /// The node of its lease row, even when expired; nil without a row.
    package var lastNode: String?
    /// When its lease row ends (or ended), by the database's clock.
    package var expiresAt: Date?
    /// Seconds until the lease ends (the database's clock); nil when unowned.
    package var secondsLeft: Double?

    /// No node holds it.
    package var isUnowned: Bool { owner == nil }

    package init(
        source: String, kind: String? = nil, configured: Bool? = nil, owner: String? = nil, ownerState: ClusterNodeStatus.State? = nil,
        epoch: Int64? = nil, lastNode: String? = nil, expiresAt: Date? = nil, secondsLeft: Double? = nil
    ) {
        self.source = source
        self.kind = kind
        self.configured = configured
        self.owner = owner
        self.ownerState = ownerState
        self.epoch = epoch
        self.lastNode = lastNode
        self.expiresAt = expiresAt
        self.secondsLeft = secondsLeft
    }

    enum CodingKeys: String, CodingKey {
        case source, kind, configured, owner, epoch, state
        case ownerState = "owner_state"
        case lastNode = "last_node"
        case expiresAt = "expires_at"
        case secondsLeft = "seconds_left"
    }

    /// Snake-case keys, `state` `held` or `unowned`; an absent value is written as `null`, not left out.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(kind, forKey: .kind)
        try container.encode(configured, forKey: .configured)
        try container.encode(isUnowned ? "unowned" : "held", forKey: .state)
        try container.encode(owner, forKey: .owner)
        try container.encode(ownerState, forKey: .ownerState)
        try container.encode(epoch, forKey: .epoch)
        try container.encode(lastNode, forKey: .lastNode)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(secondsLeft.map(ClusterStatus.rounded), forKey: .secondsLeft)
    }
}
