using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>
/// The token service's RSA key. Its <c>kid</c> is the RFC 7638 thumbprint of the public key, so the
/// same key file always yields the same <c>kid</c> and a new key a new one.
/// </summary>
internal sealed class TokenSigningKey
{
    public const int KeySizeInBits = 2048;

    private TokenSigningKey(RSA rsa)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        Modulus = Base64Url.EncodeToString(parameters.Modulus);
        Exponent = Base64Url.EncodeToString(parameters.Exponent);
        KeyId = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"e":"{{Exponent}}","kty":"RSA","n":"{{Modulus}}"}""")));
        PrivateKey = new RsaSecurityKey(rsa) { KeyId = KeyId };
        var publicRsa = RSA.Create();
        publicRsa.ImportParameters(parameters);
        PublicKey = new RsaSecurityKey(publicRsa) { KeyId = KeyId };
    }

    public string KeyId { get; }

    /// <summary>base64url of the public modulus (JWK <c>n</c>).</summary>
    public string Modulus { get; }

    /// <summary>base64url of the public exponent (JWK <c>e</c>).</summary>
    public string Exponent { get; }

    /// <summary>Signs tokens; never leaves the token service.</summary>
    public RsaSecurityKey PrivateKey { get; }

    /// <summary>Verifies tokens; what OAuth2 routes trust.</summary>
    public RsaSecurityKey PublicKey { get; }

    public static TokenSigningKey Generate() => new(RSA.Create(KeySizeInBits));

    /// <summary>
    /// Reads a PEM RSA private key (PKCS#8 or PKCS#1). A public key alone is refused
    /// (<see cref="CryptographicException"/>): it would be trusted, and then fail to sign.
    /// </summary>
    public static TokenSigningKey FromPem(string pem)
    {
        if (!HasPrivateKeyLabel(pem))
        {
            throw new CryptographicException("the file holds no PEM private key (a public key cannot sign tokens)");
        }
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        if (rsa.KeySize < KeySizeInBits)
        {
            rsa.Dispose();
            throw new CryptographicException($"the RSA key has {rsa.KeySize} bits; at least {KeySizeInBits} are required");
        }
        return new TokenSigningKey(rsa);
    }

    /// <summary>
    /// Whether a PEM block is labelled as a private key. <see cref="RSA.ImportFromPem"/> takes exactly one
    /// key block (private or public), so with such a label present the key it takes is the private one.
    /// </summary>
    private static bool HasPrivateKeyLabel(ReadOnlySpan<char> pem)
    {
        while (PemEncoding.TryFind(pem, out var fields))
        {
            if (pem[fields.Label] is "PRIVATE KEY" or "RSA PRIVATE KEY")
            {
                return true;
            }
            pem = pem[fields.Location.End..];
        }
        return false;
    }

    public static TokenSigningKey Load(string path) => FromPem(File.ReadAllText(path));

    /// <summary>Makes a new key and writes it to <paramref name="path"/> (owner-readable only).</summary>
    public static void CreateFile(string path)
    {
        using var rsa = RSA.Create(KeySizeInBits);
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        PrivateKeyFile.Write(path, rsa.ExportPkcs8PrivateKeyPem());
    }
}
