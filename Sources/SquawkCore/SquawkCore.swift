/// SquawkCore is the pure domain: snapshots, events, subscriptions, the diff engine, the matcher,
/// the retry policy, renderers and validation. Nothing in this module does IO, reads a clock or
/// draws a random number (../shared/DESIGN.md rules 1–3).
public enum SquawkCore {}
