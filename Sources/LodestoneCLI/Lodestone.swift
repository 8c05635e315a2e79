import ArgumentParser
import Foundation
import LodestoneApp
import LodestoneCore
import LodestoneRPC
import LodestoneStore
import LodestoneWatcher

/// The `lodestone` command: one executable, one subcommand per job.
@main
struct Lodestone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lodestone",
        abstract: "Self-hosted crypto deposit watcher and HD wallet service.",
        subcommands: [
            Serve.self, Migrate.self, KeysCommand.self, APIKeyCommand.self, ConfigCommand.self, Derive.self, Xpub.self,
            AddressCommand.self, MnemonicCommand.self, PoolCommand.self, Rescan.self, CheckTx.self, AuditCommand.self, Status.self,
        ]
    )

    /// Runs the command; every failure ends as one line on stderr and a non-zero exit.
    static func main() async {
        // Everything this process creates (database, key files, folders) is the owner's alone.
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CoreError {
            fail(error.description)
        } catch let error as CLIError {
            fail(error.message)
        } catch let error as ConfigurationProblems {
            // Every problem on its own line, so an operator fixes them all at once.
            fail("configuration is invalid:\n" + error.problems.map { "  " + $0 }.joined(separator: "\n"))
        } catch let error as ServerDependencies.StartupError {
            fail(error.description)
        } catch let error as StoreError {
            fail(error.description)
        } catch let error as DataKey.Failure {
            fail(error.description)
        } catch let error as KeyVault.Failure {
            fail(error.description)
        } catch let error as RepairReads.Problem {
            fail(error.description)
        } catch let error as RepairReadError {
            fail(error.description)
        } catch let error as ChainSourceError {
            fail(error.description)
        } catch let error as RPCError {
            fail("the node did not answer usably: \(error)")
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }  // --help, --version
            let lines = fullMessage(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let first = lines.first { !$0.isEmpty } ?? "invalid arguments"
            fail(first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first, code: code.rawValue)
        }
    }

    static func fail(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data(("lodestone: " + message + "\n").utf8))
        Foundation.exit(code)
    }
}

/// A command-line failure with a message for the user.
struct CLIError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
