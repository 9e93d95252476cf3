import ArgumentParser
import Foundation
import VigilBilling
import VigilCapture
import VigilCore
import VigilStore

/// `vigil check`: is this configuration ready to run?
///
/// Every line it prints is redacted (no password or key) and then has its control characters
/// written visibly (`\n`, `\x1b`), so a camera's name or an error's text cannot forge a line.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration, reach the database, probe each camera.",
        discussion: """
            Reports every configuration problem at once, then what it could and could not reach: the \
            database (and whether migrations are pending), the Gemini key, and each enabled camera (all \
            probed in parallel, each bounded by capture.open_timeout_seconds plus one keyframe interval). \
            Each analysis source (a camera, or a group of four) is listed with the service tier its calls \
            ask for and, for Gemini 3 models, its media resolution; a warning (not a problem) names the \
            sources whose tier has no price for the model in the database's price book (with --offline, \
            or when the database cannot be read: those asking for priority, which has no seeded price), \
            since their calls would be recorded unpriced. Exits 0 when everything is ready, 65 when the \
            configuration is invalid, 69 when something is unreachable.

            Example:
              vigil check --config /etc/vigil/config.json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Check the configuration only; reach nothing.")
    var offline = false

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let plan = AnalysisPlan(configuration)
        let connection = database.connection(configuration: configuration)
        _ = global.bootstrapLogging(secrets: configuration.secrets + connection.secrets)
        let redactor = SecretRedactor(secrets: configuration.secrets + connection.secrets)
        // One line of the report: redacted, then escaped (escaping first could hide a secret from the redactor).
        func report(_ line: String) { print(redactor.redact(line).escapingControlCharacters()) }
        report("configuration \(global.configPath): valid")
        let groups = plan.sources.filter { $0.kind == "group" }.count
        report(
            "  \(configuration.clients.count) clients, \(configuration.cameras.count) cameras; every \(format(configuration.analysis.intervalSeconds)) s: \(plan.sources.count) calls (\(groups) 2x2 groups, \(plan.sources.count - groups) single cameras) to \(configuration.gemini.model)"
        )
        for line in Self.costControlLines(configuration) { report(line) }
        for line in Self.tierLines(configuration, plan: plan) { report(line) }
        if offline {
            for line in Self.unpricedTierWarnings(configuration, plan: plan, prices: nil) { report(line) }
            return
        }
        var problems = 0
        // The price book, once the database is read: nil until then (the seeded prices are assumed).
        var prices: PriceBook?

        // Database.
        let client = DatabaseClient(connectionString: connection.string, redactor: redactor, applicationName: "vigil-check")
        do {
            let version = try await client.serverVersion()
            let status = try await Migrator(client: client).status()
            if status.isCurrent {
                report("database: reachable (PostgreSQL \(version)), schema current")
                for line in await Self.budgetLines(configuration, client: client) { report(line) }
                prices = try? await PriceRepository(client: client).load()
            } else {
                report("database: reachable (PostgreSQL \(version)), \(status.pending.count) migration(s) pending — run: vigil migrate")
                problems += 1
            }
        } catch {
            report("database: UNREACHABLE — \(error)")
            problems += 1
        }
        for line in Self.unpricedTierWarnings(configuration, plan: plan, prices: prices) { report(line) }

        // Gemini key.
        switch GeminiKey.load(configuration: configuration.gemini) {
        case .success(let source):
            report("gemini: API key found (\(source)), model \(configuration.gemini.model) at \(configuration.gemini.baseURL)")
        case .failure(let error):
            report("gemini: \(error)")
            problems += 1
        }

        // Cameras, all at once.
        let cameras = configuration.cameras.filter(\.enabled)
        let budget = configuration.capture.openTimeoutSeconds + configuration.capture.keyframeIntervalSeconds * 1.5 + 1
        let results = await withTaskGroup(of: (Int, String, Bool).self) { group in
            for (index, camera) in cameras.enumerated() {
                group.addTask {
                    let capture = CameraCapture(camera: camera, settings: CaptureSettings(camera: camera, configuration: configuration))
                    capture.start()
                    let deadline = Date().addingTimeInterval(budget)
                    while Date() < deadline && !capture.hasPicture && capture.status.lastError == nil {
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                    let status = capture.status
                    await capture.stop()
                    if capture.hasPicture {
                        return (
                            index,
                            "camera \(camera.id) (\(camera.name)): live, \(status.streamDescription ?? "video"), \(status.decodeMode.rawValue) — \(camera.url.redacted)",
                            true
                        )
                    }
                    let reason =
                        status.lastError
                        ?? (status.packets > 0 ? "no keyframe within \(format(budget)) s" : "no video within \(format(budget)) s")
                    return (index, "camera \(camera.id) (\(camera.name)): DOWN — \(reason)", false)
                }
            }
            var collected: [(Int, String, Bool)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }
        }
        for (_, line, ok) in results {
            report(line)
            if !ok { problems += 1 }
        }
        if problems > 0 {
            report("\(problems) problem\(problems == 1 ? "" : "s") found")
            throw ExitCode(ExitStatus.unavailable)
        }
        report("ready")
    }
}

extension CheckCommand {
    /// The scene gate and the budgets as configured.
    static func costControlLines(_ configuration: VigilConfiguration) -> [String] {
        let gate = configuration.analysis.sceneGate
        var lines: [String] = []
        let off = configuration.cameras.filter { camera in !(camera.sceneGate?.applied(to: gate) ?? gate).enabled }.map(\.id)
        if gate.enabled {
            lines.append(
                "  scene gate: on (a change of \(gate.minChangedAreaPercent) % of a picture; a call at least every \(format(gate.maxQuietSeconds)) s)"
                    + (off.isEmpty ? "" : "; off for \(off.joined(separator: ", "))"))
        } else {
            lines.append("  scene gate: off (every sample is sent)")
        }
        let missing = configuration.billing.seller.missingForInvoices
        if !missing.isEmpty {
            lines.append(
                "  warning: billing.seller has no \(missing.joined(separator: ", ")): issued invoices would not say who bills "
                    + "(set billing.seller.name, address and vat_id)")
        }
        for client in configuration.clients {
            guard let budget = client.budget else { continue }
            lines.append(
                "  budget \(client.id): \(budget.monthlyLimit.formatted(fractionDigits: 2)) USD a month (\(client.timeZone)); warnings at \(budget.warnAtPercent.map(String.init).joined(separator: ", ")) %, "
                    + "sampled \(budget.degradeFactor) times less often from \(budget.degradeAtPercent) %, at the limit: \(budget.atLimit.rawValue)"
            )
        }
        return lines
    }

    /// Each analysis source with the service tier its calls ask for (its camera's or group's
    /// `service_tier`, else `gemini.service_tier`) and, for a Gemini 3 model, its image's media
    /// resolution (its own `media_resolution`, else `gemini.media_resolution`, else the model's
    /// default, high). Gemini 2.x models ignore the resolution: not shown.
    static func tierLines(_ configuration: VigilConfiguration, plan: AnalysisPlan) -> [String] {
        let gemini = configuration.gemini
        let resolutions = MediaResolution.appliesTo(model: gemini.model)
        return plan.sources.map { source in
            var line = "  \(sourceName(source)): tier \(source.serviceTier(default: gemini.serviceTier).rawValue)"
            if resolutions {
                line += ", media resolution " + (source.mediaResolution(default: gemini.mediaResolutionLevel)?.rawValue ?? "default (HIGH)")
            }
            return line
        }
    }

    /// A warning per service tier some source asks for that has no price for `gemini.model` now:
    /// those calls would be recorded unpriced. With no price book (offline, or the database not
    /// read), from the seeded prices: standard and flex are seeded for the listed models, priority
    /// never is.
    static func unpricedTierWarnings(
        _ configuration: VigilConfiguration, plan: AnalysisPlan, prices: PriceBook?, at now: Date = Date()
    ) -> [String] {
        let gemini = configuration.gemini
        let model = gemini.model
        return ServiceTier.allCases.compactMap { tier in
            let sources = plan.sources.filter { $0.serviceTier(default: gemini.serviceTier) == tier }
            guard !sources.isEmpty else { return nil }
            let names = sources.map(sourceName).joined(separator: ", ")
            let action = "until vigil prices set --model \(model) --tier \(tier.rawValue) --from YYYY-MM-DD --input … --output …"
            if let prices {
                guard prices.price(model: model, tier: tier, at: now) == nil else { return nil }
                return
                    "  warning: tier \(tier.rawValue) has no price for \(model) in the price book: calls of \(names) will be unpriced \(action)"
            }
            guard tier == .priority else { return nil }
            return "  warning: priority has no seeded price: calls of \(names) will be unpriced \(action)"
        }
    }

    /// `camera gate`, or `group floor (c1, c2, c3, c4)`.
    private static func sourceName(_ source: AnalysisSource) -> String {
        switch source {
        case .camera(let camera): "camera \(camera.id)"
        case .group(let group, let cameras): "group \(group.id) (\(cameras.map(\.id).joined(separator: ", ")))"
        }
    }

    /// Each budgeted client's month so far (``BudgetSummary``), with the crossings recorded.
    static func budgetLines(_ configuration: VigilConfiguration, client: DatabaseClient) async -> [String] {
        do {
            let summaries = try await BudgetSummary.read(configuration, only: nil, client: client)
            guard let earliest = summaries.isEmpty ? nil : Date().addingTimeInterval(-86_400 * 32) else { return [] }
            let events = try await BudgetRepository(client: client).events(since: earliest)
            return summaries.map { summary in
                let crossed = events.filter { $0.client == summary.client && $0.month == summary.month }.map(\.event)
                return summary.text + (crossed.isEmpty ? "" : "; crossed: \(crossed.joined(separator: ", "))")
            }
        } catch {
            return ["budgets: cannot read this month's spend — \(error)"]
        }
    }
}

private func format(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
}
