import Foundation
import SquawkCore
import SquawkServer

/// The console's pictures, drawn on the server as inline SVG (no script, no tiles, no fonts from
/// elsewhere): the activity chart, the budget gauge and the live map.
enum ConsoleSVG {
    struct Bar: Sendable, Hashable {
        var start: Date
        var delivered: Int
        var failed: Int
        var expired: Int
        var total: Int { delivered + failed + expired }
    }

    /// `count` one-minute bars from `since`, stacked delivered / failed / expired.
    static func activityChart(_ bars: [Bar], since: Date, count: Int) -> String {
        let width = 600.0, height = 120.0, slot = width / Double(count)
        var byIndex: [Int: Bar] = [:]
        for b in bars {
            let i = Int((b.start.timeIntervalSince(since) / 60).rounded(.down))
            if (0..<count).contains(i) { byIndex[i] = b }
        }
        let peak = max(1, byIndex.values.map(\.total).max() ?? 0)
        var out = ##"<svg class="chart" viewBox="0 0 \##(Int(width)) \##(Int(height) + 16)" role="img" aria-label="Deliveries per minute over the last hour: delivered, failed, expired">"##
        out += ##"<line x1="0" y1="\##(height)" x2="\##(width)" y2="\##(height)" stroke="#8894a8" stroke-width="1"/>"##
        for (i, b) in byIndex.sorted(by: { $0.key < $1.key }) {
            var y = height
            for (value, color, name) in [(b.delivered, "#2f9e5b", "delivered"), (b.failed, "#d64545", "failed"), (b.expired, "#9aa3b2", "expired")] where value > 0 {
                let h = height * Double(value) / Double(peak)
                y -= h
                out += ##"<rect class="\##(name)" x="\##(fmt(Double(i) * slot + 1))" y="\##(fmt(y))" width="\##(fmt(slot - 2))" height="\##(fmt(h))" fill="\##(color)"><title>\##(time(b.start)): \##(value) \##(name)</title></rect>"##
            }
        }
        out += ##"<text x="0" y="\##(Int(height) + 13)" font-size="11" fill="#5a6578">\##(time(since))</text>"##
        out += ##"<text x="\##(Int(width))" y="\##(Int(height) + 13)" font-size="11" fill="#5a6578" text-anchor="end">now · peak \##(peak)/min</text>"##
        return out + "</svg>"
    }

    /// A half-circle gauge of `value` against `limit`.
    static func gauge(value: Double, limit: Double, label: String) -> String {
        let share = min(1, max(0, value / limit))
        let angle = Double.pi * (1 - share)
        let (cx, cy, r) = (60.0, 60.0, 50.0)
        let x = cx + r * cos(angle), y = cy - r * sin(angle)
        let color = share < 0.8 ? "#2f9e5b" : share < 0.95 ? "#d69a2d" : "#d64545"
        return ##"<svg class="gauge" viewBox="0 0 120 75" role="img" aria-label="\##(label): \##(Int((share * 100).rounded())) % of the budget">"##
            + ##"<path d="M10 60 A50 50 0 0 1 110 60" fill="none" stroke="#e3e7ee" stroke-width="12"/>"##
            + (share > 0 ? ##"<path d="M10 60 A50 50 0 0 1 \##(fmt(x)) \##(fmt(y))" fill="none" stroke="\##(color)" stroke-width="12"/>"## : "")
            + ##"<text x="60" y="58" font-size="16" text-anchor="middle" fill="#1d2433">\##(Int((share * 100).rounded())) %</text>"##
            + ##"<text x="60" y="73" font-size="9" text-anchor="middle" fill="#5a6578">\##(esc(label))</text></svg>"##
    }

    /// Large airports drawn as reference points on every map.
    static let landmarks = ["KJFK", "KLAX", "KORD", "KATL", "KSFO", "KDFW", "KSEA", "KMIA", "CYYZ", "MMMX", "SBGR", "SCEL", "EGLL", "LFPG",
                            "EDDF", "EHAM", "LEMD", "LIRF", "LTFM", "UUEE", "OMDB", "VIDP", "VHHH", "RJTT", "RKSI", "ZBAA", "WSSS", "YSSY",
                            "NZAA", "FAOR", "HECA", "GMMN", "OTHH", "VTBS", "PHNL", "PANC", "BIKF", "ENGM"]

    /// Flights as dots (a tick along their track) on an equirectangular world, with the
    /// landmark airports and the flights' own origins and destinations as reference points.
    static func map(_ flights: [LiveFlightView], airports: AirportIndex) -> String {
        let width = 720.0, height = 360.0
        func x(_ lon: Double) -> Double { (lon + 180) / 360 * width }
        func y(_ lat: Double) -> Double { (90 - lat) / 180 * height }
        var out = ##"<svg class="map" viewBox="0 0 \##(Int(width)) \##(Int(height))" role="img" aria-label="\##(flights.count) flights">"##
        out += ##"<rect width="\##(Int(width))" height="\##(Int(height))" fill="#0f2747"/>"##
        for lat in stride(from: -60.0, through: 60, by: 30) {
            out += ##"<line x1="0" y1="\##(fmt(y(lat)))" x2="\##(Int(width))" y2="\##(fmt(y(lat)))" stroke="#23406a" stroke-width="0.5"/>"##
        }
        for lon in stride(from: -150.0, through: 150, by: 30) {
            out += ##"<line x1="\##(fmt(x(lon)))" y1="0" x2="\##(fmt(x(lon)))" y2="\##(Int(height))" stroke="#23406a" stroke-width="0.5"/>"##
        }
        var codes = Set(landmarks)
        for f in flights { for c in [f.plan?.origin, f.plan?.destination].compactMap({ $0 }) { codes.insert(c.uppercased()) } }
        for code in codes.sorted() {
            guard let a = airports[code] else { continue }
            out += ##"<g class="airport"><circle cx="\##(fmt(x(a.longitude)))" cy="\##(fmt(y(a.latitude)))" r="1.6" fill="#8fb3e0"/>"##
                + ##"<text x="\##(fmt(x(a.longitude) + 3))" y="\##(fmt(y(a.latitude) - 2))" font-size="6" fill="#8fb3e0">\##(esc(code))</text></g>"##
        }
        for f in flights {
            let px = x(f.flight.longitude), py = y(f.flight.latitude)
            let t = f.flight.track * .pi / 180
            let color = f.airborne == false ? "#f2c14e" : "#ffffff"
            out += ##"<g class="flight"><circle cx="\##(fmt(px))" cy="\##(fmt(py))" r="2.2" fill="\##(color)"/>"##
                + ##"<line x1="\##(fmt(px))" y1="\##(fmt(py))" x2="\##(fmt(px + 5 * sin(t)))" y2="\##(fmt(py - 5 * cos(t)))" stroke="\##(color)" stroke-width="0.8"/>"##
                + ##"<title>\##(esc(f.flight.callsign)) · \##(Int(f.flight.altitude)) ft · \##(Int(f.flight.speed)) kt\##(f.plan.map { p in " · " + esc((p.origin ?? "?") + " → " + (p.destination ?? "?")) } ?? "")</title></g>"##
        }
        return out + "</svg>"
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    static func time(_ d: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: d)
        return String(format: "%02d:%02d UTC", c.hour ?? 0, c.minute ?? 0)
    }

    /// Text for SVG/HTML.
    static func esc(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
