/// The OpenAPI 3.1 document served at `/openapi.json`: the contract of the REST API, kept as a
/// real document in `Resources/openapi.json` (embedded in the binary at build time, so a deployed
/// `squawk` needs no resource bundle to serve it). The route agreement test fails when a route,
/// parameter, status code or schema field exists on one side only.
public enum OpenAPIDocument {
    /// The document's bytes, exactly as the resource file holds them.
    public static let data: [UInt8] = PackageResources.openapi_json

    /// The document as text.
    public static let json = String(decoding: data, as: UTF8.self)
}
