import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// With a configured proxy, libcurl connects to the proxy and the proxy resolves the
/// destination, so the connect-time peer hook would only ever see the proxy. Each destination
/// is vetted here instead, before the request is handed to the curl thread: its host (a literal
/// address, or every address its name resolves to) must pass ``HTTPRequest/allowPeer``.
/// Resolution runs on a Dispatch queue, never on the curl thread or a Swift task's thread.
enum ProxyDestinationCheck {
    /// Why `request` must not be sent, or nil when its destination passes (or it has no hook).
    static func refusal(_ request: HTTPRequest) async -> HTTPTransportError? {
        guard let allow = request.allowPeer else { return nil }
        guard let (host, port) = hostAndPort(request.url) else {
            return HTTPTransportError(.invalidRequest, "the URL has no host")
        }
        let addresses = await resolve(host, port: port)
        guard !addresses.isEmpty else { return HTTPTransportError(.connectFailed, "the destination's name did not resolve") }
        if let refused = addresses.first(where: { !allow(PeerAddress(ip: $0, port: port)) }) {
            return HTTPTransportError(.peerRefused, "the destination resolves to \(refused), which is not allowed")
        }
        return nil
    }

    /// Host (brackets removed) and port of an http(s) URL; user info is skipped.
    static func hostAndPort(_ url: String) -> (String, Int)? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let https = url[..<schemeEnd.lowerBound].lowercased() == "https"
        let rest = url[schemeEnd.upperBound...]
        var authority = rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = Substring(authority)
        var port = https ? 443 : 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) ?? -1 }
        } else if let colon = host.lastIndex(of: ":") {
            port = Int(host[host.index(after: colon)...]) ?? -1
            host = host[..<colon]
        }
        guard !host.isEmpty, (0...65_535).contains(port) else { return nil }
        return (String(host), port)
    }

    /// Every address `host` resolves to, as text (`getaddrinfo`, on a Dispatch queue).
    static func resolve(_ host: String, port: Int) async -> [String] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: resolveBlocking(host)) }
        }
    }

    private static func resolveBlocking(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var result: [String] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(cString: buffer)
                if !result.contains(text) { result.append(text) }
            }
            node = current.pointee.ai_next
        }
        return result
    }
}
