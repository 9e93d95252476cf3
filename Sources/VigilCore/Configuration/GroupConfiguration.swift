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

    /// How many cameras a group has: one per quadrant of a 2x2 tile.
    package static let size = 4

    package init(id: String, name: String? = nil, cameras: [String]) {
        self.id = id
        self.name = name ?? id
        self.cameras = cameras
    }

    static let keys = ["id", "name", "cameras"]

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
        guard let id, let cameras else { return nil }
        return GroupConfiguration(id: id, name: name, cameras: cameras)
    }
}
