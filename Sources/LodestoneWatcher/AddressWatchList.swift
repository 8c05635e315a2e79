import Foundation
public import LodestoneChains
public import LodestoneCore
import LodestoneStore

/// Every issued address of one chain family and environment, held in memory for matching (never
/// sent to a node). Each EVM address is watched on all EVM networks of its customer's environment,
/// whichever network it was requested for; never on the other environment's.
public actor AddressWatchList {
    /// The family watched.
    public let family: ChainFamily
    /// Whose customers' addresses.
    public let environment: DeploymentEnvironment
    private let directory: any AddressDirectory
    private var accounts: WatchedAccounts
    /// Bitcoin: the exact `scriptPubKey` bytes of every issued address.
    private var scripts: Set<[UInt8]> = []
    /// Solana: every issued address in its canonical Base58 form (one text per key), as node
    /// answers name accounts; matching the text spares decoding every account of every block.
    private var solana: Set<String> = []
    /// The highest address sequence number loaded.
    private var loaded: Int64 = 0

    /// An empty list for `family` in `environment`, filled by `refresh()`.
    public init(family: ChainFamily, environment: DeploymentEnvironment, directory: any AddressDirectory) {
        self.family = family
        self.environment = environment
        self.directory = directory
        accounts = WatchedAccounts()
    }

    /// Loads addresses created since the last refresh.
    public func refresh() async throws {
        // By database sequence, never by clock: a clock step or a slow commit cannot hide an address.
        for (key, sequence) in try await directory.watchedAddresses(family: family, environment: environment, after: loaded) {
            if family == .bitcoin {
                if let script = try? Hex.decode(key) { scripts.insert(script) }
            } else if family == .solana {
                if let bytes = try? Hex.decode(key), bytes.count == 32 { solana.insert(SolanaAddress.encode(bytes)) }
            } else if let account = Self.account(matchKey: key) {
                accounts.insert(account)
            }
            loaded = max(loaded, sequence)
        }
    }

    /// Number of watched accounts (or scripts).
    public var count: Int {
        switch family {
        case .bitcoin: return scripts.count
        case .solana: return solana.count
        case .evm, .tron: return accounts.count
        }
    }

    /// What `block`'s successful transactions paid to watched Solana addresses.
    public func solanaPayments(in block: SolanaBlock, nativeAsset: String, mints: [String: String]) -> [SolanaDeposits.Payment] {
        var out: [SolanaDeposits.Payment] = []
        for tx in block.transactions where tx.succeeded {
            out += SolanaDeposits.payments(in: tx, nativeAsset: nativeAsset, mints: mints) { solana.contains($0) }
        }
        return out
    }

    /// The outputs among `outputs` whose script is watched, as (transaction index, output) pairs.
    public func watchedOutputs(of block: BitcoinBlock) -> [(transaction: Int, output: BitcoinOutput)] {
        watchedOutputs(of: block.transactions)
    }

    /// The outputs of `transactions` whose script is watched, as (transaction index, output) pairs.
    public func watchedOutputs(of transactions: [BitcoinTransaction]) -> [(transaction: Int, output: BitcoinOutput)] {
        var out: [(Int, BitcoinOutput)] = []
        for (i, tx) in transactions.enumerated() {
            for output in tx.outputs where scripts.contains(output.script) { out.append((i, output)) }
        }
        return out
    }

    /// The accounts among `candidates` that are watched.
    public func watched(among candidates: some Sequence<EVMAccount> & Sendable) -> Set<EVMAccount> {
        var out = Set<EVMAccount>()
        for c in candidates where accounts.contains(c) { out.insert(c) }
        return out
    }

    /// The 20-byte account of a stored match key: EVM keys are the account, Tron keys add a 0x41 prefix.
    static func account(matchKey hex: String) -> EVMAccount? {
        guard let bytes = try? Hex.decode(hex) else { return nil }
        switch bytes.count {
        case 20: return EVMAccount(bytes)
        case 21 where bytes[0] == 0x41: return EVMAccount(bytes.dropFirst())
        default: return nil
        }
    }
}
