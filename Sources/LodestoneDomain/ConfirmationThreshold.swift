import Foundation
public import LodestoneCore

/// How many confirmations a deposit of an asset needs, by its amount: tiers ascending by their upper
/// bound, the last without one, so that a large deposit can wait longer than a small one.
public struct ConfirmationThreshold: Sendable, Hashable {
    /// Deposits up to `upTo` (base units, inclusive; nil: any amount) need `confirmations`.
    public struct Tier: Sendable, Hashable {
        /// Inclusive upper bound in base units; nil for the last tier.
        public let upTo: Amount?
        /// Confirmations needed.
        public let confirmations: Int

        /// A tier.
        public init(upTo: Amount?, confirmations: Int) {
            self.upTo = upTo
            self.confirmations = confirmations
        }
    }

    /// Why a list of tiers is refused.
    public enum Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case outOfRange(index: Int)
        case lastTierBounded
        case unboundedBeforeLast(index: Int)
        case boundsNotAscending(index: Int)
        case fewerConfirmationsForMore(index: Int)

        public var description: String {
            switch self {
            case .empty: return "at least one tier is required"
            case .outOfRange(let i): return "tier \(i): confirmations must be 1...\(Asset.maxConfirmations)"
            case .lastTierBounded: return "the last tier must have no up_to: it covers every larger amount"
            case .unboundedBeforeLast(let i): return "tier \(i): only the last tier may omit up_to"
            case .boundsNotAscending(let i): return "tier \(i): up_to must be larger than the previous tier's"
            case .fewerConfirmationsForMore(let i): return "tier \(i): a larger amount may not need fewer confirmations"
            }
        }
    }

    /// The tiers, validated.
    public let tiers: [Tier]

    /// One threshold for every amount.
    public init(_ confirmations: Int) {
        tiers = [Tier(upTo: nil, confirmations: confirmations)]
    }

    /// Tiers ascending by bound, the last unbounded; confirmations never fall as amounts grow.
    public init(tiers: [Tier]) throws(Invalid) {
        guard let last = tiers.last else { throw .empty }
        for (i, tier) in tiers.enumerated() where !(1...Asset.maxConfirmations).contains(tier.confirmations) {
            throw .outOfRange(index: i)
        }
        for (i, tier) in tiers.enumerated() {
            if i == tiers.count - 1 { break }
            guard let bound = tier.upTo else { throw .unboundedBeforeLast(index: i) }
            if i > 0 {
                guard let previous = tiers[i - 1].upTo, previous < bound else { throw .boundsNotAscending(index: i) }
            }
            guard tiers[i + 1].confirmations >= tier.confirmations else { throw .fewerConfirmationsForMore(index: i + 1) }
        }
        guard last.upTo == nil else { throw .lastTierBounded }
        self.tiers = tiers
    }

    /// Confirmations a deposit of `amount` needs.
    public func required(for amount: Amount) -> Int {
        for tier in tiers {
            guard let bound = tier.upTo else { return tier.confirmations }
            if amount <= bound { return tier.confirmations }
        }
        return tiers[tiers.count - 1].confirmations
    }

    /// The threshold of the largest amounts (the last tier's).
    public var highest: Int { tiers[tiers.count - 1].confirmations }

    /// True when one threshold covers every amount.
    public var isFlat: Bool { tiers.count == 1 }
}

extension ConfirmationThreshold {
    /// `confirmations` for amounts above every bounded tier, `tiers` (each with an `upTo`) below.
    public init(confirmations: Int, tiers bounded: [Tier]) throws(Invalid) {
        if let i = bounded.firstIndex(where: { $0.upTo == nil }) { throw .unboundedBeforeLast(index: i) }
        try self.init(tiers: bounded + [Tier(upTo: nil, confirmations: confirmations)])
    }

    /// The tiers with an upper bound (all but the last).
    public var bounded: [Tier] { Array(tiers.dropLast()) }

    /// The stored form: JSON of the tiers with bounds in base units, from typed values.
    public var storageText: String {
        let tiers = tiers.map { StoredTier(upTo: $0.upTo?.description, confirmations: $0.confirmations) }
        return String(decoding: (try? Self.encoder.encode(tiers)) ?? Data(), as: UTF8.self)
    }

    /// A threshold from its stored form; nil if the text is not one.
    public init?(storageText: String) {
        guard let stored = try? JSONDecoder().decode([StoredTier].self, from: Data(storageText.utf8)) else { return nil }
        var tiers: [Tier] = []
        for t in stored {
            var bound: Amount? = nil
            if let text = t.upTo {
                guard let amount = try? Amount(decimal: text, decimals: 0) else { return nil }
                bound = amount
            }
            tiers.append(Tier(upTo: bound, confirmations: t.confirmations))
        }
        guard let threshold = try? ConfirmationThreshold(tiers: tiers) else { return nil }
        self = threshold
    }

    /// How the audit log writes it: the bare number when flat (as it always did), else JSON with
    /// bounds in the asset's units.
    public func auditText(decimals: Int) -> String {
        guard !isFlat else { return String(highest) }
        let view = AuditView(
            confirmations: highest,
            confirmationTiers: bounded.map { StoredTier(upTo: $0.upTo?.decimalString(decimals: decimals), confirmations: $0.confirmations) })
        return String(decoding: (try? Self.encoder.encode(view)) ?? Data(), as: UTF8.self)
    }

    struct StoredTier: Codable {
        let upTo: String?
        let confirmations: Int
        enum CodingKeys: String, CodingKey { case upTo = "up_to", confirmations }
    }

    struct AuditView: Encodable {
        let confirmations: Int
        let confirmationTiers: [StoredTier]
        enum CodingKeys: String, CodingKey { case confirmations, confirmationTiers = "confirmation_tiers" }
    }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
