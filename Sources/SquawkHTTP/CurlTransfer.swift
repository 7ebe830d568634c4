import CCurl
import Foundation

// MARK: - CurlTransfer

/// One request on one easy handle: sets the handle up, receives curl's callbacks, and turns
/// the end of the transfer into a response or an ``HTTPTransportError``.
///
/// Confined to the curl thread. Callbacks find it through an `Unmanaged` pointer passed as
/// their user data; ``CurlLoop`` keeps it alive (in its `active` table) for as long as the easy
/// handle is in the multi handle, and ``release()`` resets the handle so no pointer to it
/// outlives it.
///
/// ## The peer-address hook
/// When the request has ``HTTPRequest/allowPeer``, two callbacks ask it:
/// - `CURLOPT_OPENSOCKETFUNCTION` runs after DNS, before a socket is opened, for every address
///   curl tries. Refusing returns `CURL_SOCKET_BAD`, so **not a single packet** goes to a
///   refused address; curl moves on to the host's next address (if `localhost` is `::1` and
///   `127.0.0.1`, both are asked). It does not run when curl reuses a cached connection.
/// - `CURLOPT_PREREQFUNCTION` (libcurl ≥ 7.80) runs before **every** request with the
///   connection's primary IP and port, on new and reused connections alike (HTTP/2 streams
///   included). It closes the gap: a connection opened for a request without a hook (or with a
///   more lenient one) is never used by a request whose hook refuses that address.
/// Using only PREREQ would let a refused address receive a TCP handshake and a TLS
/// ClientHello before the check; using only OPENSOCKET would let cached connections bypass it
/// (forcing `FRESH_CONNECT` would instead cost every webhook its connection reuse). Both
/// together cost one extra call of the hook per new connection.
final class CurlTransfer {
    let job: CurlJob
    let easy: UnsafeMutableRawPointer
    private var requestHeaders: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var responseHeaders: [(name: String, value: String)] = []
    private var body: [UInt8] = []
    private var bodyTooLarge = false
    /// Addresses the hook refused at `OPENSOCKETFUNCTION` time.
    private var refusedAddresses: [PeerAddress] = []
    /// Addresses the hook allowed at `OPENSOCKETFUNCTION` time (a socket was opened).
    private var allowedAttempts = 0
    /// The connection's address, when the hook refused it at `PREREQFUNCTION` time.
    private var refusedConnection: PeerAddress?
    /// What was left of the exchange when its deadline, not its timeout, set the limit (for the
    /// timeout's message).
    private var cutByDeadline: Int?

    /// The configured proxy; nil: none, whatever the environment says.
    let proxy: String?

    init(job: CurlJob, easy: UnsafeMutableRawPointer, proxy: String? = nil) {
        self.job = job
        self.proxy = proxy
        self.easy = easy
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        errorBuffer.deallocate()
        curl_slist_free_all(requestHeaders)
    }

    /// Resets the easy handle (dropping every option that points into this object) and frees
    /// the header list. Call once the handle is out of the multi handle.
    func release() {
        curl_easy_reset(easy)
        curl_slist_free_all(requestHeaders)
        requestHeaders = nil
    }

    /// New connections this transfer opened (0 when it reused one).
    var connectionsOpened: Int {
        var value = 0
        _ = squawk_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &value)
        return value
    }

    // MARK: - Setup

    /// Sets every option for the request; `remaining` is what is left of its timeout.
    /// Returns an error (and sends nothing) if the request cannot be sent as given.
    func configure(remaining: Duration) -> HTTPTransportError? {
        let request = job.request
        let isHTTPS = Self.hasPrefix(request.url, "https://")
        guard isHTTPS || Self.hasPrefix(request.url, "http://") else {
            return HTTPTransportError(.invalidRequest, "only http and https URLs are allowed")
        }
        if let problem = Self.headerProblem(request.headers) {
            return HTTPTransportError(.invalidRequest, problem)
        }
        let hasBody = !(request.body ?? []).isEmpty
        if hasBody, request.method == .get || request.method == .head {
            return HTTPTransportError(.invalidRequest, "a \(request.method.rawValue) request cannot carry a body")
        }

        let context = Unmanaged.passUnretained(self).toOpaque()
        var ok = true
        func check(_ code: CURLcode) { if code != CURLE_OK { ok = false } }

        check(request.url.withCString { squawk_easy_setopt_cstr(easy, CURLOPT_URL, $0) })
        check(squawk_easy_setopt_ptr(easy, CURLOPT_PRIVATE, context))
        check(squawk_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)))
        check(squawk_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(squawk_easy_setopt_cstr(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(squawk_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        check(squawk_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1))
        check(squawk_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2))
        // Waiting for a connection to turn out multiplexed pays only where one can (HTTP/2 is
        // negotiated in the TLS handshake). A plain http:// connection is never multiplexed, and
        // waiting on it would hold every other request to that host behind a receiver that hangs.
        if isHTTPS { check(squawk_easy_setopt_long(easy, CURLOPT_PIPEWAIT, 1)) }
        // libcurl reads http_proxy, HTTPS_PROXY, ALL_PROXY and NO_PROXY by default: an empty
        // CURLOPT_PROXY and NOPROXY "*" turn that off, so only a configured proxy is ever used.
        if let proxy {
            check(proxy.withCString { squawk_easy_setopt_cstr(easy, CURLOPT_PROXY, $0) })
            check(squawk_easy_setopt_cstr(easy, CURLOPT_NOPROXY, ""))
        } else {
            check(squawk_easy_setopt_cstr(easy, CURLOPT_PROXY, ""))
            check(squawk_easy_setopt_cstr(easy, CURLOPT_NOPROXY, "*"))
        }

        // Limits. The connect limit never exceeds what is left of the total.
        let totalLimit = max(1, remaining.milliseconds)
        let connectLimit = max(1, min(request.connectTimeout.milliseconds, totalLimit))
        check(squawk_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, connectLimit))
        check(squawk_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, totalLimit))
        if let deadline = request.deadline, deadline - ContinuousClock.now <= remaining { cutByDeadline = totalLimit }
        // Refuses early when Content-Length already says too much; the write callback covers
        // chunked bodies.
        check(squawk_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(max(0, request.maxResponseBytes))))

        // Response callbacks.
        check(squawk_easy_setopt_datacb(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().receiveBody(data, size * count)
        })
        check(squawk_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, context))
        check(squawk_easy_setopt_datacb(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().receiveHeader(data, size * count)
        })
        check(squawk_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, context))

        // Peer-address hook (see the type's documentation for why both callbacks).
        // Through a proxy the connection is to the proxy (the operator's choice); the destination
        // was vetted by name before the request reached this thread (``CurlEngine``).
        if request.allowPeer != nil, proxy == nil {
            check(squawk_easy_setopt_opensocketcb(easy) { context, _, address in
                guard let context, let address else { return CURL_SOCKET_BAD }
                return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().openSocket(address)
            })
            check(squawk_easy_setopt_ptr(easy, CURLOPT_OPENSOCKETDATA, context))
            check(squawk_easy_setopt_prereqcb(easy) { context, primaryIP, _, primaryPort, _ in
                guard let context, let primaryIP else { return CURL_PREREQFUNC_ABORT }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.approveConnection(ip: String(cString: primaryIP), port: Int(primaryPort))
                    ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT
            })
            check(squawk_easy_setopt_ptr(easy, CURLOPT_PREREQDATA, context))
        }

        // Headers, exactly as given, plus what curl would otherwise add on its own. Each line is
        // written into one scratch buffer and copied by curl: no string per header.
        var given = (userAgent: false, expect: false, accept: false, contentType: false)
        var line: [CChar] = []
        line.reserveCapacity(256)
        for header in request.headers {
            let name = header.name
            if Self.equalsIgnoringCase(name, "content-length") { continue }
            if Self.equalsIgnoringCase(name, "user-agent") { given.userAgent = true }
            if Self.equalsIgnoringCase(name, "expect") { given.expect = true }
            if Self.equalsIgnoringCase(name, "accept") { given.accept = true }
            if Self.equalsIgnoringCase(name, "content-type") { given.contentType = true }
            line.removeAll(keepingCapacity: true)
            for byte in name.utf8 { line.append(CChar(bitPattern: byte)) }
            if header.value.isEmpty {
                line.append(CChar(UInt8(ascii: ";")))  // curl's spelling of "send this header empty"
            } else {
                line.append(CChar(UInt8(ascii: ":")))
                line.append(CChar(UInt8(ascii: " ")))
                for byte in header.value.utf8 { line.append(CChar(bitPattern: byte)) }
            }
            line.append(0)
            guard appendHeader(line) else { return HTTPTransportError(.other, "out of memory") }
        }
        if !given.userAgent {
            check(squawk_easy_setopt_cstr(easy, CURLOPT_USERAGENT, SquawkVersion.userAgent))
        }
        let sendsBody = request.method == .post || request.method == .put || request.method == .patch
            || (request.method == .delete && request.body != nil)
        var added: [StaticString] = []
        if !given.expect { added.append("Expect:") }  // no 100-continue round trip
        if !given.accept { added.append("Accept:") }  // curl would add "*/*"
        if sendsBody, !given.contentType { added.append("Content-Type:") }  // curl would add application/x-www-form-urlencoded
        for header in added {
            let appended = header.withUTF8Buffer { bytes in
                line.removeAll(keepingCapacity: true)
                for byte in bytes { line.append(CChar(bitPattern: byte)) }
                line.append(0)
                return appendHeader(line)
            }
            guard appended else { return HTTPTransportError(.other, "out of memory") }
        }
        check(squawk_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, requestHeaders))

        // Method and body.
        switch request.method {
        case .get: check(squawk_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case .head: check(squawk_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
        case .post: check(squawk_easy_setopt_long(easy, CURLOPT_POST, 1))
        case .put, .patch, .delete:
            check(request.method.rawValue.withCString { squawk_easy_setopt_cstr(easy, CURLOPT_CUSTOMREQUEST, $0) })
        }
        if sendsBody {
            let bytes = request.body ?? []
            check(squawk_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)))
            // COPYPOSTFIELDS needs a non-null pointer even for an empty body.
            let storage = bytes.isEmpty ? [0] : bytes
            check(storage.withUnsafeBytes {
                squawk_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
            })
        }
        return ok ? nil : HTTPTransportError(.other, "libcurl rejected an option")
    }

    /// Adds one NUL-terminated header line to the request's list (curl copies it).
    private func appendHeader(_ line: [CChar]) -> Bool {
        guard let list = line.withUnsafeBufferPointer({ curl_slist_append(requestHeaders, $0.baseAddress) }) else { return false }
        requestHeaders = list
        return true
    }

    // MARK: - Callbacks

    private func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard length > 0, let data else { return length }
        guard body.count + length <= job.request.maxResponseBytes else {
            bodyTooLarge = true
            return 0  // aborts the transfer with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    /// One header line from curl (status line, field, or the blank end line), parsed on bytes:
    /// this runs for every header of every response, and Foundation's trimming is costly here.
    private func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard length > 0, let data else { return length }
        let line = UnsafeRawBufferPointer(start: data, count: length)
        if length >= 5, line[0] == UInt8(ascii: "H"), line[1] == UInt8(ascii: "T"), line[2] == UInt8(ascii: "T"),
           line[3] == UInt8(ascii: "P"), line[4] == UInt8(ascii: "/") {
            responseHeaders.removeAll()  // a new response (after a 1xx): keep only the final one's
            return length
        }
        let content = Self.trimmed(line[...])
        guard !content.isEmpty else { return length }
        if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") {  // obsolete line folding
            if !responseHeaders.isEmpty {
                responseHeaders[responseHeaders.count - 1].value += " " + String(decoding: content, as: UTF8.self)
            }
            return length
        }
        guard let colon = content.firstIndex(of: UInt8(ascii: ":")) else { return length }
        let nameBytes = Self.trimmed(content[..<colon])
        let name = String(unsafeUninitializedCapacity: nameBytes.count) { buffer in
            for (offset, byte) in nameBytes.enumerated() {
                buffer[offset] = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
            }
            return nameBytes.count
        }
        let value = String(decoding: Self.trimmed(content[(colon + 1)...]), as: UTF8.self)
        responseHeaders.append((name: name, value: value))
        return length
    }

    /// `bytes` without leading and trailing spaces, tabs, CR and LF.
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        func isSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 0x0D || byte == 0x0A
        }
        var lower = bytes.startIndex
        var upper = bytes.endIndex
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return bytes[lower..<upper]
    }

    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        guard let peer = Self.peerAddress(address), let allowPeer = job.request.allowPeer else { return CURL_SOCKET_BAD }
        guard allowPeer(peer) else {
            refusedAddresses.append(peer)
            return CURL_SOCKET_BAD
        }
        allowedAttempts += 1
        return squawk_socket_open(address)
    }

    private func approveConnection(ip: String, port: Int) -> Bool {
        let peer = PeerAddress(ip: ip, port: port)
        guard let allowPeer = job.request.allowPeer, allowPeer(peer) else {
            refusedConnection = peer
            return false
        }
        return true
    }

    private static func peerAddress(_ address: UnsafeMutablePointer<curl_sockaddr>) -> PeerAddress? {
        var text = [CChar](repeating: 0, count: 64)
        guard squawk_sockaddr_to_string(address, &text, socklen_t(text.count)) == 0 else { return nil }
        let port = squawk_sockaddr_port(address)
        guard port >= 0 else { return nil }
        let ip = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return PeerAddress(ip: ip, port: Int(port))
    }

    // MARK: - Outcome

    /// The response, or why there is none, for a transfer that ended with `code`.
    func outcome(_ code: CURLcode) -> Result<HTTPResponse, HTTPTransportError> {
        guard code == CURLE_OK else { return .failure(error(for: code)) }
        var status = 0
        _ = squawk_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var microseconds: curl_off_t = 0
        _ = squawk_easy_getinfo_off(easy, CURLINFO_TOTAL_TIME_T, &microseconds)
        return .success(HTTPResponse(
            status: status, headers: responseHeaders, body: body, elapsed: .microseconds(Int64(microseconds))))
    }

    private func error(for code: CURLcode) -> HTTPTransportError {
        let limit = job.request.maxResponseBytes
        if code == CURLE_FILESIZE_EXCEEDED || (code == CURLE_WRITE_ERROR && bodyTooLarge) {
            return HTTPTransportError(.bodyTooLarge, "the response body is larger than the limit of \(limit) bytes")
        }
        if code == CURLE_ABORTED_BY_CALLBACK, let refusedConnection {
            return HTTPTransportError(
                .peerRefused, "the peer address \(refusedConnection) is not allowed for this request")
        }
        if !refusedAddresses.isEmpty, allowedAttempts == 0, code == CURLE_COULDNT_CONNECT || code == CURLE_OPERATION_TIMEDOUT {
            let list = refusedAddresses.map(\.description).joined(separator: ", ")
            return HTTPTransportError(.peerRefused, "no allowed peer address: refused \(list)")
        }
        let detail = self.detail(for: code)
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            var limits = "connect \(job.request.connectTimeout.milliseconds) ms, total \(job.request.timeout.milliseconds) ms"
            if let cutByDeadline { limits += ", cut to \(cutByDeadline) ms by the request's deadline" }
            return HTTPTransportError(.timeout, "\(detail) (limits: \(limits))")
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            let refused = refusedAddresses.isEmpty ? ""
                : " (refused by policy: \(refusedAddresses.map(\.description).joined(separator: ", ")))"
            return HTTPTransportError(.connectFailed, detail + refused)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED:
            return HTTPTransportError(.tls, detail)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return HTTPTransportError(.invalidRequest, String(cString: curl_easy_strerror(code)))
        default:
            return HTTPTransportError(.other, "curl error \(code.rawValue): \(detail)")
        }
    }

    /// curl's own explanation (the error buffer, else the code's text) with every part of the
    /// URL that may hold a secret (user info, path, query) cut out.
    private func detail(for code: CURLcode) -> String {
        var text = errorBuffer.pointee == 0 ? String(cString: curl_easy_strerror(code)) : String(cString: errorBuffer)
        for secret in Self.secretParts(of: job.request.url) where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "…")
        }
        return text
    }
}
