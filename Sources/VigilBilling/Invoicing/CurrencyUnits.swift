/// How many decimals a currency's minor unit has (ISO 4217): 2 for most, 0 for the yen and won,
/// 3 for the Gulf dinars. Invoice lines are rounded once, half-up, to this.
package enum CurrencyUnits {
    private static let exceptions: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0,
        "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    ]

    /// Decimals of `currency`'s minor unit (2 unless ISO 4217 says otherwise).
    package static func fractionDigits(_ currency: String) -> Int { exceptions[currency] ?? 2 }
}
