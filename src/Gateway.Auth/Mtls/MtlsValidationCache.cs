using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Caching.Memory;

namespace Gateway.Auth.Mtls;

/// <summary>
/// Remembers certificates that passed chain validation, per SHA-256 of the DER bytes and per trust
/// (so a reload that changes the CA or CRL files starts afresh), for at most
/// <see cref="MtlsDefaults.ValidationCacheExpiration"/> and never past the certificate's expiry,
/// with at most <see cref="MtlsDefaults.ValidationCacheSize"/> entries. Failures are not cached.
/// The CN allow-list is not part of what is cached.
/// </summary>
internal sealed class MtlsValidationCache : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MtlsDefaults.ValidationCacheSize });

    public MtlsValidationResult Validate(X509Certificate2 certificate, MtlsTrust trust, DateTimeOffset now)
    {
        var key = new Key(trust, MtlsCertificateValidator.Sha256Hex(certificate));
        if (_cache.TryGetValue(key, out MtlsCertificateIdentity? cached) && cached is not null && cached.NotAfter >= now)
        {
            return MtlsValidationResult.Valid(cached);
        }

        var result = MtlsCertificateValidator.Validate(certificate, trust, now, key.Sha256);
        if (result.Identity is { } identity)
        {
            var expires = now + MtlsDefaults.ValidationCacheExpiration;
            _cache.Set(key, identity, new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpiration = identity.NotAfter < expires ? identity.NotAfter : expires,
            });
        }
        return result;
    }

    public int Count => _cache.Count;

    public void Dispose() => _cache.Dispose();

    private readonly record struct Key(MtlsTrust Trust, string Sha256);
}
