import SquawkCore

/// The ordering group of a delivery (``Delivery/orderingKey``), computed the same way by every
/// backend so that their queues order alike.
///
/// The group is the subscription plus the event's subject, the first of: the flight id, the
/// frequency id, the airport, and (for an event with none of them) the event id itself, which
/// makes it a group of one. The kind of subject is part of the key, so a flight id that happens
/// to equal an airport code does not share a group with that airport.
///
/// | event | key |
/// | --- | --- |
/// | takeoff of flight `f-1` | `sub_1 flight:f-1` |
/// | ATIS change on frequency `q-9` at EGLL | `sub_1 frequency:q-9` |
/// | event with only an airport | `sub_1 airport:EGLL` |
/// | event with no subject | `sub_1 event:evt_…` |
public enum DeliveryOrdering {
    public static func key(subscriptionId: String, event: FlightEvent) -> String {
        let subject: String
        if let flight = event.flightId {
            subject = "flight:" + flight
        } else if let frequency = event.frequencyId {
            subject = "frequency:" + frequency
        } else if let airport = event.airport {
            subject = "airport:" + airport
        } else {
            subject = "event:" + event.id
        }
        return subscriptionId + " " + subject
    }
}
