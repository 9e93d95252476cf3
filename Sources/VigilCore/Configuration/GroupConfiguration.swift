/// Four cameras of one client analysed together as one 2x2 image.
///
/// The order of ``cameras`` is the order of the quadrants: top-left, top-right, bottom-left,
/// bottom-right. The Gemini prompt names them in that order.
package struct GroupConfiguration: Sendable, Equatable {
    /// Stable identifier (`shop-floor`), unique among cameras and groups.
    package var id: String
    /// Name shown in logs and reports; defaults to the id.
    package var name: String
    /// Exactly four camera ids of one client, in quadrant order.
    package var cameras: [String]
    /// The tier the group's call asks for; nil uses `gemini.service_tier`. The call is one request
    /// for all four cameras, so their own `service_tier` does not apply to it (a camera that sets a
    /// different one is refused when the file is read).
    package var serviceTier: ServiceTier?
    /// The resolution of the group's one image, the 2x2 tile; nil uses `gemini.media_resolution`.
    /// The cameras' own `media_resolution` does not apply to it, as for ``serviceTier``.
    package var mediaResolution: MediaResolution?

    /// How many cameras a group has: one per quadrant of a 2x2 tile.
    package static let size = 4

    package init(
        id: String, name: String? = nil, cameras: [String], serviceTier: ServiceTier? = nil, mediaResolution: MediaResolution? = nil
    ) {
        self.id = id
        self.name = name ?? id
        self.cameras = cameras
        self.serviceTier = serviceTier
        self.mediaResolution = mediaResolution
    }

    static let keys = ["id", "name", "cameras", "service_tier", "media_resolution"]

    static func read(_ object: ConfigurationObject) -> GroupConfiguration? {
        let id = object.identifier("id")
        let name = object.string("name")
        var cameras: [String]?
        if let elements = object.array("cameras", required: true) {
            var ids: [String] = []
            for (index, element) in elements.enumerated() {
                guard case .string(let cameraID) = element.value else {
                    object.reader.report(
                        "\(object.path("cameras"))[\(index)]", line: element.line,
                        "must be a camera id string, found \(element.kindDescription)")
                    continue
                }
                ids.append(cameraID)
            }
            if elements.count != size {
                object.reader.report(
                    object.path("cameras"), line: object.line("cameras"),
                    "has \(elements.count) camera\(elements.count == 1 ? "" : "s"); a group has exactly \(size), one per quadrant of the 2x2 image",
                    hint: "list four camera ids, or remove the group and let the cameras be analysed alone")
            } else if ids.count == size {
                cameras = ids
            }
        }
        let serviceTier = object.serviceTier("service_tier", otherwise: "gemini.service_tier")
        let mediaResolution = object.mediaResolution("media_resolution", otherwise: "gemini.media_resolution")
        guard let id, let cameras else { return nil }
        return GroupConfiguration(id: id, name: name, cameras: cameras, serviceTier: serviceTier, mediaResolution: mediaResolution)
    }

    /// Reports each camera of a group whose own `service_tier` or `media_resolution` differs from
    /// what the group's call uses (the group's own setting, else gemini's): the group's four
    /// cameras are sent in one request, which has one tier and one resolution, so the camera's
    /// setting could never apply. A camera that repeats the group's value is accepted.
    static func reportCameraSettings(
        groups: [(value: GroupConfiguration, path: String, line: Int)],
        cameras: [(value: CameraConfiguration, path: String, line: Int)], gemini: GeminiConfiguration, reader: ConfigurationReader
    ) {
        let cameraByID = Dictionary(cameras.map { ($0.value.id, $0) }, uniquingKeysWith: { first, _ in first })
        for group in groups {
            let tier = group.value.serviceTier ?? gemini.serviceTier
            let tierSource = group.value.serviceTier == nil ? " (gemini.service_tier)" : ""
            let resolution = group.value.mediaResolution ?? gemini.mediaResolutionLevel
            let resolutionSource =
                resolution.map { "\"\($0.rawValue)\"" + (group.value.mediaResolution == nil ? " (gemini.media_resolution)" : "") }
                ?? "the model's default resolution"
            let name = group.value.id.quotedAndEscaped()
            var seen: Set<String> = []
            for cameraID in group.value.cameras where seen.insert(cameraID).inserted {
                guard let camera = cameraByID[cameraID] else { continue }
                if let own = camera.value.serviceTier, own != tier {
                    reader.report(
                        "\(camera.path).service_tier", line: camera.line,
                        "is \"\(own.rawValue)\", but this camera is sent in the one call of the group \(name), "
                            + "which asks for \"\(tier.rawValue)\"\(tierSource)",
                        hint: "set \"service_tier\": \"\(own.rawValue)\" on the group \(name) instead (it applies to all four cameras), "
                            + "or remove it here")
                }
                if let own = camera.value.mediaResolution, own != resolution {
                    reader.report(
                        "\(camera.path).media_resolution", line: camera.line,
                        "is \"\(own.rawValue)\", but this camera is sent in the one image of the group \(name), which uses \(resolutionSource)",
                        hint: "set \"media_resolution\": \"\(own.rawValue)\" on the group \(name) instead (it applies to the whole 2x2 "
                            + "image), or remove it here")
                }
            }
        }
    }
}
