import ArgumentParser

/// `squawk record`: record Live API snapshots to JSON Lines. (Filled by the simulator issue.)
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "Record Live API snapshots as JSON Lines.")
    func run() async throws {}
}
