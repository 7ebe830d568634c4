import ArgumentParser
import SquawkApp

/// `squawk bench`: the benchmarks whose figures go in closing notes.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Run benchmarks.")
    func run() async throws {}
}
