/// A decoded Live API result and what the poller may want to know about its response.
public struct LiveAPIReply<Value> {
    public var value: Value
    public var status: Int
    /// Size of the response body in bytes.
    public var byteCount: Int
    /// Time the transport took for the exchange.
    public var elapsed: Duration

    public init(value: Value, status: Int, byteCount: Int, elapsed: Duration) {
        self.value = value
        self.status = status
        self.byteCount = byteCount
        self.elapsed = elapsed
    }
}

extension LiveAPIReply: Sendable where Value: Sendable {}
