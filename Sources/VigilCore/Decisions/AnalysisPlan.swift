/// Which calls are made each interval: one per group of four, one per camera outside a group.
///
/// Configured groups come first, in file order. With `analysis.auto_group`, each client's remaining
/// enabled cameras are tiled in fours (group id `auto-` followed by the first camera's id), and the
/// remainder go alone, in configuration order. A group is one request with one service tier and one
/// image resolution, so an auto group joins only cameras whose calls would use the same ones (their
/// own `service_tier` and `media_resolution`, else gemini's): a client's cameras are split by those
/// two, in order of their first camera, and each part is tiled in configuration order; when all
/// cameras share them, as without any per-camera setting, this is plain tiling in fours. An auto
/// group carries the tier and resolution its cameras set, when all four set the same, and
/// otherwise none (so gemini's, which is then what the cameras use too). Disabled cameras are not
/// analysed on their own; in a configured group their quadrant stays dark.
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
            var alone: [Int] = []
            for part in Self.partsBySettings(cameras, gemini: configuration.gemini) {
                let fullGroups = part.count / GroupConfiguration.size
                for index in 0..<fullGroups {
                    let members = part[index * GroupConfiguration.size..<(index + 1) * GroupConfiguration.size].map { cameras[$0] }
                    let group = GroupConfiguration(
                        id: "auto-\(members[0].id)", name: "auto \(members.map(\.name).joined(separator: ", "))",
                        cameras: members.map(\.id), serviceTier: Self.shared(members.map(\.serviceTier)),
                        mediaResolution: Self.shared(members.map(\.mediaResolution)))
                    sources.append(.group(group, members))
                }
                alone += part[(fullGroups * GroupConfiguration.size)...]
            }
            sources += alone.sorted().map { AnalysisSource.camera(cameras[$0]) }
        }
        self.sources = sources
    }

    /// The indexes of `cameras` split by the service tier and media resolution their calls would
    /// use, each part in configuration order, the parts in order of their first camera.
    private static func partsBySettings(_ cameras: [CameraConfiguration], gemini: GeminiConfiguration) -> [[Int]] {
        var parts: [(tier: ServiceTier, resolution: MediaResolution?, indexes: [Int])] = []
        for (index, camera) in cameras.enumerated() {
            let tier = camera.serviceTier ?? gemini.serviceTier
            let resolution = camera.mediaResolution ?? gemini.mediaResolutionLevel
            if let part = parts.firstIndex(where: { $0.tier == tier && $0.resolution == resolution }) {
                parts[part].indexes.append(index)
            } else {
                parts.append((tier, resolution, [index]))
            }
        }
        return parts.map(\.indexes)
    }

    /// The value every element has, if they are all the same; otherwise nil.
    private static func shared<T: Equatable>(_ values: [T?]) -> T? {
        guard let first = values.first, values.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// The cameras that must be captured: every enabled camera of any source.
    package var cameras: [CameraConfiguration] {
        var seen: Set<String> = []
        return sources.flatMap(\.cameras).filter { $0.enabled && seen.insert($0.id).inserted }
    }
}
