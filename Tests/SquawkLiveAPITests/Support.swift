import Foundation
import SquawkHTTP
import SquawkLiveAPI
import SquawkTesting
import Testing

// MARK: - Fixtures

/// Reads the sample payloads copied from the seeds into `Fixtures/`.
enum Fixtures {
    static let directory: URL = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("Fixtures folder missing from the test bundle")
        }
        return url
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        try String(decoding: Data(contentsOf: directory.appendingPathComponent(name)), as: UTF8.self)
    }

    /// Every `*.json` file in the folder.
    static func jsonFiles() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") })
    }
}

// MARK: - Fake upstream

/// Test doubles for the Live API's side of the wire.
enum FakeLiveAPI {
    static let key = "ifk-test-SECRET-0123456789abcdef"
    /// 2023-11-14T22:13:20Z, the fixed "now" of Retry-After tests.
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// A transport answering every request with the same response.
    static func answering(
        status: Int = 200, body: [UInt8], headers: [(name: String, value: String)] = []
    ) -> FakeTransport {
        FakeTransport { _ in HTTPResponse(status: status, headers: headers, body: body, elapsed: .milliseconds(3)) }
    }

    static func answering(status: Int = 200, json: String, headers: [(name: String, value: String)] = []) -> FakeTransport {
        answering(status: status, body: Array(json.utf8), headers: headers)
    }

    static func client(_ transport: FakeTransport, baseURL: String = "https://api.example.test") -> LiveAPIClient {
        LiveAPIClient(apiKey: key, transport: transport, baseURL: baseURL, now: { now })
    }
}

/// The path part of a URL string (between host and query).
func pathOf(_ url: String) -> String {
    URLComponents(string: url)?.percentEncodedPath ?? ""
}

/// Runs `body` and returns the ``LiveAPIError`` it throws, or records an issue.
func liveAPIError<T>(
    _ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation
) async -> LiveAPIError? {
    do {
        let value = try await body()
        Issue.record("expected a LiveAPIError, got \(value)", sourceLocation: sourceLocation)
    } catch let error as LiveAPIError {
        return error
    } catch {
        Issue.record("expected a LiveAPIError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

// MARK: - JSON key paths

/// Flattened view of a JSON document for "no field silently dropped" checks.
enum JSONPaths {
    /// Every leaf (and every empty container) by indexed path: `result[0].facility.id`.
    static func leaves(_ data: Data) throws -> [String: Any] {
        let root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        var out: [String: Any] = [:]
        walk(root, "", &out)
        return out
    }

    /// Every key path with array indices collapsed: `result[].facility.id`. Includes interior
    /// objects, so a missing object key is reported even if its children were all null.
    static func keyPaths(_ data: Data) throws -> Set<String> {
        let root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        var out: Set<String> = []
        collect(root, "", &out)
        return out
    }

    private static func walk(_ node: Any, _ path: String, _ out: inout [String: Any]) {
        if let object = node as? [String: Any], !object.isEmpty {
            for (k, v) in object { walk(v, path.isEmpty ? k : path + "." + k, &out) }
        } else if let array = node as? [Any], !array.isEmpty {
            for (i, v) in array.enumerated() { walk(v, path + "[\(i)]", &out) }
        } else {
            out[path] = node
        }
    }

    private static func collect(_ node: Any, _ path: String, _ out: inout Set<String>) {
        if !path.isEmpty { out.insert(path) }
        if let object = node as? [String: Any] {
            for (k, v) in object { collect(v, path.isEmpty ? k : path + "." + k, &out) }
        } else if let array = node as? [Any] {
            for v in array { collect(v, path + "[]", &out) }
        }
    }
}
