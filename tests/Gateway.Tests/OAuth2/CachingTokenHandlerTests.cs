using System.Security.Claims;
using Gateway.Auth.OAuth2;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.OAuth2;

/// <summary>The validated-token cache on its own: what a hit still checks, what it hands out, what is never cached.</summary>
public sealed class CachingTokenHandlerTests : IDisposable
{
    private static readonly TestSigningKey Key = TestSigningKey.Create("k1");
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private readonly JwksKeyManager _keys = new(
        new OptionsMonitor<OAuth2Options>(new OptionsFactory<OAuth2Options>([], []), [], new OptionsCache<OAuth2Options>()),
        NullLogger<JwksKeyManager>.Instance);
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CachingTokenHandler _handler;

    public CachingTokenHandlerTests() => _handler = new CachingTokenHandler(_keys, time: _time);

    [Fact]
    public async Task RepeatedToken_IsAHit_WithoutCheckingTheSignatureAgain()
    {
        var token = TestIdentityProvider.Token(Key);
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters())).IsValid);

        // Without any key, only a hit can pass; a token not seen before cannot.
        Assert.True((await _handler.ValidateTokenAsync(token, ParametersWithoutKeys())).IsValid);
        Assert.False((await _handler.ValidateTokenAsync(TestIdentityProvider.Token(Key), ParametersWithoutKeys())).IsValid);
    }

    [Fact]
    public async Task CachedToken_IsRefused_OnceExpiredBeyondTheClockSkew()
    {
        var claims = TestIdentityProvider.Claims();
        var token = TestIdentityProvider.Token(Key, claims);
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters())).IsValid);
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims["exp"]!.GetValue<long>());

        _time.Now = expires + Skew - TimeSpan.FromSeconds(2);
        Assert.True((await _handler.ValidateTokenAsync(token, ParametersWithoutKeys())).IsValid);

        _time.Now = expires + Skew + TimeSpan.FromSeconds(2);
        var result = await _handler.ValidateTokenAsync(token, ParametersWithoutKeys());
        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
    }

    [Fact]
    public async Task CachedToken_IsRefused_BeforeItsNotBefore()
    {
        var token = TestIdentityProvider.Token(Key);
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters())).IsValid);

        // nbf is a minute ago: a clock set back two minutes (beyond the 30 s skew) is before it.
        _time.Now -= TimeSpan.FromMinutes(2);
        var result = await _handler.ValidateTokenAsync(token, ParametersWithoutKeys());

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenNotYetValidException>(result.Exception);
    }

    [Fact]
    public async Task EveryValidation_HandsOutItsOwnIdentity()
    {
        var token = TestIdentityProvider.Token(Key);
        var first = (await _handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;
        first.AddClaim(new Claim("added", "by the first request"));

        var second = (await _handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;
        second.AddClaim(new Claim("added", "by the second request"));
        var third = (await _handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;

        Assert.NotSame(first, second);
        Assert.NotSame(second, third);
        Assert.Single(second.FindAll("added"));
        Assert.Empty(third.FindAll("added"));
        Assert.Equal(first.Claims.Count() - 1, third.Claims.Count());
    }

    [Fact]
    public async Task Failures_AreNeverCached()
    {
        var wrongAudience = TestIdentityProvider.Claims();
        wrongAudience["aud"] = "https://someone-else.test";
        var refused = new[]
        {
            TestIdentityProvider.Token(Key, wrongAudience),
            TestIdentityProvider.Token(TestSigningKey.Create("k1")),
            "not.a.token",
        };

        foreach (var token in refused)
        {
            Assert.False((await _handler.ValidateTokenAsync(token, Parameters())).IsValid);
        }

        Assert.Equal(0, _handler.Count);
    }

    [Fact]
    public async Task AcceptedIdentity_IsServedOnlyOnceRemembered_AndAlwaysAsACopy()
    {
        var token = TestIdentityProvider.Token(Key);
        var identity = (await _handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;
        Assert.False(_handler.TryGetAccepted(token, Skew, out _, out _));

        identity.AddClaim(new Claim("gateway", "accepted"));
        _handler.RememberAccepted(token, identity);
        identity.AddClaim(new Claim("gateway", "added after it was remembered"));

        Assert.True(_handler.TryGetAccepted(token, Skew, out var jwt, out var first));
        Assert.Equal(TestIdentityProvider.ClientId, jwt.GetClaim("client_id").Value);
        Assert.Equal("accepted", Assert.Single(first.FindAll("gateway")).Value);
        first.AddClaim(new Claim("gateway", "added by the first request"));
        Assert.True(_handler.TryGetAccepted(token, Skew, out _, out var second));
        Assert.NotSame(first, second);
        Assert.Single(second.FindAll("gateway"));
    }

    [Fact]
    public async Task AcceptedIdentity_IsNotServed_OnceTheTokenExpired()
    {
        var claims = TestIdentityProvider.Claims();
        var token = TestIdentityProvider.Token(Key, claims);
        _handler.RememberAccepted(token, (await _handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity);
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims["exp"]!.GetValue<long>());

        _time.Now = expires + Skew - TimeSpan.FromSeconds(2);
        Assert.True(_handler.TryGetAccepted(token, Skew, out _, out _));
        _time.Now = expires + Skew + TimeSpan.FromSeconds(2);
        Assert.False(_handler.TryGetAccepted(token, Skew, out _, out _));
    }

    [Fact]
    public async Task AcceptedIdentity_IsNotServed_BeforeTheTokensNotBefore()
    {
        var token = TestIdentityProvider.Token(Key);
        _handler.RememberAccepted(token, (await _handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity);
        Assert.True(_handler.TryGetAccepted(token, Skew, out _, out _));

        // nbf is a minute ago: a clock set back two minutes (beyond the 30 s skew) is before it.
        _time.Now -= TimeSpan.FromMinutes(2);
        Assert.False(_handler.TryGetAccepted(token, Skew, out _, out _));
    }

    [Fact]
    public void ATokenNeverValidated_CannotBeRemembered()
    {
        var token = TestIdentityProvider.Token(Key);
        _handler.RememberAccepted(token, new ClaimsIdentity([new Claim("client_id", "forged")], "test"));

        Assert.False(_handler.TryGetAccepted(token, Skew, out _, out _));
    }

    [Fact]
    public async Task Cache_IsBounded()
    {
        using var small = new CachingTokenHandler(_keys, maxEntries: 3, time: _time);

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await small.ValidateTokenAsync(TestIdentityProvider.Token(Key), Parameters())).IsValid);
        }

        Assert.InRange(small.Count, 1, 3);
    }

    private static TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = TestIdentityProvider.Issuer,
        ValidAudience = TestIdentityProvider.Audience,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = Skew,
        IssuerSigningKeys = [Key.SecurityKey],
    };

    private static TokenValidationParameters ParametersWithoutKeys()
    {
        var parameters = Parameters();
        parameters.IssuerSigningKeys = null;
        return parameters;
    }

    public void Dispose()
    {
        _handler.Dispose();
        _keys.Dispose();
    }
}
