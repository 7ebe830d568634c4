import ArgumentParser
import Foundation
import SquawkApp
import SquawkCore

/// `squawk secrets new-key|reseal`: webhook secrets encrypted at rest (`secrets.key`).
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Encrypt webhook secrets at rest, and change the key.",
        subcommands: [NewKey.self, Reseal.self])

    /// `squawk secrets new-key`.
    struct NewKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new random key for secrets.key (32 bytes, base64).")
        func run() async throws { Console.line(SecretSealer.newKey()) }
    }

    /// `squawk secrets reseal --new-key-file F`: re-encrypts every stored secret with a new key.
    struct Reseal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt every stored webhook secret: opened with the configured secrets.key (or plain), sealed with the new key.",
            discussion: """
            Rotating the key: stop squawk serve, run `squawk secrets reseal --new-key-file new.key` with the old key still \
            configured, then configure the new key and start again. `--plain` stores the secrets unencrypted.
            """)
        @Option(help: "A file holding the new key (base64; `-` reads standard input). Never pass a key as an argument.")
        var newKeyFile: String?
        @Flag(help: "Store the secrets unencrypted instead.") var plain = false
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let new: SecretSealer?
            if plain {
                new = nil
            } else {
                guard let newKeyFile else { throw ValidationError("give --new-key-file FILE (or --plain)") }
                let text = newKeyFile == "-" ? (readLine() ?? "") : ((try? String(contentsOfFile: newKeyFile, encoding: .utf8)) ?? "")
                do { new = try SecretSealer(base64Key: text) } catch { throw ValidationError("new key: \(error.description)") }
            }
            let composition = Composition.bootstrap(try options.load())
            let count: Int
            do {
                count = try await composition.withStore { try await $0.resealSecrets(with: new) }
            } catch let error as ConfigurationError {
                throw ValidationError("configuration: \(error.message)")
            }
            Console.line(new.map { "sealed \(count) secrets with key \($0.keyId); now set secrets.key to the new key" }
                ?? "stored \(count) secrets unencrypted; now remove secrets.key")
        }
    }
}
