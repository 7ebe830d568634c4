/// A deterministic synthetic world served with the Live API's paths and shapes.
/// Filled by the simulator issue.
public enum SquawkSimulator {}
