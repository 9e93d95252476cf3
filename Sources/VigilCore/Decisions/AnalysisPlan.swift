/// Which calls are made each interval: one per group of four, one per camera outside a group.
///
/// Configured groups come first, in file order. With `analysis.auto_group`, each client's remaining
/// enabled cameras are tiled in fours in configuration order (group id `auto-` followed by the first
/// camera's id), and the remainder go alone. Disabled cameras are not analysed on their own; in a
/// configured group their quadrant stays dark.
package struct AnalysisPlan: Sendable, Equatable {
    /// The sources, in the order they are analysed.
    package var sources: [AnalysisSource]

    package init(sources: [AnalysisSource]) { self.sources = sources }

    /// The plan for a validated configuration.
    package init(_ configuration: VigilConfiguration) {
        let cameraByID = Dictionary(configuration.cameras.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var sources: [AnalysisSource] = []
        var grouped: Set<String> = []
        for group in configuration.groups {
            let cameras = group.cameras.compactMap { cameraByID[$0] }
            guard cameras.count == GroupConfiguration.size, cameras.contains(where: \.enabled) else { continue }
            grouped.formUnion(group.cameras)
            sources.append(.group(group, cameras))
        }
        let remaining = configuration.cameras.filter { $0.enabled && !grouped.contains($0.id) }
        guard configuration.analysis.autoGroup else {
            sources += remaining.map(AnalysisSource.camera)
            self.sources = sources
            return
        }
        for client in configuration.clients {
            let cameras = remaining.filter { $0.client == client.id }
            let fullGroups = cameras.count / GroupConfiguration.size
            for index in 0..<fullGroups {
                let members = Array(cameras[index * GroupConfiguration.size..<(index + 1) * GroupConfiguration.size])
                let group = GroupConfiguration(
                    id: "auto-\(members[0].id)", name: "auto \(members.map(\.name).joined(separator: ", "))",
                    cameras: members.map(\.id))
                sources.append(.group(group, members))
            }
            sources += cameras[(fullGroups * GroupConfiguration.size)...].map(AnalysisSource.camera)
        }
        self.sources = sources
    }

    /// The cameras that must be captured: every enabled camera of any source.
    package var cameras: [CameraConfiguration] {
        var seen: Set<String> = []
        return sources.flatMap(\.cameras).filter { $0.enabled && seen.insert($0.id).inserted }
    }
}
