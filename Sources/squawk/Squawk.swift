import ArgumentParser
import SquawkApp

@main
struct Squawk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "squawk",
        abstract: "Infinite Flight Live API → flight-status webhooks.",
        version: SquawkApp.version
    )
}
