namespace Gateway.Auth;

/// <summary>
/// The claim types every strategy puts on the principal it authenticates. The host turns them into
/// the identity headers the backend receives, so a strategy never writes a header itself.
/// </summary>
public static class GatewayClaimTypes
{
    /// <summary>
    /// The prefix of every gateway claim type. Claims that come from outside (a token's) must never
    /// carry it, in any letter case: they would be read as the gateway's own.
    /// </summary>
    public const string Prefix = "gw:";

    /// <summary>Whether <paramref name="type"/> is in the gateway's namespace (any letter case).</summary>
    public static bool IsReserved(string type) => type.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The client's name: ApiKey client, HMAC key id, certificate CN, or the OAuth2 client id.</summary>
    public const string ClientId = "gw:client_id";

    /// <summary>The strategy that authenticated the request: <c>ApiKey</c>, <c>OAuth2</c>, <c>Mtls</c> or <c>Hmac</c>.</summary>
    public const string AuthMethod = "gw:auth_method";

    /// <summary>One claim per scope the client holds.</summary>
    public const string Scope = "gw:scope";

    /// <summary>Mtls: the subject CN of the verified client certificate.</summary>
    public const string CertificateCommonName = "gw:cert_cn";

    /// <summary>Mtls: lowercase hex SHA-256 of the verified client certificate's DER bytes.</summary>
    public const string CertificateSha256 = "gw:cert_sha256";
}
