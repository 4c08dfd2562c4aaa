using System.Security.Claims;

namespace Gateway.Auth.Mtls;

/// <summary>
/// A client certificate that passed chain validation: its CN, the lowercase hex SHA-256 of its DER
/// bytes, and the claims the framework's certificate handler makes from it. Cached per certificate;
/// whether the CN is allowed is decided on every request, against the current config.
/// </summary>
internal sealed record MtlsCertificateIdentity(string CommonName, string Sha256, DateTimeOffset NotAfter, IReadOnlyList<Claim> CertificateClaims);
