import SquawkLiveAPI

extension World {
    /// Every livery the simulated fleet flies, as `GET /aircraft/liveries` serves them (for
    /// in-process upstreams that skip HTTP).
    public static var liveries: [LiveryData] { StaticCatalog.allLiveries }
}
