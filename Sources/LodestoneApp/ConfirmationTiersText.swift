import Foundation
import LodestoneCore
import LodestoneDomain

/// The config file's form of an asset's tiers: `confirmations` for the largest deposits and a list
/// `confirmation_tiers` of quoted strings `"UP_TO: CONFIRMATIONS"`, ascending (a list of mappings
/// cannot be read by the configuration library, so each tier is one string).
enum ConfirmationTiersText {
    /// The threshold of `confirmations` and the tier strings `texts`, or what is wrong with them
    /// (entries counted from 1, as the operator sees them).
    static func threshold(confirmations: Int, tiers texts: [String], decimals: Int, symbol: String) -> Result<ConfirmationThreshold, Problem> {
        var tiers: [ConfirmationThreshold.Tier] = []
        for (i, text) in texts.enumerated() {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let count = Int(parts[1]), let bound = try? Amount(decimal: parts[0], decimals: decimals) else {
                return .failure(
                    Problem(
                        "entry \(i + 1) must read \"UP_TO: CONFIRMATIONS\": an amount of \(symbol) with at most \(decimals) decimals, then a whole number"
                    ))
            }
            tiers.append(.init(upTo: bound, confirmations: count))
        }
        do {
            return .success(try ConfirmationThreshold(confirmations: confirmations, tiers: tiers))
        } catch {
            let top = tiers.count
            switch error {
            case .outOfRange(let i) where i < top:
                return .failure(Problem("entry \(i + 1): confirmations must be from 1 to \(Asset.maxConfirmations)"))
            case .boundsNotAscending(let i):
                return .failure(Problem("entry \(i + 1): its amount must be larger than entry \(i)'s"))
            case .fewerConfirmationsForMore(let i) where i == top:
                return .failure(Problem("confirmations (for larger amounts) must be at least entry \(i)'s \(tiers[i - 1].confirmations)"))
            case .fewerConfirmationsForMore(let i):
                return .failure(Problem("entry \(i + 1): a larger amount may not need fewer confirmations than entry \(i)"))
            default:
                return .failure(Problem(error.description))
            }
        }
    }

    struct Problem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
