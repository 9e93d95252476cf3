/// Everything `vigil` reads from its JSON configuration file, validated.
///
/// Build one with ``ConfigurationLoader``; a value of this type has passed every check (ids unique,
/// references resolved, groups of four cameras of one client, URLs parsed, camera file paths existing).
package struct VigilConfiguration: Sendable, Equatable {
    package var database: DatabaseConfiguration
    package var gemini: GeminiConfiguration
    package var analysis: AnalysisConfiguration
    package var capture: CaptureConfiguration
    package var http: HTTPConfiguration
    package var clients: [ClientConfiguration]
    package var cameras: [CameraConfiguration]
    package var groups: [GroupConfiguration]
    /// The seller, payment terms and numbering of invoices.
    package var billing: BillingConfiguration
    /// Alerts: rules, destinations, retries and evidence. All defaults when the file has no `alerts`.
    package var alerts: AlertsConfiguration
    /// Several daemons sharing the sources through PostgreSQL. Off when the file has no `cluster`.
    package var cluster: ClusterConfiguration
    /// The web console of `vigil serve`. Defaults when the file has no `console`.
    package var console = ConsoleConfiguration()

    package init(
        database: DatabaseConfiguration = DatabaseConfiguration(), gemini: GeminiConfiguration = GeminiConfiguration(),
        analysis: AnalysisConfiguration = AnalysisConfiguration(), capture: CaptureConfiguration = CaptureConfiguration(),
        http: HTTPConfiguration = HTTPConfiguration(), clients: [ClientConfiguration] = [],
        cameras: [CameraConfiguration] = [], groups: [GroupConfiguration] = [], billing: BillingConfiguration = BillingConfiguration(),
        alerts: AlertsConfiguration = AlertsConfiguration(), cluster: ClusterConfiguration = ClusterConfiguration()
    ) {
        self.database = database
        self.gemini = gemini
        self.analysis = analysis
        self.capture = capture
        self.http = http
        self.clients = clients
        self.cameras = cameras
        self.groups = groups
        self.billing = billing
        self.alerts = alerts
        self.cluster = cluster
    }

    /// The client with this id, if configured.
    package func client(_ id: String) -> ClientConfiguration? { clients.first { $0.id == id } }
    /// The camera with this id, if configured.
    package func camera(_ id: String) -> CameraConfiguration? { cameras.first { $0.id == id } }

    /// The alert rules for a client's incidents: the operator's (`alerts`) with those the client
    /// overrides (`clients[].alerts`); the operator's alone for nil or an unknown client.
    package func alertRules(for clientID: String?) -> AlertRules {
        guard let clientID, let overrides = client(clientID)?.alerts else { return alerts.rules }
        return alerts.rules.overridden(by: overrides)
    }

    /// Every secret the configuration holds (RTSP passwords, the database password, webhook
    /// secrets, the SMTP password), for a ``SecretRedactor``.
    package var secrets: [String] {
        var secrets = cameras.flatMap(\.url.secrets)
        if let url = database.url, let password = DatabasePassword.extract(from: url) { secrets.append(password) }
        secrets += alerts.secrets
        secrets += clients.flatMap { $0.alerts?.webhooks.map(\.secret) ?? [] }
        return secrets
    }

    static let keys = [
        "database", "gemini", "analysis", "capture", "http", "clients", "cameras", "groups", "billing", "alerts", "cluster", "console",
    ]

    /// Reads and cross-checks a whole document, reporting problems to `reader`.
    static func read(_ root: JSONNode, reader: ConfigurationReader) -> VigilConfiguration? {
        guard let object = reader.object(root, at: "", keys: keys) else { return nil }
        var configuration = VigilConfiguration(
            database: DatabaseConfiguration.read(object.object("database", keys: DatabaseConfiguration.keys)),
            gemini: GeminiConfiguration.read(object.object("gemini", keys: GeminiConfiguration.keys)),
            analysis: AnalysisConfiguration.read(object.object("analysis", keys: AnalysisConfiguration.keys)),
            capture: CaptureConfiguration.read(object.object("capture", keys: CaptureConfiguration.keys)),
            http: HTTPConfiguration.read(object.object("http", keys: HTTPConfiguration.keys)),
            billing: BillingConfiguration.read(object.object("billing", keys: BillingConfiguration.keys))
        )
        let alerts = object.object("alerts", keys: AlertsConfiguration.keys)
        configuration.alerts = AlertsConfiguration.read(alerts)
        configuration.cluster = ClusterConfiguration.read(object.object("cluster", keys: ClusterConfiguration.keys))
        configuration.console = ConsoleConfiguration.read(object.object("console", keys: ConsoleConfiguration.keys))
        let clients = readList(object, "clients", required: true, keys: ClientConfiguration.keys, ClientConfiguration.read)
        let cameras = readList(object, "cameras", required: true, keys: CameraConfiguration.keys, CameraConfiguration.read)
        let groups = readList(object, "groups", required: false, keys: GroupConfiguration.keys, GroupConfiguration.read)
        configuration.clients = clients.map(\.value)
        configuration.cameras = cameras.map(\.value)
        configuration.groups = groups.map(\.value)
        if configuration.clients.isEmpty, object.array("clients")?.isEmpty == true {
            reader.report(
                "clients", line: object.line("clients"), "is empty",
                hint: "add at least one client: {\"id\": \"acme\", \"name\": \"Acme Ltd\"}")
        }
        crossCheck(configuration, clients: clients, cameras: cameras, groups: groups, reader: reader)
        if alerts?.has("smtp") != true {
            for client in clients where client.value.alerts?.emailTo.isEmpty == false {
                AlertsConfiguration.reportEmailWithoutSMTP(at: "\(client.path).alerts.email_to", line: client.line, reader: reader)
            }
        }
        return configuration
    }

    /// Reads each element of the array `key` that is valid, with its JSON path and line. Every
    /// problem at or under an element is shown with the element's id: `cameras[5] ("x5").url`.
    private static func readList<T>(
        _ object: ConfigurationObject, _ key: String, required: Bool, keys: [String],
        _ read: (ConfigurationObject) -> T?
    ) -> [(value: T, path: String, line: Int)] {
        guard let elements = object.array(key, required: required) else { return [] }
        var result: [(T, String, Int)] = []
        for (index, element) in elements.enumerated() {
            let path = "\(object.path(key))[\(index)]"
            guard let item = object.reader.element(element, at: path, keys: keys), let value = read(item) else { continue }
            result.append((value, path, element.line))
        }
        return result
    }

    private static func crossCheck(
        _ configuration: VigilConfiguration, clients: [(value: ClientConfiguration, path: String, line: Int)],
        cameras: [(value: CameraConfiguration, path: String, line: Int)],
        groups: [(value: GroupConfiguration, path: String, line: Int)], reader: ConfigurationReader
    ) {
        var clientIDs: Set<String> = []
        for client in clients where !clientIDs.insert(client.value.id).inserted {
            reader.report(
                "\(client.path).id", line: client.line, "\"\(client.value.id)\" is used by another client too",
                hint: "give each client its own id")
        }
        var sourceIDs: [String: String] = [:]
        for camera in cameras {
            if let other = sourceIDs[camera.value.id] {
                reader.report(
                    "\(camera.path).id", line: camera.line, "\"\(camera.value.id)\" is already the id of \(other)",
                    hint: "give each camera its own id")
            } else {
                sourceIDs[camera.value.id] = camera.path
            }
            if !clientIDs.contains(camera.value.client) {
                reader.report(
                    "\(camera.path).client", line: camera.line, "names the client \"\(camera.value.client)\", which is not in clients",
                    hint: "use one of: \(configuration.clients.map(\.id).joined(separator: ", "))")
            }
        }
        let cameraByID = Dictionary(cameras.map { ($0.value.id, $0.value) }, uniquingKeysWith: { first, _ in first })
        var groupOfCamera: [String: String] = [:]
        for group in groups {
            if let other = sourceIDs[group.value.id] {
                reader.report(
                    "\(group.path).id", line: group.line, "\"\(group.value.id)\" is already the id of \(other)",
                    hint: "camera and group ids share one namespace; rename the group")
            } else {
                sourceIDs[group.value.id] = group.path
            }
            var clients: Set<String> = []
            var seen: Set<String> = []
            for (index, cameraID) in group.value.cameras.enumerated() {
                let path = "\(group.path).cameras[\(index)]"
                guard let camera = cameraByID[cameraID] else {
                    reader.report(
                        path, line: group.line, "names the camera \"\(cameraID)\", which is not in cameras",
                        hint: "check the spelling of the id")
                    continue
                }
                clients.insert(camera.client)
                if !seen.insert(cameraID).inserted {
                    reader.report(
                        path, line: group.line, "lists the camera \"\(cameraID)\" twice", hint: "a group has four different cameras")
                } else if let other = groupOfCamera[cameraID] {
                    reader.report(
                        path, line: group.line, "puts the camera \"\(cameraID)\" in a second group (it is already in \"\(other)\")",
                        hint: "a camera belongs to at most one group")
                } else {
                    groupOfCamera[cameraID] = group.value.id
                }
            }
            if clients.count > 1 {
                reader.report(
                    "\(group.path).cameras", line: group.line,
                    "mixes cameras of different clients (\(clients.sorted().joined(separator: ", ")))",
                    hint: "a group's image and its cost belong to one client: group cameras of one client only")
            }
        }
        GroupConfiguration.reportCameraSettings(groups: groups, cameras: cameras, gemini: configuration.gemini, reader: reader)
    }
}
