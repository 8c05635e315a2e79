public import LodestoneCore

/// A coin or token Lodestone accepts on one network, with its operator-tuned threshold.
public struct Asset: Sendable, Hashable {
    /// Id such as `USDT-Tron` or `ETH-Base`.
    public let id: String
    /// The network it lives on.
    public let network: NetworkID
    /// Ticker symbol.
    public let symbol: String
    /// Decimal places of one unit.
    public let decimals: Int
    /// Token contract (EVM, Tron) or mint (Solana); nil for the native coin.
    public let contract: String?
    /// Confirmations a deposit needs before it counts, by its amount.
    public var threshold: ConfirmationThreshold

    /// Confirmations the largest deposits need; setting it makes the threshold one for every amount.
    public var confirmations: Int {
        get { threshold.highest }
        set { threshold = ConfirmationThreshold(newValue) }
    }

    /// An asset; the id is `SYMBOL-NetworkName`.
    public init(network: NetworkID, symbol: String, decimals: Int, contract: String?, confirmations: Int) {
        self.id = "\(symbol)-\(network.displayName)"
        self.network = network
        self.symbol = symbol
        self.decimals = decimals
        self.contract = contract
        self.threshold = ConfirmationThreshold(confirmations)
    }

    /// True for the network's own coin.
    public var isNative: Bool { contract == nil }

    /// Highest threshold an operator may set; above it a deposit would effectively never confirm.
    public static let maxConfirmations = 100_000
}
