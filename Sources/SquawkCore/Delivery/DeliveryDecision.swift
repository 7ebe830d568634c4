import Foundation

/// What happened when a delivery was attempted, as the dispatcher saw it.
public enum AttemptResult: Sendable, Hashable {
    /// An HTTP response (any status). `retryAfter` is the parsed `Retry-After`, seconds.
    case response(status: Int, retryAfter: Double?)
    /// No response: timeout, refused connection, TLS failure…
    case transportError(kind: String, message: String)
    /// The resolved peer address was refused (private address, not allow-listed).
    case peerRefused(message: String)
}

/// The delivery state machine's answer to one attempt (DESIGN.md rule 2: it returns an action,
/// one place executes it).
public enum DeliveryAction: Sendable, Hashable {
    /// Done: 2xx.
    case delivered
    /// Try again after `delay` seconds. `throttleEndpoint` asks the dispatcher to slow the
    /// whole endpoint down (429, 502, 503, 504), until `delay` has passed.
    case retry(delay: Double, throttleEndpoint: Bool, reason: String)
    /// Give up on this delivery (schedule exhausted, or a permanent refusal).
    case fail(reason: String)
    /// Give up and disable the subscription: the receiver said it is gone.
    case disableSubscription(reason: String)
}

/// Decides what follows an attempt: pure, from the result, the attempt number, the format and
/// the retry policy. Status handling per Standard Webhooks / Svix:
///
/// | result | action |
/// | --- | --- |
/// | 2xx | delivered |
/// | 410 Gone | disable the subscription |
/// | 404 from a Discord webhook | disable the subscription (the webhook was deleted) |
/// | 429, 502, 503, 504 | retry per schedule, honouring `Retry-After`; throttle the endpoint |
/// | 3xx | failure (redirects are never followed), retry per schedule |
/// | other 4xx, 5xx, timeouts, connection errors | retry per schedule |
/// | peer address refused | fail at once (retrying cannot help; the operator's allow-list can) |
/// | schedule exhausted | fail |
public enum DeliveryDecision {
    public static func decide(
        _ result: AttemptResult, attempt: Int, format: PayloadFormat, policy: RetryPolicy,
        using rng: inout some RandomNumberGenerator
    ) -> DeliveryAction {
        let reason: String
        var retryAfter: Double?
        var throttle = false
        switch result {
        case .response(let status, let ra):
            switch status {
            case 200..<300: return .delivered
            case 410: return .disableSubscription(reason: "the endpoint answered 410 Gone")
            case 404 where format == .discord: return .disableSubscription(reason: "Discord answered 404: the webhook was deleted")
            case 429, 502, 503, 504:
                throttle = true
                retryAfter = ra
                reason = "the endpoint answered \(status)"
            case 300..<400: reason = "the endpoint answered \(status) (redirects are not followed)"
            default: reason = "the endpoint answered \(status)"
            }
        case .transportError(let kind, let message):
            reason = "\(kind): \(message)"
        case .peerRefused(let message):
            return .fail(reason: "refused to connect: \(message)")
        }
        guard let delay = policy.delay(afterFailedAttempts: attempt, retryAfter: retryAfter, using: &rng) else {
            return .fail(reason: "\(reason); gave up after \(attempt) attempts")
        }
        return .retry(delay: delay, throttleEndpoint: throttle, reason: reason)
    }
}
