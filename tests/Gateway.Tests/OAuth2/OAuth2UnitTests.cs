using System.Security.Claims;
using System.Text;
using Gateway.Auth;
using Gateway.Auth.OAuth2;
using Microsoft.Extensions.Primitives;

namespace Gateway.Tests.OAuth2;

/// <summary>The pure parts: claims mapping, bearer header reading, the JWS header's alg.</summary>
public sealed class OAuth2UnitTests
{
    private static ClaimsIdentity Identity(params (string Type, string Value)[] claims) =>
        new(claims.Select(c => new Claim(c.Type, c.Value)), "test");

    [Fact]
    public void ClientId_PrefersClientId_ThenAzp_ThenSub()
    {
        var all = Identity(("client_id", "c"), ("azp", "a"), ("sub", "s"));
        Assert.Null(OAuth2Claims.AddGatewayClaims(all));
        Assert.Equal("c", all.FindFirst(GatewayClaimTypes.ClientId)!.Value);

        var azp = Identity(("azp", "a"), ("sub", "s"));
        Assert.Null(OAuth2Claims.AddGatewayClaims(azp));
        Assert.Equal("a", azp.FindFirst(GatewayClaimTypes.ClientId)!.Value);

        var sub = Identity(("sub", "s"));
        Assert.Null(OAuth2Claims.AddGatewayClaims(sub));
        Assert.Equal("s", sub.FindFirst(GatewayClaimTypes.ClientId)!.Value);
        Assert.Equal("OAuth2", sub.FindFirst(GatewayClaimTypes.AuthMethod)!.Value);
    }

    [Fact]
    public void Scopes_ComeFromScopeAndScp_SplitOnSpaces_WithoutDuplicates()
    {
        var identity = Identity(("client_id", "c"), ("scope", " read:a  write:b "), ("scp", "read:a"), ("scp", "export:c"));

        Assert.Null(OAuth2Claims.AddGatewayClaims(identity));

        Assert.Equal(["read:a", "write:b", "export:c"], identity.FindAll(GatewayClaimTypes.Scope).Select(c => c.Value));
    }

    [Theory]
    [InlineData("client_id", "bad\nid", "the token's client id contains characters that cannot be forwarded")]
    [InlineData("client_id", "caf\u00e9", "the token's client id contains characters that cannot be forwarded")]
    [InlineData("client_id", "alice,admin", "the token's client id contains a comma")]
    [InlineData("client_id", " admin", "the token's client id starts or ends with a space")]
    [InlineData("client_id", "admin\t", "the token's client id contains characters that cannot be forwarded")]
    [InlineData("scope", "read:a\u0007", "the token's scope claim contains an invalid scope")]
    [InlineData("scp", "read\"a", "the token's scp claim contains an invalid scope")]
    [InlineData("scope", "read:a,admin", "the token's scope claim contains a scope with a comma")]
    [InlineData("scp", "read:a ,admin", "the token's scp claim contains a scope with a comma")]
    public void UnforwardableValues_RefuseTheToken(string type, string value, string expected)
    {
        var identity = type == "client_id" ? Identity((type, value)) : Identity(("client_id", "c"), (type, value));

        Assert.Equal(expected, OAuth2Claims.AddGatewayClaims(identity));
        Assert.Null(identity.FindFirst(GatewayClaimTypes.ClientId));
    }

    [Theory]
    [InlineData("Bearer abc.def.ghi", "abc.def.ghi", null)]
    [InlineData("bearer abc", "abc", null)]
    [InlineData("BEARER   abc  ", "abc", null)]
    [InlineData("Bearer", null, "empty bearer token")]
    [InlineData("Bearer    ", null, "empty bearer token")]
    [InlineData("Bearerabc", null, "expected an Authorization: Bearer token")]
    [InlineData("Basic dXNlcjpwYXNz", null, "expected an Authorization: Bearer token")]
    [InlineData("", null, "expected an Authorization: Bearer token")]
    public void ReadToken_IsStrictAboutTheHeader(string header, string? token, string? error)
    {
        Assert.Equal(error, OAuth2Events.ReadToken(new StringValues(header), out var read));
        Assert.Equal(token, read);
    }

    [Fact]
    public void ReadToken_RefusesTwoHeaders_AndHugeTokens()
    {
        Assert.Equal("more than one Authorization header", OAuth2Events.ReadToken(new StringValues(["Bearer a", "Bearer b"]), out _));
        Assert.Equal("the bearer token is too large", OAuth2Events.ReadToken(new StringValues("Bearer " + new string('a', OAuth2Defaults.MaxTokenLength + 1)), out _));
    }

    [Theory]
    [InlineData("{\"alg\":\"RS256\",\"kid\":\"k\"}", "RS256")]
    [InlineData("{\"kid\":{\"nested\":[1,2]},\"typ\":\"JWT\",\"alg\":\"none\"}", "none")]
    [InlineData("{\"kid\":\"k\"}", null)]
    [InlineData("{\"alg\":5}", null)]
    [InlineData("[1,2]", null)]
    [InlineData("{\"alg\":", null)]
    public void JwtHeaderReader_ReadsAlg(string headerJson, string? expected)
    {
        var token = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(headerJson)) + ".e30.sig";
        Assert.Equal(expected, JwtHeaderReader.ReadAlgorithm(token));
    }

    [Theory]
    [InlineData("{\"alg\":\"RS256\",\"crit\":[\"b64\"],\"b64\":false}", true)]
    [InlineData("{\"crit\":[],\"alg\":\"RS256\"}", true)]
    [InlineData("{\"alg\":\"RS256\",\"crit\":\"not-even-a-list\"}", true)]
    [InlineData("{\"alg\":\"RS256\",\"crit\":null}", true)]
    [InlineData("{\"alg\":\"RS256\",\"kid\":\"crit\"}", false)]
    [InlineData("{\"alg\":\"RS256\",\"x\":{\"crit\":1}}", false)]
    public void CriticalHeader_IsFound_AtTheTopLevel_InAnyForm(string headerJson, bool critical)
    {
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(
            System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(headerJson)) + ".e30.c2ln");
        Assert.Equal(critical, OAuth2Events.CriticalHeaderProblem(token) is not null);
    }

    [Theory]
    [InlineData("no-dot-at-all")]
    [InlineData(".e30.")]
    [InlineData("!!!.e30.sig")]
    public void JwtHeaderReader_GivesNull_ForGarbage(string token) => Assert.Null(JwtHeaderReader.ReadAlgorithm(token));

    [Fact]
    public void SigningKeys_ForAKid_AreThatKey_AndKeysWithoutAnId_FromBothSets()
    {
        var a = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "a" };
        var b = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "b" };
        var noId = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048));
        var own = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "own" };

        Assert.Equal([a, noId], TokenSigningKeys.For("a", [a, b, noId], [own]));
        Assert.Equal([own], TokenSigningKeys.For("own", [a, b], [own]));
        Assert.Empty(TokenSigningKeys.For("A", [a, b], [own]));
        Assert.Empty(TokenSigningKeys.For("a\u0000", [a, b], null));
        Assert.Empty(TokenSigningKeys.For("c", null, null));
        // A key built from a published certificate chain keeps the published kid: compared exactly too.
        using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=idp", System.Security.Cryptography.RSA.Create(2048), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var chained = new Microsoft.IdentityModel.Tokens.X509SecurityKey(certificate, "idp-kid-1");
        Assert.Equal([chained], TokenSigningKeys.For("idp-kid-1", [chained], null));
        Assert.Empty(TokenSigningKeys.For("IDP-KID-1", [chained], null));
        // No kid (absent or empty): every key of both sets.
        Assert.Equal([a, b, noId, own], TokenSigningKeys.For(null, [a, b, noId], [own]));
        Assert.Equal([a, b], TokenSigningKeys.For("", [a, b], null));
    }
}
