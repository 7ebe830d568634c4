import ArgumentParser
import Foundation
import SquawkApp
import SquawkBenchmarks

/// `squawk bench …`: the benchmarks whose figures go in closing notes. Not tests: figures depend
/// on the machine; build in release (`make bench`) and run on an idle machine.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run benchmarks (build with -c release first).",
        subcommands: [Transport.self, Dispatch.self, Chat.self, Outbox.self, Simulator.self, Detection.self, Diff.self, Match.self, Store.self, FLS.self, API.self, ConsolePages.self])

    /// `squawk bench transport --url U`: the libcurl transport posting 1 KiB JSON bodies.
    struct Transport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Requests/s of the libcurl transport posting JSON to a receiver (e.g. nginx with scripts/nginx-bench.conf).")
        @Option(help: "Receiver URL.") var url = "http://127.0.0.1:8098/"
        @Option(help: "Requests to send.") var requests = 20_000
        @Option(help: "Requests in flight.") var concurrency = 64
        @Option(help: "Body size, bytes.") var bodyBytes = 1_024
        @Flag(help: "Hand all requests over as one batch (send(all:concurrency:), as the dispatcher does) instead of one task per request.")
        var batched = false
        func run() async throws {
            print(try await TransportBenchmark.run(url: url, requests: requests, concurrency: concurrency, bodyBytes: bodyBytes, batched: batched))
        }
    }

    /// `squawk bench dispatch --url U`: signed deliveries/s through the SQLite outbox and the dispatcher.
    struct Dispatch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliveries/s through the durable outbox and dispatcher to a receiver (nginx with scripts/nginx-bench.conf), vs the raw transport.")
        @Option(help: "Receiver base URL (paths /hook/N are appended).") var url = "http://127.0.0.1:18080/"
        @Option(help: "Events to deliver.") var events = 50_000
        @Option(help: "Distinct receiver endpoints (subscriptions).") var endpoints = 1_000
        @Option(help: "Offered load of the steady phase, events/s.") var steadyRate = 2_000.0
        @Option(help: "Deliveries claimed per transaction (the server's default is 256).") var batchSize = 1_024
        @Option(help: "Batches in flight at once.") var pipelineDepth = 3
        @Option(help: "Sends in flight at once.") var concurrency = 128
        @Option(help: "A postgres:// URL: deliver through PostgreSQL instead (a new schema per run), with --instances dispatchers.") var store: String?
        @Option(help: "Dispatcher instances sharing the PostgreSQL outbox (with --store).") var instances = 1
        func run() async throws {
            if let store {
                print(try await PostgresDispatchBenchmark.run(url: url, store: store, instances: instances, events: events, endpoints: endpoints,
                                                             batchSize: batchSize, pipelineDepth: pipelineDepth, concurrency: concurrency, progress: printProgress))
                return
            }
            print(try await DispatchBenchmark.run(url: url, events: events, endpoints: endpoints, steadyRate: steadyRate,
                                                  batchSize: batchSize, pipelineDepth: pipelineDepth, concurrency: concurrency, progress: printProgress))
        }
    }

    /// `squawk bench chat`: one saturated Discord webhook on virtual time.
    struct Chat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claims per message, events per message, budget and lag for one saturated Discord webhook (real dispatcher and outbox, virtual time).")
        @Option(help: "Events a second for the subscription.") var rate = 4.0
        @Option(help: "Distinct flights the events belong to.") var flights = 200
        func run() async throws {
            print(try await ChatBenchmark.run(rate: rate, flights: flights))
        }
    }

    /// `squawk bench outbox`: the SQLite outbox alone (enqueue, claim → complete), no network.
    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enqueue and claim→complete rates of the SQLite outbox alone.")
        @Option(help: "Events to enqueue.") var events = 10_000
        @Option(help: "Subscriptions each event goes to.") var subscriptions = 10
        func run() async throws {
            print(try await OutboxBenchmark.run(events: events, subscriptions: subscriptions))
        }
    }

    /// `squawk bench simulator`: truth counts and CPU per snapshot of the simulated world.
    struct Simulator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Truth counts and CPU per snapshot of a simulated world.")
        @Option(help: "Flights on the server.") var flights = 2_000
        @Option(help: "Simulated hours.") var hours = 1.0
        @Option(help: "Seed of the world.") var seed: UInt64 = 1
        func run() async throws {
            print(try SimulatorBenchmark.run(flights: flights, hours: hours, seed: seed))
        }
    }

    /// `squawk bench detection`: precision and recall of the diff engine against simulator truth.
    struct Detection: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Precision/recall of the diff engine against the simulator's truth.")
        @Option(help: "Seed of the world.") var seed: UInt64 = 2024
        @Option(help: "Flights per server (three servers).") var flightsPerServer = 500
        @Option(help: "Simulated seconds.") var duration = 3_600.0
        @Option(help: "Seconds between snapshots.") var interval = 15.0
        @Option(help: "Unmatched examples to print per type.") var examples = 0
        @Flag(inversion: .prefixedNo, help: "First run the previous rules (offline after 1 missed snapshot, touchdown rate from the first ground sample) on the same world, for a before/after.")
        var baseline = true
        func run() async throws {
            let options = DetectionBenchmark.Options(seed: seed, flightsPerServer: flightsPerServer, duration: duration,
                                                     interval: interval, examples: examples)
            let progress = printProgress
            if baseline {
                var before = options
                before.differ.offlineGraceSamples = 1
                before.differ.legacyTouchdownRate = true
                print("## Before: offline after 1 missed snapshot, touchdown rate from the first ground sample\n")
                print(DetectionBenchmark.run(before, progress: progress))
                print("## After: the current rules\n")
            }
            let report = DetectionBenchmark.run(options, progress: progress)
            print(report)
            print("touchdown-rate goal (rate on ≥ 90 %, median ≤ 50, p90 ≤ 150 ft/min): \(report.meetsTouchdownGoal ? "met" : "NOT met")")
            if !report.meetsGoal || !report.meetsTouchdownGoal { throw ExitCode(1) }
        }
    }

    /// `squawk bench fls`: precision and recall of the FLS differ against a simulated club day.
    struct FLS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Precision/recall of FLS events against a simulated club day; cost of one poll.")
        @Option(help: "Flights in the club day.") var flights = 200
        @Option(help: "Seed of the day.") var seed: UInt64 = 1
        @Option(help: "Poll intervals to compare, seconds.") var intervals: [Double] = [60, 300, 900]
        func run() async throws {
            print(try FLSBenchmark.run(flights: flights, seed: seed, intervals: intervals))
        }
    }

    /// `squawk bench diff`: time to diff a 10,000-flight snapshot, memory per flight, decode time.
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Diff time for a large snapshot, memory per flight, JSON decode time.")
        @Option(help: "Flights in the snapshot.") var flights = 10_000
        @Option(help: "Snapshots diffed.") var snapshots = 40
        func run() async throws {
            print(try DiffBenchmark.run(.init(flights: flights, snapshots: snapshots), progress: printProgress))
        }
    }

    /// `squawk bench match`: routing events to subscriptions; memory of a large matcher.
    struct Match: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Matching a batch of events against many subscriptions; matcher memory.")
        @Option(help: "Subscriptions indexed.") var subscriptions = 100_000
        @Option(help: "Events per batch.") var events = 1_000
        func run() async throws {
            print(MatcherBenchmark.run(subscriptions: subscriptions, events: events))
        }
    }

    /// `squawk bench store`: inserting and loading subscriptions in SQLite.
    struct Store: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Insert and load subscriptions in SQLite; RSS with all loaded.")
        @Option(help: "Subscriptions to insert.") var count = 1_000_000
        @Option(help: "Database file (default: a temporary file).") var db: String?
        func run() async throws {
            print(try await StoreBenchmark(count: count, path: db).run(progress: printProgress))
        }
    }

    /// `squawk bench api`: the REST API against a bare Hummingbird route, driven by wrk.
    struct API: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Requests/s and latency of GET by id, GET list and POST create against a bare Hummingbird route, in one run (needs wrk).")
        @Option(help: "Subscriptions in the store.") var subscriptions = 1_000
        @Option(help: "Connections wrk keeps open.") var connections = 32
        @Option(help: "wrk threads.") var threads = 2
        @Option(help: "Seconds per route.") var seconds = 5
        func run() async throws {
            var bench = APIBenchmark()
            bench.subscriptions = subscriptions
            bench.connections = connections
            bench.threads = threads
            bench.seconds = seconds
            print(try await bench.run(progress: printProgress))
        }
    }

    /// `squawk bench console`: the console's heaviest pages over a full store.
    struct ConsolePages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "console",
            abstract: "Server-side time of the console's overview, subscriptions list (1,000 in the store) and delivery log (10,000 rows) (needs wrk and curl).")
        @Option(help: "Subscriptions in the store.") var subscriptions = 1_000
        @Option(help: "Deliveries in one subscription's log.") var deliveries = 10_000
        @Option(help: "Seconds per page.") var seconds = 5
        func run() async throws {
            var bench = ConsoleBenchmark()
            bench.subscriptions = subscriptions
            bench.deliveries = deliveries
            bench.seconds = seconds
            print(try await bench.run(progress: printProgress))
        }
    }
}

/// Where every benchmark's progress lines go: standard error, so the figures on standard output
/// stay clean to redirect.
private let printProgress: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
