namespace Bench.LoadGen;

/// <summary>
/// One row of the table: which proxy and listener, which path, what the requests carry, and
/// whether each request opens a new TLS connection (the handshake rows).
/// </summary>
internal sealed record RowSpec(
    string Id,
    string Description,
    ProxyKind Proxy,
    Listener Listener,
    string Path,
    Credential Credential,
    bool NewConnectionPerRequest = false)
{
    public bool PresentsClientCertificate => Credential == Credential.ClientCertificate;
}
