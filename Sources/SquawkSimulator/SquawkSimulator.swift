/// A deterministic synthetic world served with the Live API's paths and shapes, with ground
/// truth, fault injection, scenarios, and record/replay.
///
/// - ``World``: the simulated servers, stepped one second at a time; ``TruthEvent`` log.
/// - ``SimulatorServer``: the Hummingbird router serving a world (or a replay) over HTTP.
/// - ``Recorder`` / ``ReplayStore``: JSON Lines recordings of a real or simulated Live API.
public enum SquawkSimulator {}
