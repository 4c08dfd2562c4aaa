using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tests.Mtls;

/// <summary>
/// An HttpClient for the gateway that counts the TCP connections it opens, so a test can show that
/// several requests went over one connection (one TLS handshake, one client certificate or none).
/// </summary>
public sealed class CountingClient : IDisposable
{
    private int _connections;

    public CountingClient(Uri baseAddress, X509Certificate2? clientCertificate = null, Version? version = null, X509Certificate2? trustedServerCa = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref _connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = trustedServerCa is null
            ? (_, _, _, _) => true
            : (_, certificate, _, _) => certificate is not null && ChainsTo(new X509Certificate2(certificate), trustedServerCa);
        if (clientCertificate is not null)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
        Http = new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            DefaultRequestVersion = version ?? System.Net.HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public HttpClient Http { get; }

    /// <summary>A GET in the client's HTTP version (a bare HttpRequestMessage would default to HTTP/1.1).</summary>
    public HttpRequestMessage Get(string path) => new(HttpMethod.Get, path)
    {
        Version = Http.DefaultRequestVersion,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>TCP connections opened so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public void Dispose() => Http.Dispose();

    private static bool ChainsTo(X509Certificate2 server, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }
}
