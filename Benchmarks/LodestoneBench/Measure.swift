// Timing helpers shared by the benchmarks.
import Foundation
import LodestoneCore

let clock = ContinuousClock()

/// Prints one line unbuffered, so progress shows while the benchmark runs.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Runs `body` `runs` times and returns the best microseconds per item (the least disturbed run).
func measure(_ items: Int, runs: Int = 2, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<runs { best = min(best, seconds(try clock.measure(body)) * 1e6 / Double(items)) }
    return best
}

func row(_ label: String, _ micros: Double, baseline: Double? = nil) {
    let rate = 1e6 / micros
    var line = label.padding(toLength: 44, withPad: " ", startingAt: 0)
    line += String(format: "%8.2f µs/address %9.0f addresses/s", micros, rate)
    if let baseline { line += String(format: "   %.2f× C", micros / baseline) }
    say(line)
}

