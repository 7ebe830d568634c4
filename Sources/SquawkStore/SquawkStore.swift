/// Store protocols (subscriptions, events, delivery queue, attempts, API keys) and the contract
/// suite every backend passes. Filled by the subscriptions issue.
public enum SquawkStore {}
