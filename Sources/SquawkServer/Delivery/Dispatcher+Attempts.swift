import Foundation
import Metrics
import SquawkCore
import SquawkHTTP
import SquawkStore

/// One attempt, from claim to completion: preparing the request, reading what came back, and
/// the outcomes counted.
extension Dispatcher {
    /// `squawk_deliveries_total{outcome}`: delivered, retry, failed, disabled, paced, expired.
    static func count(_ completions: [DeliveryCompletion]) {
        var tally: [String: Int] = [:]
        for c in completions {
            let outcome = switch c.next {
            case .delivered: "delivered"
            case .retry: c.attempt.attempt == 0 ? "paced" : "retry"
            case .failed: "failed"
            case .disableSubscription: "disabled"
            case .expired: "expired"
            }
            tally[outcome, default: 0] += 1
        }
        for (outcome, n) in tally { Counter(label: "squawk_deliveries_total", dimensions: [("outcome", outcome)]).increment(by: n) }
    }

    /// What becomes of one claimed delivery before anything is sent.
    enum Preparation {
        /// Decided without a send: the subscription is no longer active, or the endpoint is paced.
        case decided(DeliveryCompletion, OperationalEvent?)
        /// To be sent; the endpoint's in-flight slot is taken, and the request gives it back as
        /// soon as its exchange ends (``HTTPRequest/onEnd``), not when the whole batch does.
        case send(HTTPRequest)
    }

    /// A delivery given back unsent (paced, or its turn came too late): due again at `dueAt`,
    /// with attempt 0, which is neither logged nor counted.
    static func putBack(_ c: ClaimedDelivery, at: Date, dueAt: Date) -> DeliveryCompletion {
        let nothing = DeliveryAttempt(deliveryId: c.delivery.id, attempt: 0, at: at, statusCode: nil, latencyMs: 0, responseSnippet: nil, error: nil)
        return DeliveryCompletion(attempt: nothing, next: .retry(at: dueAt))
    }

    /// Fails a delivery of a subscription no longer active, puts back a paced one (`pacedUntil`:
    /// the endpoint's slot was not granted), or renders and signs the request (the slot was).
    func prepare(_ c: ClaimedDelivery, now: Date, pacedUntil: Date?, deadline: Date?, startBy: Date? = nil) -> Preparation {
        let sub = c.subscription
        if sub.status != .active {
            let a = DeliveryAttempt(deliveryId: c.delivery.id, attempt: c.delivery.attempts + 1, at: now, statusCode: nil, latencyMs: 0,
                                    responseSnippet: nil, error: "subscription disabled: \(sub.disabledReason ?? "")")
            return .decided(DeliveryCompletion(attempt: a, next: .failed), nil)
        }
        if let later = pacedUntil {
            return .decided(Self.putBack(c, at: now, dueAt: later), nil)
        }
        let body = renderer.render(c.event, format: sub.format, subscriptionId: sub.id, sequence: c.delivery.sequence, mentions: sub.delivery.mentions)
        return .send(request(c, body: body, now: now, deadline: deadline, startBy: startBy))
    }

    /// The signed POST of `body` to `c`'s endpoint; it gives the endpoint's in-flight slot back
    /// when its exchange ends.
    /// `method` and `url` default to a POST to the endpoint (a live card edits at its message's URL).
    func request(_ c: ClaimedDelivery, body: [UInt8], now: Date, deadline: Date?, startBy: Date?,
                 method: HTTPMethod = .post, url: String? = nil) -> HTTPRequest {
        let signed = WebhookSigner.sign(id: c.event.id, timestamp: Int(now.timeIntervalSince1970), body: body, keys: signingKeys(c.secrets))
        var headers: [(name: String, value: String)] = [("content-type", "application/json")]
        headers += signed.list
        let policy = endpointPolicy
        let state = self.state
        let endpoint = c.subscription.notifyEndpoint
        return HTTPRequest(method: method, url: url ?? endpoint, headers: headers, body: body,
                           connectTimeout: configuration.connectTimeout, timeout: configuration.requestTimeout,
                           maxResponseBytes: configuration.maxResponseBytes,
                           allowPeer: { peer in IPAddress(peer.ip).map(policy.allows) ?? false },
                           deadline: deadline.map(instant), startBy: startBy.map(instant),
                           onEnd: { state.withLockedValue { $0.limiter.release(endpoint) } })
    }

    /// A moment on the dispatcher's clock as an instant of the transport's (the transport times
    /// real network I/O, so its deadlines are monotonic instants).
    func instant(_ date: Date) -> ContinuousClock.Instant {
        .now + .milliseconds(Int64((date.timeIntervalSince(clock.now()) * 1000).rounded(.down)))
    }

    /// Records the attempt a send made and asks the pure ``DeliveryDecision`` what follows.
    func conclude(_ c: ClaimedDelivery, _ exchange: HTTPExchange, now: Date) -> (DeliveryCompletion, OperationalEvent?) {
        let sub = c.subscription
        let attemptNumber = c.delivery.attempts + 1
        let result: AttemptResult
        var statusCode: Int?
        var snippet: String?
        var errorText: String?
        switch exchange.result {
        case .success(let response):
            statusCode = response.status
            snippet = String(decoding: response.body.prefix(1024), as: UTF8.self)
            let limits = ReceiverLimits(response, now: now)
            if let until = limits.holdUntil {
                state.withLockedValue { $0.limiter.throttle(sub.notifyEndpoint, global: limits.global, until: until) }
            }
            result = .response(status: response.status, retryAfter: limits.retryAfter)
        case .failure(let e):
            errorText = e.description
            result = e.kind == .peerRefused ? .peerRefused(message: e.message) : .transportError(kind: e.kind.rawValue, message: e.message)
        }
        let elapsed = exchange.elapsed
        let latencyMs = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let attempt = DeliveryAttempt(deliveryId: c.delivery.id, attempt: attemptNumber, at: now, statusCode: statusCode,
                                      latencyMs: latencyMs, responseSnippet: snippet, error: errorText)
        var rng = random
        let action = DeliveryDecision.decide(result, attempt: attemptNumber, format: sub.format, policy: configuration.retryPolicy,
                                             failingSince: c.failingSince, disableAfter: configuration.disableAfter, now: now, using: &rng)
        let completion = action.completion(attempt, now: now)
        switch action {
        case .delivered:
            return (completion, nil)
        case .retry(let delay, let throttle, _):
            if throttle { state.withLockedValue { $0.limiter.throttle(sub.notifyEndpoint, until: now.addingTimeInterval(delay)) } }
            return (completion, nil)
        case .fail(let reason):
            return (completion, OperationalEvent(kind: .deliveryFailed, subscriptionId: sub.id, deliveryId: c.delivery.id, reason: reason, at: now))
        case .disableSubscription(let reason):
            return (completion, OperationalEvent(kind: .subscriptionDisabled, subscriptionId: sub.id, deliveryId: c.delivery.id, reason: reason, at: now))
        }
    }
}
