public import LodestoneCore

/// The assets in force and their current thresholds, shared by the API and the watchers.
public actor AssetRegistry {
    private var assets: [String: Asset]
    private let order: [String]
    private var refused: [String: (network: NetworkID, reason: String)] = [:]

    /// A registry of `assets` (order kept for listings).
    public init(assets: [Asset]) {
        self.assets = Dictionary(uniqueKeysWithValues: assets.map { ($0.id, $0) })
        self.order = assets.map(\.id)
    }

    /// All assets, in configuration order.
    public func all() -> [Asset] { order.compactMap { assets[$0] } }

    /// One asset by id (exact, case-sensitive).
    public func asset(id: String) -> Asset? { assets[id] }

    /// Takes an asset out of force (its contract contradicts its definition): it is no longer
    /// listed, offered for intents or credited.
    public func refuse(id: String, reason: String) {
        guard let asset = assets.removeValue(forKey: id) else { return }
        refused[id] = (asset.network, reason)
    }

    /// Why an asset was refused since start; nil for one that was not.
    public func refusal(id: String) -> String? { refused[id]?.reason }

    /// The assets of `network` refused since start, by id, with why.
    public func refusals(network: NetworkID) -> [(id: String, reason: String)] {
        refused.filter { $0.value.network == network }.map { ($0.key, $0.value.reason) }.sorted { $0.id < $1.id }
    }

    /// Applies a threshold; returns the previous one, or nil for an unknown asset.
    @discardableResult
    public func setThreshold(_ threshold: ConfirmationThreshold, assetID: String) -> ConfirmationThreshold? {
        guard var asset = assets[assetID] else { return nil }
        let previous = asset.threshold
        asset.threshold = threshold
        assets[assetID] = asset
        return previous
    }

    /// Applies one threshold for every amount; returns the previous one, or nil for an unknown asset.
    @discardableResult
    public func setConfirmations(_ confirmations: Int, assetID: String) -> ConfirmationThreshold? {
        setThreshold(ConfirmationThreshold(confirmations), assetID: assetID)
    }
}
