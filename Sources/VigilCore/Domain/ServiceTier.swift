/// Gemini's service tiers: how surely and how soon a call is served, and at what price.
///
/// The tier is asked for per request (`gemini.service_tier`, `cameras[].service_tier`,
/// `groups[].service_tier`); the tier that actually served a call is the one its response's
/// `usageMetadata.serviceTier` names (read with ``init(wire:)``), and that is the one to bill.
package enum ServiceTier: String, Sendable, CaseIterable, Codable {
    /// Full price, served as capacity allows. The API's default.
    case standard
    /// Half the standard price (50 % off), best-effort: a flex request may be shed when capacity is
    /// short (429 or 503) and may take minutes to answer, so it suits cameras where a late verdict
    /// is acceptable.
    case flex
    /// 75–100 % more than standard, served ahead of the other tiers. A priority request over the
    /// project's priority limit is still served, but as a standard request, and billed as one.
    case priority

    /// The longest text ``init(wire:)`` looks at: the longest form it accepts
    /// (`SERVICE_TIER_UNSPECIFIED`, 24 characters) with room to spare.
    private static let maximumWireLength = 40
    private static let wirePrefix = "SERVICE_TIER_"

    /// The tier a response's `usageMetadata.serviceTier` names, or nil when it is not a tier.
    ///
    /// Accepts, in any letter case, `standard`, `flex` and `priority`, the enum names
    /// `SERVICE_TIER_STANDARD`, `SERVICE_TIER_FLEX` and `SERVICE_TIER_PRIORITY`, and `unspecified` or
    /// `SERVICE_TIER_UNSPECIFIED`, which read as ``standard``: a request that asks for no tier is
    /// served at the API's default tier, which is standard, and billed as such. Anything else, any
    /// non-ASCII text (so that no Unicode case mapping turns `ſtandard` into `STANDARD`), and text
    /// longer than 40 characters is nil.
    package init?(wire: String) {
        guard wire.utf8.count <= Self.maximumWireLength, wire.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var name = Substring(wire.uppercased())
        if name.hasPrefix(Self.wirePrefix) { name = name.dropFirst(Self.wirePrefix.count) }
        switch name {
        case "STANDARD", "UNSPECIFIED": self = .standard
        case "FLEX": self = .flex
        case "PRIORITY": self = .priority
        default: return nil
        }
    }
}
