import ArgumentParser

/// `squawk simulate`: serve the built-in Live API simulator. (Filled by the simulator issue.)
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "Serve a simulated Live API v2.")
    func run() async throws {}
}
