using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bench.LoadGen;

/// <summary>
/// The <c>prepare-oauth2</c> verb: a fresh RSA key, its public half as a JWKS document (served by
/// the bench backend at /jwks.json) and one RS256 client-credentials-style token signed with it.
/// The private key is never written: a new run makes a new key.
/// </summary>
internal static class TokenMaker
{
    public const string Usage = "LoadGen prepare-oauth2 --out DIR --issuer ISS --audience AUD [--client-id ID] [--scope SCOPE]";

    public static int Run(IReadOnlyList<string> args)
    {
        string? outDirectory = null, issuer = null, audience = null;
        string clientId = "bench-oauth2", scope = "bench";
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--out": outDirectory = args[i + 1]; break;
                case "--issuer": issuer = args[i + 1]; break;
                case "--audience": audience = args[i + 1]; break;
                case "--client-id": clientId = args[i + 1]; break;
                case "--scope": scope = args[i + 1]; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (outDirectory is null || issuer is null || audience is null)
        {
            throw new ArgumentException(Usage);
        }

        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        const string kid = "bench-rs256";
        var jwks = new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid, n = Base64Url(parameters.Modulus!), e = Base64Url(parameters.Exponent!) },
            },
        };
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new { alg = "RS256", typ = "JWT", kid };
        var payload = new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["sub"] = clientId,
            ["client_id"] = clientId,
            ["scope"] = scope,
            ["iat"] = now,
            ["nbf"] = now - 60,
            ["exp"] = now + (7 * 24 * 3600),
            ["jti"] = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture),
        };
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Directory.CreateDirectory(outDirectory);
        File.WriteAllBytes(Path.Combine(outDirectory, "jwks.json"), JsonSerializer.SerializeToUtf8Bytes(jwks));
        File.WriteAllText(Path.Combine(outDirectory, "token.jwt"), signingInput + "." + Base64Url(signature));
        return 0;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
