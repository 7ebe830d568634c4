import Hummingbird

/// Hummingbird routes and the long-running services. Never imports a concrete store.
/// Filled by the subscriptions, delivery and serve issues.
public enum SquawkServer {}
