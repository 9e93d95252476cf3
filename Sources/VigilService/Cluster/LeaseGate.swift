package import VigilCore

/// Cluster leases as a stage of every analysis: a sample goes only while this node may use its
/// source's lease (``ClusterMembership/usableLease(_:)``), and the candidate carries the node and
/// epoch onto its rows. Checked again before every attempt, so a retry never goes out under a
/// lease that lapsed meanwhile.
package struct LeaseGate: AnalysisStage {
    package var membership: ClusterMembership

    package init(membership: ClusterMembership) {
        self.membership = membership
    }

    package func admit(_ candidate: inout AnalysisCandidate) async -> String? {
        guard let epoch = membership.usableLease(candidate.source.id) else { return "no usable lease on this source" }
        candidate.lease = SourceLease(node: membership.node, epoch: epoch)
        return nil
    }

    package func mayAttempt(_ candidate: AnalysisCandidate) async -> String? {
        guard let lease = candidate.lease, membership.usableLease(candidate.source.id) == lease.epoch else {
            return "the lease on this source lapsed"
        }
        return nil
    }
}
