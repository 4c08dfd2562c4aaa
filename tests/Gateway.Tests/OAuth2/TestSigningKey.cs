using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.OAuth2;

/// <summary>An RSA key pair the test identity provider signs with and publishes.</summary>
public sealed class TestSigningKey
{
    private TestSigningKey(RSA rsa, string kid)
    {
        Rsa = rsa;
        Kid = kid;
        SecurityKey = new RsaSecurityKey(rsa) { KeyId = kid };
    }

    public RSA Rsa { get; }

    public string Kid { get; }

    public RsaSecurityKey SecurityKey { get; }

    public static TestSigningKey Create(string kid) => new(RSA.Create(2048), kid);

    /// <summary>The same key pair under another kid (cheap: no new RSA key).</summary>
    public static TestSigningKey FromRsa(RSA rsa, string kid) => new(rsa, kid);

    /// <summary>The public JWK as a JSON object text.</summary>
    public string PublicJwkJson()
    {
        var p = Rsa.ExportParameters(false);
        return $$"""{"kty":"RSA","use":"sig","alg":"RS256","kid":"{{Kid}}","n":"{{B64(p.Modulus!)}}","e":"{{B64(p.Exponent!)}}"}""";
    }

    /// <summary>The public key in PEM (SubjectPublicKeyInfo), as an attacker could download it.</summary>
    public string PublicKeyPem() => Rsa.ExportSubjectPublicKeyInfoPem();

    internal static string B64(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
