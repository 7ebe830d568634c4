/// The body of every Live API response: `{"errorCode": n, "result": …}`.
///
/// `result` is decoded only when `errorCode` is 0, so an error body whose `result` is `null`
/// or of another shape still yields its code.
public struct LiveAPIEnvelope<Result> {
    public var errorCode: Int
    /// The payload; `nil` when `errorCode` is not 0.
    public var result: Result?

    public init(errorCode: Int, result: Result?) {
        self.errorCode = errorCode
        self.result = result
    }

    enum CodingKeys: String, CodingKey {
        case errorCode, result
    }
}

// MARK: - Codable

extension LiveAPIEnvelope: Decodable where Result: Decodable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        errorCode = try c.decode(Int.self, forKey: .errorCode)
        result = errorCode == 0 ? try c.decode(Result.self, forKey: .result) : nil
    }
}

extension LiveAPIEnvelope: Encodable where Result: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(errorCode, forKey: .errorCode)
        try c.encode(result, forKey: .result)
    }
}

extension LiveAPIEnvelope: Sendable where Result: Sendable {}
extension LiveAPIEnvelope: Equatable where Result: Equatable {}
extension LiveAPIEnvelope: Hashable where Result: Hashable {}
