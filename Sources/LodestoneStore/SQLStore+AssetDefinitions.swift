import LodestoneCore
public import LodestoneDomain

// The assets ever in force, kept so that history keeps its units when an asset leaves the
// configuration, and so that an asset's decimals can never change under its recorded amounts.
extension SQLStore {
    /// Records each asset not recorded yet; returns the assets whose decimals differ from those
    /// recorded for their id (their history was written in the recorded ones), with those.
    public func recordAssetDefinitions(_ assets: [Asset], now: Int64) async throws -> [(asset: Asset, recorded: Int)] {
        try await database.transaction { db in
            var mismatched: [(asset: Asset, recorded: Int)] = []
            for asset in assets {
                if let row = try await db.query("SELECT decimals FROM asset_definitions WHERE asset_id = $1", [.text(asset.id)]).first {
                    let recorded = Int(try row.int(0))
                    if recorded != asset.decimals { mismatched.append((asset, recorded)) }
                    continue
                }
                _ = try await db.query(
                    """
                    INSERT INTO asset_definitions (asset_id, network, symbol, decimals, contract, first_seen)
                    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (asset_id) DO NOTHING
                    """,
                    [.text(asset.id), .text(asset.network.rawValue), .text(asset.symbol), .int(Int64(asset.decimals)), asset.contract.sql, .int(now)])
            }
            return mismatched
        }
    }

    public func assetDecimals(assetID: String) async throws -> Int? {
        try await database.read { db in try await Self.assetDecimals(assetID, db) }
    }

    /// Decimals of an asset as its history was recorded (the catalog's for one never recorded).
    static func assetDecimals(_ assetID: String, _ db: any SQLExecutor) async throws -> Int? {
        if let row = try await db.query("SELECT decimals FROM asset_definitions WHERE asset_id = $1", [.text(assetID)]).first {
            return Int(try row.int(0))
        }
        return AssetCatalog.decimals(ofAssetID: assetID)
    }

    /// The network of an asset (recorded, or the catalog's).
    static func assetNetwork(_ assetID: String, _ db: any SQLExecutor) async throws -> NetworkID? {
        if let row = try await db.query("SELECT network FROM asset_definitions WHERE asset_id = $1", [.text(assetID)]).first {
            return NetworkID(rawValue: try row.text(0))
        }
        return NetworkID.allCases.first { n in AssetCatalog.all(for: n).contains { $0.id == assetID } }
    }
}
