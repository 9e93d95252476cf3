package import Foundation
package import VigilBilling
package import VigilCapture
package import VigilCore
package import VigilGemini

/// Turns one Gemini attempt into its `api_usage` record, costed from the price book.
package enum UsageRecordFactory {
    /// The record of `attempt`. Usage that cannot be true (``TokenUsage/invalidReason``) is not
    /// priced: the row has no cost and stays off invoices until reviewed.
    package static func record(
        _ attempt: AttemptReport, source: AnalysisSource, image: SampledImage, model: String, endpoint: String,
        prices: PriceBook, requestID: String? = nil
    ) -> UsageRecord {
        var error = attempt.failure?.description
        if let raw = attempt.rawText, attempt.failure?.kind == .unusableAnswer {
            error = (error ?? "") + " | raw: " + String(raw.prefix(4000))
        }
        var record = UsageRecord(
            requestID: requestID, timestamp: attempt.startedAt, clientID: source.client, sourceID: source.id, sourceKind: source.kind,
            endpoint: endpoint, statusCode: attempt.statusCode, model: model, usage: attempt.usage, success: attempt.success,
            error: error, finishReason: attempt.finishReason, attempt: attempt.attempt,
            durationMilliseconds: attempt.durationMilliseconds,
            sessionIDs: image.parts.compactMap { $0.present ? $0.sessionID : nil }, cameraCount: source.cameras.count,
            cameraIDs: presentCameras(image), imageWidth: image.width, imageHeight: image.height, verdicts: attempt.verdicts ?? [])
        record.requestedTier = attempt.requestedTier
        // Priced at the tier that served it (a priority request served as standard costs standard).
        if attempt.usage.invalidReason == nil,
            let priced = prices.cost(of: attempt.usage, model: model, tier: record.servedTier, at: attempt.startedAt)
        {
            record.cost = priced.cost
            record.priceID = priced.priceID
        }
        return record
    }

    /// The intent of attempt number `attempt`, made durable before it goes on the wire: the row it
    /// becomes if its answer is never recorded. Outcome unknown, not successful, `usage` estimated,
    /// no cost (not invoiced unless an operator prices it in).
    package static func intent(
        attempt: Int, source: AnalysisSource, image: SampledImage, model: String, endpoint: String, usage: TokenUsage,
        tier: ServiceTier = .standard, at time: Date = Date()
    ) -> UsageRecord {
        var record = UsageRecord(
            timestamp: time, clientID: source.client, sourceID: source.id, sourceKind: source.kind, endpoint: endpoint,
            statusCode: nil, model: model, usage: usage, success: false,
            error: "outcome unknown: Vigil stopped while the call was in flight, before its answer was recorded",
            attempt: attempt, durationMilliseconds: 0, sessionIDs: image.parts.compactMap { $0.present ? $0.sessionID : nil },
            cameraCount: source.cameras.count, cameraIDs: presentCameras(image), imageWidth: image.width, imageHeight: image.height)
        record.outcome = UsageRecord.unknownOutcome
        record.requestedTier = tier
        return record
    }

    /// The cameras in `image`, in quadrant order: the call's cost is shared among them, and a dark
    /// quadrant's camera (no fresh frame) takes no share.
    static func presentCameras(_ image: SampledImage) -> [String] {
        image.parts.filter(\.present).map(\.cameraID)
    }

    /// `tokens prompt=1247 cached=0 output=89 thoughts=0 total=1336 cost=$0.000597 in 812 ms`.
    package static func logLine(_ record: UsageRecord) -> String {
        let usage = record.usage
        let cost = usage.invalidReason != nil ? "none (usage invalid)" : record.cost.map { "$\($0)" } ?? "UNPRICED"
        var line =
            "tokens prompt=\(usage.promptTokens) cached=\(usage.cachedTokens) output=\(usage.candidatesTokens) "
            + "thoughts=\(usage.thoughtsTokens) total=\(usage.totalTokens) cost=\(cost) in \(record.durationMilliseconds) ms"
        if usage.estimated { line += " (estimated)" }
        if let reason = usage.invalidReason { line += " — USAGE INVALID: \(reason)" }
        return line
    }
}
