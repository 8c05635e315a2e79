import LodestoneApp
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// A threshold changed on one instance reaches another instance's registry at its next refresh.
@Suite struct SharedStateRefreshTests {
    @Test(arguments: Backend.available)
    func aThresholdChangedElsewhereIsAppliedOnce(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let catalog = AssetCatalog.defaults(for: .ethereum)
            let here = AssetRegistry(assets: catalog)
            let there = AssetRegistry(assets: catalog)
            #expect(try await ThresholdRefresh.apply(store: store, registry: here).isEmpty)
            // The other instance's PATCH /v1/assets/USDT-Ethereum.
            let tiered = try ConfirmationThreshold(confirmations: 40, tiers: [.init(upTo: try Amount(decimal: "1", decimals: 6), confirmations: 5)])
            let previous = try #require(await there.setThreshold(tiered, assetID: "USDT-Ethereum"))
            try await store.setAssetThreshold(assetID: "USDT-Ethereum", threshold: tiered, previous: previous, actor: "apikey:ops", now: 1)
            #expect(await here.asset(id: "USDT-Ethereum")?.threshold != tiered)
            #expect(try await ThresholdRefresh.apply(store: store, registry: here) == ["USDT-Ethereum"])
            #expect(await here.asset(id: "USDT-Ethereum")?.threshold == tiered)
            #expect(try await ThresholdRefresh.apply(store: store, registry: here).isEmpty, "nothing changes twice")
        }
    }
}
