using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// RFC 8705 §3: a certificate-bound token carries <c>cnf</c> = <c>{"x5t#S256": base64url(SHA-256(DER))}</c>
/// of the certificate its client must present on the TLS connection.
/// </summary>
internal static class CertificateBinding
{
    public const string ConfirmationClaim = "cnf";
    public const string ThumbprintMember = "x5t#S256";

    /// <summary>Returns why the token is not bound to <paramref name="certificate"/>, or null when it is.</summary>
    public static string? Check(ClaimsIdentity identity, X509Certificate2? certificate)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (certificate is null)
        {
            return "this route requires the client certificate the token is bound to";
        }
        var expected = ReadThumbprint(identity.Claims.FirstOrDefault(c => string.Equals(c.Type, ConfirmationClaim, StringComparison.Ordinal))?.Value);
        if (expected is null)
        {
            return "the token is not bound to a certificate (no cnf x5t#S256)";
        }
        var presented = Thumbprint(certificate);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented))
            ? null
            : "the token is bound to a different certificate";
    }

    /// <summary>base64url (no padding) of the SHA-256 of the certificate's DER bytes.</summary>
    public static string Thumbprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(certificate.RawDataMemory.Span));
    }

    private static string? ReadThumbprint(string? cnf)
    {
        if (string.IsNullOrEmpty(cnf) || cnf.Length > 4096)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(cnf);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(ThumbprintMember, out var value)
                && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: GetString on a string with an unpaired surrogate escape ("\ud800").
            return null;
        }
    }
}
