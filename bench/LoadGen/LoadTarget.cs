using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bench.LoadGen;

/// <summary>Where a row connects and how: address, TLS options (client certificate, resumption), request bytes.</summary>
internal sealed class LoadTarget
{
    private readonly X509Certificate2? _clientCertificate;
    private readonly string _serverCertificateHash;
    private readonly BenchEnvironment _env;
    private readonly string? _bearerToken;

    public LoadTarget(RowSpec row, BenchEnvironment env, X509Certificate2 clientCertificate, string serverCertificateHash, string? bearerToken)
    {
        Row = row;
        _env = env;
        _bearerToken = bearerToken;
        _serverCertificateHash = serverCertificateHash;
        Url = env.UrlOf(row.Listener);
        EndPoint = new IPEndPoint(IPAddress.Parse(Url.Host), Url.Port);
        IsTls = Url.Scheme == Uri.UriSchemeHttps;
        _clientCertificate = row.PresentsClientCertificate ? clientCertificate : null;
    }

    public RowSpec Row { get; }

    public Uri Url { get; }

    public IPEndPoint EndPoint { get; }

    public bool IsTls { get; }

    public RequestWriter NewRequestWriter() => new(Row, _env, Url.Authority, _bearerToken);

    /// <summary>
    /// TLS options for one connection: HTTP/1.1 by ALPN, the server checked by its certificate's
    /// hash (the bench CA is not in the system store), the client certificate when the row presents
    /// one, and no session resumption on the handshake rows so every request is a full handshake.
    /// </summary>
    public SslClientAuthenticationOptions? NewTlsOptions()
    {
        if (!IsTls)
        {
            return null;
        }
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowTlsResume = !Row.NewConnectionPerRequest,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), _serverCertificateHash, StringComparison.OrdinalIgnoreCase),
        };
        if (_clientCertificate is not null)
        {
            var certificate = _clientCertificate;
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }
        return options;
    }
}
