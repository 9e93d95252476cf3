/// Money is encoded as its exact decimal string (`"0.000597"`), never as a JSON number.
extension Money: Codable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Money(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an exact decimal amount: \(text)")
        }
        self = value
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
