import Foundation

// MARK: - ReplayStore

/// Recorded Live API responses, served back in time order: for a path and a sim time, the
/// latest record at or before that time.
///
/// Reads every `*.jsonl` file of a directory written by ``Recorder``: one record per line,
/// `{"at": ISO 8601, "path": "/public/v2/…", "body": <the raw JSON response>}` with `body` the
/// last key, so its bytes are served exactly as recorded.
public struct ReplayStore: Sendable {
    /// Records of one path, in time order.
    struct Track: Sendable {
        var times: [Date] = []
        var bodies: [Data] = []
    }

    /// Why a recording could not be read.
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    private var tracks: [String: Track] = [:]
    /// The earliest record's time (sim time starts here).
    public private(set) var firstTime: Date?
    /// Records read.
    public private(set) var count = 0

    /// An empty store (fill it with ``add(path:at:body:)``).
    public init() {}

    /// Reads every `.jsonl` file in `directory`.
    public init(directory: URL) throws {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "jsonl" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else { throw ReadError(description: "no .jsonl recordings in \(directory.path)") }
        for file in files {
            let data = try Data(contentsOf: file)
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                guard let record = ReplayStore.parse(line: Data(line)) else {
                    throw ReadError(description: "\(file.lastPathComponent): not a replay record")
                }
                add(path: record.path, at: record.at, body: record.body)
            }
        }
        for key in tracks.keys {
            // Keep each track in time order (records of one file already are; merging may not be).
            let t = tracks[key]!
            let order = t.times.indices.sorted { t.times[$0] < t.times[$1] }
            tracks[key] = Track(times: order.map { t.times[$0] }, bodies: order.map { t.bodies[$0] })
        }
    }

    /// Adds one record (appended; call in time order per path).
    public mutating func add(path: String, at: Date, body: Data) {
        tracks[ReplayStore.normalize(path), default: Track()].times.append(at)
        tracks[ReplayStore.normalize(path), default: Track()].bodies.append(body)
        if firstTime.map({ at < $0 }) ?? true { firstTime = at }
        count += 1
    }

    /// The latest body recorded for `path` at or before `time`, if any.
    public func body(path: String, at time: Date) -> Data? {
        guard let t = tracks[ReplayStore.normalize(path)] else { return nil }
        var lo = 0, hi = t.times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if t.times[mid] <= time { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : t.bodies[lo - 1]
    }

    /// Paths recorded, sorted.
    public var paths: [String] { tracks.keys.sorted() }

    /// The lookup key of a path: no query, no trailing slash, lower case.
    static func normalize(_ path: String) -> String {
        var p = path
        if let q = p.firstIndex(of: "?") { p = String(p[..<q]) }
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        return p.lowercased()
    }

    // MARK: - Record lines

    /// The head of a record line (`body` is cut out of the raw bytes separately).
    struct RecordHead: Codable {
        var at: String
        var path: String
    }

    /// Parses one line: `{"at":…,"path":…,"body":RAW}`.
    static func parse(line: Data) -> (at: Date, path: String, body: Data)? {
        guard let head = try? JSONDecoder().decode(RecordHead.self, from: line),
              let at = TruthEvent.parseDate(head.at)
        else { return nil }
        let marker = Data(",\"body\":".utf8)
        guard let range = line.range(of: marker), line.last == UInt8(ascii: "}") else { return nil }
        let body = line[range.upperBound..<line.index(before: line.endIndex)]
        return (at, head.path, Data(body))
    }

    /// Formats one line (what ``Recorder`` writes).
    static func line(at: Date, path: String, body: Data) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var out = try encoder.encode(RecordHead(at: TruthEvent.formatDate(at), path: path))
        out.removeLast()  // the closing brace
        out.append(Data(",\"body\":".utf8))
        out.append(body)
        out.append(Data("}\n".utf8))
        return out
    }
}
