import Foundation
import Logging
import SquawkHTTP

/// Tells the operator's webhook (configuration `delivery.operator_webhook`) about an
/// operational event: one JSON POST in the Standard Webhooks envelope, best effort (logged when
/// it fails; the event is in the log and the metrics either way).
public enum OperatorWebhook {
    public static func send(_ event: OperationalEvent, to url: String, transport: any HTTPTransport, logger: Logger) async {
        let body: [String: Any] = [
            "type": event.kind.rawValue,
            "timestamp": ISO8601DateFormatter().string(from: event.at),
            "data": ["subscriptionId": event.subscriptionId, "deliveryId": event.deliveryId.map { $0 as Any } ?? NSNull(), "reason": event.reason],
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) else { return }
        let request = HTTPRequest(method: .post, url: url, headers: [("Content-Type", "application/json")], body: Array(data),
                                  timeout: .seconds(10))
        do {
            let response = try await transport.send(request)
            if !(200..<300).contains(response.status) {
                logger.warning("operator webhook refused the event", metadata: ["status": "\(response.status)"])
            }
        } catch {
            logger.warning("operator webhook unreachable", metadata: ["error": "\(error)"])
        }
    }
}
