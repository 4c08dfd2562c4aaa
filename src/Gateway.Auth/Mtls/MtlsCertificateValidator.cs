using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Auth.Mtls;

/// <summary>
/// Judges a client certificate the way the framework's certificate handler does, with the gateway's
/// stricter defaults: a chain to the configured CAs only (custom root trust, never the system store),
/// inside its validity period, with the client-auth EKU on the leaf itself, not revoked (when
/// configured), not self-signed unless allowed by thumbprint, and with exactly one safe CN.
/// </summary>
internal static class MtlsCertificateValidator
{
    private static readonly Oid ClientAuthentication = new(MtlsDefaults.ClientAuthenticationOid);

    public static MtlsValidationResult Validate(X509Certificate2 certificate, MtlsTrust trust, DateTimeOffset now, string sha256)
    {
        if (!MtlsSubjectName.TryReadCommonName(certificate.SubjectName, out var commonName, out var reason))
        {
            return MtlsValidationResult.Invalid(reason);
        }
        if (now < certificate.NotBefore.ToUniversalTime())
        {
            return MtlsValidationResult.Invalid("client certificate is not yet valid");
        }
        if (now > certificate.NotAfter.ToUniversalTime())
        {
            return MtlsValidationResult.Invalid("client certificate has expired");
        }
        if (!HasClientAuthenticationUsage(certificate))
        {
            return MtlsValidationResult.Invalid("client certificate lacks the client-auth extended key usage");
        }

        var selfSigned = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
        if (selfSigned && !trust.IsAllowedSelfSigned(certificate))
        {
            return MtlsValidationResult.Invalid("self-signed client certificates are not accepted");
        }

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        if (selfSigned)
        {
            policy.CustomTrustStore.Add(certificate);
        }
        else
        {
            policy.CustomTrustStore.AddRange(trust.Authorities);
            policy.ExtraStore.AddRange(trust.Authorities);
        }
        policy.ApplicationPolicy.Add(ClientAuthentication);
        policy.VerificationTime = now.UtcDateTime;
        policy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        policy.RevocationMode = trust.RevocationMode == X509RevocationMode.Online && !selfSigned ? X509RevocationMode.Online : X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = policy.RevocationMode != X509RevocationMode.Online;
        policy.UrlRetrievalTimeout = TimeSpan.FromSeconds(5);

        // Chain elements are left to the finalizer: on some platforms they share instances with the trust store.
        if (!chain.Build(certificate))
        {
            return MtlsValidationResult.Invalid(Describe(chain.ChainStatus));
        }
        if (trust.RevocationMode == X509RevocationMode.Offline && !selfSigned && CheckRevocationLists(chain, trust, now) is { } revoked)
        {
            return MtlsValidationResult.Invalid(revoked);
        }
        return MtlsValidationResult.Valid(new MtlsCertificateIdentity(commonName, sha256, certificate.NotAfter.ToUniversalTime(), CreateClaims(certificate)));
    }

    public static string Sha256Hex(X509Certificate2 certificate)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(certificate.RawDataMemory.Span, hash);
        return Convert.ToHexStringLower(hash);
    }

    private static bool HasClientAuthenticationUsage(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension usage)
            {
                foreach (var oid in usage.EnhancedKeyUsages)
                {
                    if (oid.Value == MtlsDefaults.ClientAuthenticationOid)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// <summary>Every certificate below the root must be covered by a fresh CRL from its issuer and not listed in it.</summary>
    private static string? CheckRevocationLists(X509Chain chain, MtlsTrust trust, DateTimeOffset now)
    {
        var elements = chain.ChainElements;
        for (var i = 0; i < elements.Count - 1; i++)
        {
            var list = trust.FindRevocationList(elements[i + 1].Certificate, forCaCertificate: i > 0);
            if (list is null)
            {
                return "revocation status of the client certificate is unknown (no CRL from its issuer)";
            }
            if (list.IsStale(now))
            {
                return "revocation status of the client certificate is unknown (the CRL is out of date)";
            }
            if (list.IsRevoked(elements[i].Certificate))
            {
                return i == 0 ? "client certificate has been revoked" : "an issuer of the client certificate has been revoked";
            }
        }
        return null;
    }

    private static string Describe(X509ChainStatus[] statuses)
    {
        var flags = X509ChainStatusFlags.NoError;
        foreach (var status in statuses)
        {
            flags |= status.Status;
        }
        if ((flags & X509ChainStatusFlags.Revoked) != 0)
        {
            return "client certificate has been revoked";
        }
        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotSignatureValid)) != 0)
        {
            return "client certificate is not issued by a trusted CA";
        }
        if ((flags & (X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested)) != 0)
        {
            return "a certificate in the client certificate's chain is outside its validity period";
        }
        if ((flags & (X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation)) != 0)
        {
            return "revocation status of the client certificate is unknown";
        }
        if ((flags & (X509ChainStatusFlags.NotValidForUsage | X509ChainStatusFlags.InvalidExtension)) != 0)
        {
            return "client certificate chain is not valid for client authentication";
        }
        return "client certificate failed chain validation";
    }

    /// <summary>The claims <c>Microsoft.AspNetCore.Authentication.Certificate</c> makes, plus every DNS SAN.</summary>
    private static List<Claim> CreateClaims(X509Certificate2 certificate)
    {
        var claims = new List<Claim>(8)
        {
            new("issuer", certificate.Issuer, ClaimValueTypes.String),
            new(ClaimTypes.Thumbprint, certificate.Thumbprint, ClaimValueTypes.Base64Binary),
        };
        Add(claims, ClaimTypes.X500DistinguishedName, certificate.SubjectName.Name);
        Add(claims, ClaimTypes.SerialNumber, certificate.SerialNumber);
        var dnsFromSan = false;
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var dns in san.EnumerateDnsNames())
                {
                    Add(claims, ClaimTypes.Dns, dns);
                    dnsFromSan = true;
                }
            }
        }
        if (!dnsFromSan)
        {
            Add(claims, ClaimTypes.Dns, certificate.GetNameInfo(X509NameType.DnsName, false));
        }
        Add(claims, ClaimTypes.Name, certificate.GetNameInfo(X509NameType.SimpleName, false));
        Add(claims, ClaimTypes.Email, certificate.GetNameInfo(X509NameType.EmailName, false));
        Add(claims, ClaimTypes.Upn, certificate.GetNameInfo(X509NameType.UpnName, false));
        Add(claims, ClaimTypes.Uri, certificate.GetNameInfo(X509NameType.UrlName, false));
        return claims;
    }

    private static void Add(List<Claim> claims, string type, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            claims.Add(new Claim(type, value, ClaimValueTypes.String));
        }
    }
}
