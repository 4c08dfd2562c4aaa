namespace Bench.LoadGen;

/// <summary>The rows the suite knows, in table order, and the comparisons (ratios and targets) between them.</summary>
internal static class Rows
{
    public static readonly IReadOnlyList<RowSpec> All =
    [
        new("nginx", "nginx, HTTPS keep-alive, no auth", ProxyKind.Nginx, Listener.NginxHttps, "/nginx/ping", Credential.None),
        new("none", "gateway, Auth None", ProxyKind.Gateway, Listener.Gateway, "/none/ping", Credential.None),
        new("apikey", "gateway, Auth ApiKey (X-API-Key)", ProxyKind.Gateway, Listener.Gateway, "/apikey/ping", Credential.ApiKey),
        new("oauth2", "gateway, Auth OAuth2 (RS256 Bearer JWT)", ProxyKind.Gateway, Listener.Gateway, "/oauth2/ping", Credential.Bearer),
        new("mtls", "gateway, Auth Mtls, kept-alive connections", ProxyKind.Gateway, Listener.Gateway, "/mtls/ping", Credential.ClientCertificate),
        new("hmac", "gateway, Auth Hmac, nonces in Redis", ProxyKind.Gateway, Listener.Gateway, "/hmac/ping", Credential.Hmac),
        new("nginx-mtls", "nginx, ssl_verify_client on, kept-alive connections", ProxyKind.Nginx, Listener.NginxMtls, "/nginx/ping", Credential.ClientCertificate),
        new("nginx-handshake", "nginx, ssl_verify_client on, new TLS connection per request", ProxyKind.Nginx, Listener.NginxMtls, "/nginx/ping", Credential.ClientCertificate, NewConnectionPerRequest: true),
        new("mtls-handshake", "gateway, Auth Mtls, new TLS connection per request", ProxyKind.Gateway, Listener.Gateway, "/mtls/ping", Credential.ClientCertificate, NewConnectionPerRequest: true),
        new("nginx-http", "nginx, plain HTTP keep-alive (informational)", ProxyKind.Nginx, Listener.NginxHttp, "/nginx/ping", Credential.None),
    ];

    public static readonly IReadOnlyList<string> Default =
        ["nginx", "none", "apikey", "oauth2", "mtls", "hmac", "nginx-mtls", "nginx-handshake", "mtls-handshake"];

    /// <summary>Row against baseline; a target on the requests/s ratio (minimum) and on the CPU/request ratio (maximum).</summary>
    public static readonly IReadOnlyList<Comparison> Comparisons =
    [
        new("none", "nginx", MinRpsRatio: 0.8, MaxCpuRatio: 1.8),
        new("apikey", "nginx"),
        new("apikey", "none", MinRpsRatio: 0.95),
        new("oauth2", "none", MinRpsRatio: 0.9),
        new("mtls", "none", MinRpsRatio: 0.9),
        new("hmac", "none", MinRpsRatio: 0.7),
        new("mtls", "nginx-mtls"),
        new("mtls-handshake", "nginx-handshake", MinRpsRatio: 0.7),
    ];

    /// <summary>Peak RSS the gateway may reach under load, in MB.</summary>
    public const double GatewayMaxPeakRssMb = 200;

    public static RowSpec Find(string id) =>
        All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown row '{id}'; known rows: {string.Join(", ", All.Select(r => r.Id))}");
}
