namespace Bench.LoadGen;

/// <summary>Which listening address a row sends to (see <see cref="BenchEnvironment"/>).</summary>
internal enum Listener
{
    /// <summary>The gateway's HTTPS endpoint (asks for a client certificate, does not require one).</summary>
    Gateway,

    /// <summary>nginx HTTPS, no client certificate requested: the counterpart of the gateway's None route.</summary>
    NginxHttps,

    /// <summary>nginx HTTPS with <c>ssl_verify_client on</c>: the counterpart of the Mtls route.</summary>
    NginxMtls,

    /// <summary>nginx plain HTTP (informational only: no TLS, so not comparable with the gateway rows).</summary>
    NginxHttp,
}
