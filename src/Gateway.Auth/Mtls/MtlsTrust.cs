using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Auth.Mtls;

/// <summary>
/// What client certificates are judged against, read from the files one options instance names:
/// the trusted CAs, the CRLs (for <c>Offline</c> revocation) and the self-signed certificates
/// allowed by thumbprint. A config reload makes a new options instance and so a new trust.
/// </summary>
internal sealed class MtlsTrust
{
    private readonly byte[][] _allowedSelfSigned;

    private MtlsTrust(X509Certificate2Collection authorities, IReadOnlyList<MtlsRevocationList> revocationLists, X509RevocationMode revocationMode, byte[][] allowedSelfSigned)
    {
        Authorities = authorities;
        RevocationLists = revocationLists;
        RevocationMode = revocationMode;
        _allowedSelfSigned = allowedSelfSigned;
    }

    public X509Certificate2Collection Authorities { get; }

    public IReadOnlyList<MtlsRevocationList> RevocationLists { get; }

    public X509RevocationMode RevocationMode { get; }

    /// <summary>
    /// Loads the files <paramref name="options"/> names, resolving relative paths against
    /// <paramref name="baseDirectory"/>. Throws <see cref="IOException"/>, <see cref="InvalidDataException"/>
    /// or <see cref="CryptographicException"/> with a message fit for a config error.
    /// </summary>
    public static MtlsTrust Load(MtlsOptions options, string baseDirectory)
    {
        if (string.IsNullOrWhiteSpace(options.TrustedCaFile))
        {
            throw new InvalidDataException("TrustedCaFile is not set");
        }
        var authorities = LoadAuthorities(Path.GetFullPath(options.TrustedCaFile, baseDirectory));
        var revocationLists = options.RevocationMode == X509RevocationMode.Offline && !string.IsNullOrWhiteSpace(options.CrlFile)
            ? MtlsRevocationList.LoadFile(Path.GetFullPath(options.CrlFile, baseDirectory), authorities)
            : [];
        var allowed = new List<byte[]>();
        foreach (var thumbprint in options.AllowedSelfSigned)
        {
            if (!TryParseThumbprint(thumbprint, out var bytes))
            {
                throw new InvalidDataException("AllowedSelfSigned entries must be SHA-256 thumbprints in hex");
            }
            allowed.Add(bytes);
        }
        return new MtlsTrust(authorities, revocationLists, options.RevocationMode, [.. allowed]);
    }

    /// <summary>What <see cref="Load"/> throws when the files are unreadable or broken (as opposed to a bug).</summary>
    public static bool IsLoadFailure(Exception exception) =>
        exception is IOException or InvalidDataException or UnauthorizedAccessException or CryptographicException;

    public static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        if (authorities.Count == 0)
        {
            throw new InvalidDataException("contains no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return authorities;
    }

    public bool IsAllowedSelfSigned(X509Certificate2 certificate)
    {
        Span<byte> sha256 = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(certificate.RawDataMemory.Span, sha256);
        foreach (var allowed in _allowedSelfSigned)
        {
            if (CryptographicOperations.FixedTimeEquals(allowed, sha256))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The newest CRL issued by <paramref name="issuer"/>, if one was loaded: latest thisUpdate, then
    /// highest cRLNumber, then the first in the file. A file that gathers a CA's CRLs over time holds
    /// older ones too: they neither revoke what the newest no longer lists nor make the status unknown
    /// once out of date. (Only complete CRLs load: delta and partitioned ones are refused.)
    /// </summary>
    /// <param name="issuer">The CA that issued the certificate checked.</param>
    /// <param name="forCaCertificate">The certificate checked is a CA's: CRLs for end-entity certificates only do not cover it.</param>
    public MtlsRevocationList? FindRevocationList(X509Certificate2 issuer, bool forCaCertificate = false)
    {
        MtlsRevocationList? newest = null;
        foreach (var list in RevocationLists)
        {
            if (list.Issuer.RawDataMemory.Span.SequenceEqual(issuer.RawDataMemory.Span)
                && !(forCaCertificate && list.OnlyUserCertificates)
                && (newest is null || list.ThisUpdate > newest.ThisUpdate
                    || (list.ThisUpdate == newest.ThisUpdate && list.Number > newest.Number)))
            {
                newest = list;
            }
        }
        return newest;
    }

    /// <summary>Accepts <c>AB12…</c>, <c>ab12…</c> and <c>AB:12:…</c> (as <c>openssl x509 -fingerprint</c> prints).</summary>
    public static bool TryParseThumbprint(string? value, out byte[] bytes)
    {
        bytes = [];
        if (value is null)
        {
            return false;
        }
        var hex = value.Replace(":", string.Empty, StringComparison.Ordinal).Trim();
        if (hex.Length != SHA256.HashSizeInBytes * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }
        bytes = Convert.FromHexString(hex);
        return true;
    }
}
