import Foundation
import Testing
import VigilBilling
import VigilCore

/// `vigil estimate`'s forecast computed in Swift alone: no database, no cameras.
@Suite struct EstimateTests {
    static func money(_ text: String) -> Money { Money(text)! }

    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// List prices of 2.5 Flash (from 2025) and 2.5 Pro; Flash's input price rose later (a price
    /// effective in the future must not be used).
    static let prices = PriceBook(prices: [
        ModelPrice(
            id: 1, model: "gemini-2.5-flash", effectiveFrom: Date(timeIntervalSince1970: 1_700_000_000),
            inputPerMillion: money("0.30"), outputPerMillion: money("2.50"), cachedPerMillion: money("0.03")),
        ModelPrice(
            id: 2, model: "gemini-2.5-pro", effectiveFrom: Date(timeIntervalSince1970: 1_700_000_000),
            inputPerMillion: money("1.25"), outputPerMillion: money("10"), cachedPerMillion: money("0.125"),
            longContextThreshold: 200_000, inputLongPerMillion: money("2.50"), outputLongPerMillion: money("15"),
            cachedLongPerMillion: money("0.25")),
        ModelPrice(
            id: 3, model: "gemini-2.5-flash", effectiveFrom: Date(timeIntervalSince1970: 1_800_000_000),
            inputPerMillion: money("0.60"), outputPerMillion: money("5"), cachedPerMillion: money("0.06")),
    ])

    /// A configuration of client `shop`: cameras `c1`... (`cameras` of them), `groups` as JSON.
    static func configuration(
        cameras: Int = 5, groups: String = #"[{"id": "floor", "cameras": ["c1", "c2", "c3", "c4"]}]"#, interval: String = "10",
        gemini: String = #""model": "gemini-2.5-flash""#, autoGroup: Bool = false
    ) throws -> VigilConfiguration {
        let list = (1...cameras).map { #"{"id": "c\#($0)", "name": "Camera \#($0)", "url": "rtsp://10.0.0.\#($0)/s", "client": "shop"}"# }
        return try ConfigurationLoader.parse(
            """
            {
              "database": {"url": "postgresql://vigil@127.0.0.1:5432/vigil"},
              "gemini": {\(gemini)},
              "analysis": {"interval_seconds": \(interval), "auto_group": \(autoGroup)},
              "clients": [{"id": "shop", "name": "Test Shop"}],
              "cameras": [\(list.joined(separator: ","))],
              "groups": \(groups)
            }
            """, file: "estimate.json")
    }

    /// A camera's request: 258 image tokens and 300 of text; a group's: 258 and 330.
    static let prompt: @Sendable (AnalysisSource) -> PromptTokens = { source in
        source.kind == "group"
            ? PromptTokens(imageWidth: 1536, imageHeight: 864, image: 258, text: 330)
            : PromptTokens(imageWidth: 768, imageHeight: 432, image: 258, text: 300)
    }

    static func estimate(
        _ configuration: VigilConfiguration, days: Int = 30, history: [SourceHistory.Key: SourceHistory]? = nil
    ) throws(EstimateError) -> CostEstimate {
        try CostEstimate.make(
            EstimateInputs(
                configuration: configuration, prices: prices, at: now, days: days, historyDays: history == nil ? nil : 7,
                history: history ?? [:], prompt: prompt))
    }

    @Test func callsPerMonthAreOneASampleEveryIntervalOverTheDays() throws {
        let tenSeconds = try Self.estimate(Self.configuration())
        // 30 days × 86,400 s ÷ 10 s = 259,200 samples, one call each, for each of the two sources.
        for source in tenSeconds.sources {
            #expect(source.callsPerMonth == MonthlyRate(numerator: 259_200, denominator: 1))
            #expect(source.costPerMonth == source.costPerCall * 259_200)
        }
        #expect(tenSeconds.callsPerMonth.rounded == 518_400)
        #expect(try Self.estimate(Self.configuration(), days: 1).sources[0].callsPerMonth.rounded == 8_640)
        // 7 s does not divide a month: 2,592,000 / 7 = 370,285.714… calls, kept exact.
        let seven = try Self.estimate(Self.configuration(interval: "7"))
        let till = try #require(seven.sources.first { $0.id == "c5" })
        #expect(till.callsPerMonth == MonthlyRate(numerator: 2_592_000, denominator: 7))
        #expect(till.callsPerMonth.formatted(fractionDigits: 1) == "370285.7")
        #expect(till.costPerMonth == till.costPerCall.scaled(by: 2_592_000, over: 7))
        // A fraction of a second is kept to the millisecond: 2.5 s is 1,036,800 samples.
        #expect(try Self.estimate(Self.configuration(interval: "2.5")).sources[0].callsPerMonth.rounded == 1_036_800)
    }

    @Test func aCallCostsItsPromptAndDefaultAnswerAtTodaysPrice() throws {
        let estimate = try Self.estimate(Self.configuration())
        #expect(estimate.priceID == 1)  // the later increase is not in effect yet
        let group = try #require(estimate.sources.first { $0.id == "floor" })
        let single = try #require(estimate.sources.first { $0.id == "c5" })
        #expect(group.kind == "group" && group.cameras == ["c1", "c2", "c3", "c4"] && group.basis == .configuration)
        #expect(single.kind == "camera" && single.cameras == ["c5"])
        #expect(
            single.tokensPerCall == TokensPerCall(prompt: 558, image: 258, text: 300, output: 40, thinking: 0))
        #expect(group.tokensPerCall == TokensPerCall(prompt: 588, image: 258, text: 330, output: 174, thinking: 0))
        // (558 × 0.30 + 40 × 2.50) per million; (588 × 0.30 + 174 × 2.50) per million.
        #expect(single.costPerCall == Self.money("0.0002674"))
        #expect(group.costPerCall == Self.money("0.0006114"))
        #expect(estimate.costPerMonth == Self.money("227.78496"))  // (0.0002674 + 0.0006114) × 259,200
    }

    @Test(arguments: [
        (#""model": "gemini-2.5-flash""#, 0),
        (#""model": "gemini-2.5-flash", "thinking_budget": -1"#, 141),
        (#""model": "gemini-2.5-flash", "thinking_budget": 64"#, 64),
        (#""model": "gemini-2.5-flash", "thinking_budget": 8192"#, 141),
        (#""model": "gemini-2.5-pro""#, 128),
        (#""model": "gemini-3-flash-preview""#, 48),
        (#""model": "gemini-3-flash-preview", "thinking_level": "HIGH""#, 420),
        (#""model": "gemini-2.0-flash", "thinking_budget": -1"#, 0),
    ])
    func thinkingIsAssumedFromTheModelAndItsThinkingSettings(gemini: String, thinking: Int) throws {
        let configuration = try Self.configuration(gemini: gemini)
        #expect(AnswerTokenDefaults.expected(cameras: 1, gemini: configuration.gemini) == (output: 40, thinking: thinking))
    }

    @Test func outputAndThinkingStayWithinMaxOutputTokens() throws {
        let configuration = try Self.configuration(
            gemini: #""model": "gemini-3-flash-preview", "thinking_level": "HIGH", "max_output_tokens": 500"#)
        #expect(AnswerTokenDefaults.expected(cameras: 4, gemini: configuration.gemini) == (output: 80, thinking: 420))
    }

    @Test func theComparisonShowsWhatTilingInFoursSaves() throws {
        // Eight cameras, none grouped: all single is the plan itself; grouped, two calls of four.
        let estimate = try Self.estimate(Self.configuration(cameras: 8, groups: "[]"))
        #expect(estimate.sources.count == 8)
        #expect(estimate.allSingle == EstimateComparison(estimate.sources))
        #expect(estimate.allSingle.sources == 8 && estimate.allSingle.cameras == 8)
        #expect(estimate.allGrouped.sources == 2 && estimate.allGrouped.cameras == 8)
        #expect(estimate.allGrouped.callsPerMonth.rounded * 4 == estimate.allSingle.callsPerMonth.rounded)
        #expect(estimate.allSingle.costPerMonth == Self.money("0.0002674") * 259_200 * 8)
        #expect(estimate.allGrouped.costPerMonth == Self.money("0.0006114") * 259_200 * 2)
        #expect(estimate.allGrouped.costPerMonth < estimate.allSingle.costPerMonth)
        // Five cameras with a group of four: grouped is the plan (the fifth stays alone); all single is five calls.
        let mixed = try Self.estimate(Self.configuration())
        #expect(mixed.allGrouped == EstimateComparison(mixed.sources))
        #expect(mixed.allSingle.sources == 5)
        #expect(mixed.allSingle.costPerMonth == Self.money("0.0002674") * 259_200 * 5)
        // With auto_group the comparison's groups are the plan's.
        let auto = try Self.estimate(Self.configuration(cameras: 9, groups: "[]", autoGroup: true))
        #expect(auto.sources.map(\.id) == ["auto-c1", "auto-c5", "c9"])
        #expect(auto.allGrouped == EstimateComparison(auto.sources))
    }

    @Test func aModelWithoutAPriceIsAnErrorNeverZero() throws {
        for gemini in [#""model": "gemini-9-ultra""#, #""model": "gemini-3.1-flash-lite""#] {
            let configuration = try Self.configuration(gemini: gemini)
            #expect(throws: EstimateError.self) { try Self.estimate(configuration) }
            do {
                _ = try Self.estimate(configuration)
            } catch {
                #expect(error.unpricedModel == configuration.gemini.model)
                #expect(error.description.contains("vigil prices set --model \(configuration.gemini.model)"))
            }
        }
        // A price that takes effect after today does not count either.
        let configuration = try Self.configuration()
        let future = PriceBook(prices: Self.prices.prices.filter { $0.id == 3 })
        #expect(throws: EstimateError.unpriced(model: "gemini-2.5-flash")) {
            try CostEstimate.make(EstimateInputs(configuration: configuration, prices: future, at: Self.now, prompt: Self.prompt))
        }
    }

    @Test func historyGivesMeasuredTokensSkipsAndRetries() throws {
        // The single camera: 1,000 calls of which 100 failed (no tokens), 250 samples kept by the gate.
        let history = [
            SourceHistory.Key(client: "shop", source: "c5", kind: "camera"): SourceHistory(
                calls: 1000, failed: 100, prompt: 600_000, cached: 50_000, completion: 30_000, thoughts: 2_000, skipped: 250),
            // Another client's source of the same id is not this one.
            SourceHistory.Key(client: "other", source: "floor", kind: "group"): SourceHistory(calls: 10, prompt: 1),
        ]
        let estimate = try Self.estimate(Self.configuration(), history: history)
        let single = try #require(estimate.sources.first { $0.id == "c5" })
        #expect(single.basis == .history && single.historyCalls == 1000)
        #expect(single.skipRate == EstimateRatio(partsPerBillion: 200_000_000))  // 250 / (250 + 1000)
        #expect(single.failureRate == EstimateRatio(partsPerBillion: 100_000_000))
        // Failures retried up to gemini.max_attempts (4 by default): 1 + 0.1 + 0.01 + 0.001 attempts a sample.
        #expect(single.attemptsPerSample == EstimateRatio(partsPerBillion: 1_111_000_000))
        // 259,200 samples × 0.8 sent × 1.111 attempts.
        #expect(single.callsPerMonth.formatted(fractionDigits: 2) == "230376.96")
        #expect(single.tokensPerCall == TokensPerCall(prompt: 600, image: 258, text: 342, cached: 50, output: 30, thinking: 2))
        // ((600,000 − 50,000) × 0.30 + 50,000 × 0.03 + 32,000 × 2.50) per million, over 1,000 calls, at today's price.
        #expect(single.costPerCall == Self.money("0.0002465"))
        #expect(single.costPerMonth == Self.money("0.0002465").scaled(by: 230_376_960, over: 1000))
        // The group has no history of its own: configuration.
        let group = try #require(estimate.sources.first { $0.id == "floor" })
        #expect(group.basis == .configuration && group.skipRate == nil && group.historyCalls == nil)
        #expect(group.costPerMonth == Self.money("0.0006114") * 259_200)
        #expect(estimate.costPerMonth == single.costPerMonth + group.costPerMonth)
        // Calls whose usage was invalid are calls, but their (unknown) tokens are left out of the mean.
        var invalid = history
        invalid[SourceHistory.Key(client: "shop", source: "c5", kind: "camera")]?.calls = 1250
        invalid[SourceHistory.Key(client: "shop", source: "c5", kind: "camera")]?.invalid = 250
        let withInvalid = try #require(try Self.estimate(Self.configuration(), history: invalid).sources.first { $0.id == "c5" })
        #expect(withInvalid.costPerCall == Self.money("0.0002465"))
        #expect(withInvalid.historyCalls == 1250)
    }

    @Test func historyAboveTheLongContextThresholdIsCostedAtTheLongRates() throws {
        let configuration = try Self.configuration(gemini: #""model": "gemini-2.5-pro""#)
        let key = SourceHistory.Key(client: "shop", source: "c5", kind: "camera")
        func costPerCall(prompt: Int) throws -> Money? {
            let history = [key: SourceHistory(calls: 2, prompt: prompt, completion: 2_000)]
            return try Self.estimate(configuration, history: history).sources.first { $0.id == "c5" }?.costPerCall
        }
        // Mean prompt 200,000: short rates (200,000 × 1.25 + 1,000 × 10 per million); 200,001: long.
        #expect(try costPerCall(prompt: 400_000) == Self.money("0.26"))
        #expect(try costPerCall(prompt: 400_002) == Self.money("0.5150025"))
    }

    @Test func attemptsPerSampleFollowTheFailureRateUpToTheMaximum() {
        let tenth = EstimateRatio(1, of: 10)
        #expect(tenth.attemptsPerAnalysis(maxAttempts: 1) == .one)
        #expect(tenth.attemptsPerAnalysis(maxAttempts: 3) == EstimateRatio(partsPerBillion: 1_110_000_000))
        #expect(EstimateRatio.zero.attemptsPerAnalysis(maxAttempts: 4) == .one)
        #expect(EstimateRatio.one.attemptsPerAnalysis(maxAttempts: 4) == EstimateRatio(partsPerBillion: 4_000_000_000))
        #expect(EstimateRatio(1, of: 3).formatted(fractionDigits: 4) == "0.3333")
    }

    @Test func theJSONHasTheDocumentedKeysAndMoneyAsDecimalStrings() throws {
        let history = [
            SourceHistory.Key(client: "shop", source: "c5", kind: "camera"): SourceHistory(
                calls: 100, failed: 5, prompt: 60_000, completion: 4_000, skipped: 25)
        ]
        let estimate = try Self.estimate(Self.configuration(), history: history)
        let json = EstimateDocument.json(estimate)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let clients = try #require(document["clients"] as? [[String: Any]])
        #expect(clients.count == 1)
        let client = clients[0]
        #expect(client["id"] as? String == "shop")
        #expect((client["calls_per_month"] as? NSNumber)?.doubleValue == Double(estimate.callsPerMonth.formatted(fractionDigits: 1)))
        #expect(client["cost_per_month"] as? String == estimate.costPerMonth.description)
        let sources = try #require(client["sources"] as? [[String: Any]])
        #expect(sources.map { $0["id"] as? String } == ["floor", "c5"])
        var sum = Money.zero
        for source in sources {
            for key in ["id", "kind", "basis", "cost_per_call", "cost_per_month"] { #expect(source[key] is String, "\(key)") }
            for key in ["calls_per_month", "skip_rate", "failure_rate"] { #expect(source[key] is NSNumber, "\(key)") }
            #expect((source["cameras"] as? [String])?.isEmpty == false)
            let tokens = try #require(source["tokens_per_call"] as? [String: Any])
            for key in ["prompt", "image", "text", "output", "thinking"] { #expect(tokens[key] is NSNumber, "\(key)") }
            let cost = try #require((source["cost_per_month"] as? String).flatMap { Money($0) })
            sum += cost
        }
        #expect(Money(client["cost_per_month"] as? String ?? "") == sum)
        #expect(sources[0]["kind"] as? String == "group" && sources[0]["basis"] as? String == "configuration")
        #expect(sources[0]["cameras"] as? [String] == ["c1", "c2", "c3", "c4"])
        #expect(sources[1]["basis"] as? String == "history")
        #expect((sources[1]["skip_rate"] as? NSNumber)?.doubleValue == 0.2)  // 25 / (25 + 100)
        #expect((sources[1]["failure_rate"] as? NSNumber)?.doubleValue == 0.05)
        #expect(sources[1]["cost_per_call"] as? String == "0.00028")  // (600 × 0.30 + 40 × 2.50) per million
        let total = try #require(document["total"] as? [String: Any])
        #expect(total["cost_per_month"] as? String == estimate.costPerMonth.description)
        #expect(total["calls_per_month"] is NSNumber)
        for comparison in ["all_single", "all_grouped"] {
            let figures = try #require(total[comparison] as? [String: Any], "\(comparison)")
            #expect(figures["cost_per_month"] is String && figures["calls_per_month"] is NSNumber && figures["sources"] is NSNumber)
        }
        #expect((total["all_single"] as? [String: Any])?["sources"] as? Int == 5)
        #expect((total["all_grouped"] as? [String: Any])?["cost_per_month"] as? String == estimate.costPerMonth.description)
        #expect(document["history_days"] as? Int == 7 && document["days"] as? Int == 30)
        // Money is never a JSON number.
        #expect(!json.contains(#""cost_per_month":0"#) && !json.contains(#""cost_per_month":1"#))
    }

    @Test func csvHasOneRowPerSourceAndTextNamesEachBasis() throws {
        let history = [
            SourceHistory.Key(client: "shop", source: "c5", kind: "camera"): SourceHistory(calls: 10, prompt: 6_000, completion: 400)
        ]
        let estimate = try Self.estimate(Self.configuration(), history: history)
        let lines = EstimateDocument.csv(estimate).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("client,source,kind,cameras,"))
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
        for line in lines.dropFirst() { #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == header.count) }
        #expect(lines[1].hasPrefix("shop,floor,group,4,259200.0,259200.0,588.0,258.0,330.0,"))
        #expect(lines[1].contains(",0.0006114,158.47488,configuration,"))
        #expect(lines[2].hasPrefix("shop,c5,camera,1,") && lines[2].contains(",history,"))
        let text = EstimateDocument.text(estimate)
        #expect(text.contains("Client shop (Test Shop)"))
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("floor ") && $0.hasSuffix("configuration") })
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("c5 ") && $0.hasSuffix("history") })
        #expect(text.contains("tiling in fours saves"))
        #expect(text.contains("last 7 days"))
    }
}
