import Foundation
import LodestoneApp
import Testing

/// How `lodestone status` judges what `GET /v1/networks` says.
@Suite struct ServiceStatusTests {
    static func network(_ json: String) throws -> ServiceStatus.Network {
        try JSONDecoder().decode(ServiceStatus.Network.self, from: Data(json.utf8))
    }

    static func levels(_ json: String, maxLag: Int64 = 600) throws -> [ServiceStatus.Level] {
        ServiceStatus.judge(try network(json), maxLagSeconds: maxLag).map(\.0)
    }

    static let endpoints = #"[{"label":"https://a","healthy":true,"problem":null},{"label":"https://b","healthy":false,"problem":"HTTP 503"}]"#

    @Test func aScanLongBehindOrWithoutUsableEndpointsIsAProblem() throws {
        let behind = #"{"id":"ethereum","enabled":true,"watched":true,"head_height":120,"scanned_height":100,"lag":20,"lag_seconds":900,"lease":null,"endpoints":\#(Self.endpoints)}"#
        #expect(try Self.levels(behind) == [.problem, .warning, .warning])
        #expect(try Self.levels(behind, maxLag: 1000) == [.warning, .warning, .ok], "20 blocks behind, under the limit")
        let dead = #"{"id":"tron","enabled":true,"watched":true,"head_height":5,"scanned_height":5,"lag":0,"lag_seconds":0,"lease":"held","endpoints":[{"label":"https://a","healthy":false,"problem":"timeout"}]}"#
        #expect(try Self.levels(dead).first == .problem)
        let never = #"{"id":"base","enabled":true,"watched":true,"head_height":null,"scanned_height":null,"lag":null,"lag_seconds":null,"lease":null,"endpoints":[]}"#
        #expect(try Self.levels(never) == [.problem])
    }

    @Test func aStandbyAndAnUnwatchedNetworkAreFine() throws {
        let standby = #"{"id":"ethereum","enabled":true,"watched":true,"head_height":null,"scanned_height":100,"lag":null,"lag_seconds":null,"lease":"standby","endpoints":[{"label":"https://a","healthy":true,"problem":null}]}"#
        #expect(try Self.levels(standby) == [.ok])
        let unwatched = #"{"id":"tron","enabled":true,"watched":false,"head_height":null,"scanned_height":null,"lag":null,"lag_seconds":null,"lease":null,"endpoints":[]}"#
        #expect(try Self.levels(unwatched).isEmpty)
    }

    @Test func aRefusedTokenIsAProblem() throws {
        let refused = #"{"id":"ethereum-sepolia","enabled":true,"watched":true,"head_height":5,"scanned_height":5,"lag":0,"lag_seconds":0,"lease":null,"endpoints":[],"refused_assets":[{"asset":"EURX-Sepolia","reason":"assets.EURX-Sepolia: its contract reports 6 decimals"}]}"#
        #expect(try Self.levels(refused) == [.problem])
        let (text, worst) = ServiceStatus.render([try Self.network(refused)], server: "http://x", maxLagSeconds: 600, color: false)
        #expect(worst == .problem && text.contains("EURX-Sepolia refused: assets.EURX-Sepolia: its contract reports 6 decimals"))
        let none = #"{"id":"ethereum-sepolia","enabled":true,"watched":true,"head_height":5,"scanned_height":5,"lag":0,"lag_seconds":0,"lease":null,"endpoints":[],"refused_assets":[]}"#
        #expect(try Self.levels(none).isEmpty)
    }

    @Test func anEmptyPoolIsAProblemAndALowOneAWarning() throws {
        func pool(_ remaining: Int) -> String {
            #"{"id":"solana","enabled":true,"watched":false,"head_height":null,"scanned_height":null,"lag":null,"lag_seconds":null,"lease":null,"endpoints":[],"address_pool":{"remaining":\#(remaining),"low_water":100,"low":true}}"#
        }
        #expect(try Self.levels(pool(0)) == [.problem])
        #expect(try Self.levels(pool(40)) == [.warning])
        #expect(try Self.levels(pool(400)).isEmpty)
        let (text, worst) = ServiceStatus.render([try Self.network(pool(0))], server: "http://x", maxLagSeconds: 600, color: true)
        #expect(worst == .problem && text.contains("\u{1B}[31m") && text.contains("the address pool is empty"))
    }
}
