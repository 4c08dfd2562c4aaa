using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;

namespace Gateway.Auth.Mtls;

/// <summary>Bound from <c>Auth:Mtls</c>; a new instance on every config reload.</summary>
public sealed class MtlsOptions : AuthenticationSchemeOptions
{
    private readonly Lock _trustLock = new();
    private MtlsTrust? _trust;

    /// <summary>PEM file with the CA certificate(s) client certificates must chain to. Relative to the config file.</summary>
    public string? TrustedCaFile { get; set; }

    /// <summary><c>NoCheck</c> (default), <c>Offline</c> (against <see cref="CrlFile"/>) or <c>Online</c> (the certificates' CRL distribution points).</summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>PEM or DER CRL(s) signed by a trusted CA; required for <c>Offline</c> revocation checks.</summary>
    public string? CrlFile { get; set; }

    /// <summary>Self-signed client certificates accepted anyway: SHA-256 thumbprints in hex (colons allowed), as <c>X-Client-Cert-Sha256</c> shows them.</summary>
    public List<string> AllowedSelfSigned { get; init; } = [];

    /// <summary>Allowed CNs, matched exactly and case-sensitively.</summary>
    public Dictionary<string, MtlsClientOptions> Clients { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The directory relative paths resolve against; set by post-configuration, never from config.</summary>
    internal string BaseDirectory { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>The loaded CA and CRL files; read once per options instance (so once per reload).</summary>
    internal MtlsTrust Trust
    {
        get
        {
            if (_trust is not null)
            {
                return _trust;
            }
            lock (_trustLock)
            {
                return _trust ??= MtlsTrust.Load(this, BaseDirectory);
            }
        }
    }
}
