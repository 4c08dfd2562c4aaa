using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Auth.ApiKeys;

internal sealed class ApiKeyHandler(IOptionsMonitor<ApiKeyOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : GatewayAuthenticationHandler<ApiKeyOptions>(options, logger, encoder)
{
    protected override string Challenge => $"ApiKey header=\"{Options.Header}\"";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Options.Header;
        if (!TryGetSingle(header, out var key, out var failure))
        {
            return Task.FromResult(failure!);
        }
        if (key.Length > ApiKeyDefaults.MaxKeyLength)
        {
            return Task.FromResult(Fail($"malformed {header} header"));
        }

        Span<byte> hash = stackalloc byte[KeyHash.HashLength];
        KeyHash.Compute(key, hash);
        var client = Options.Index.Find(hash);
        if (client is null)
        {
            return Task.FromResult(Fail("unknown API key"));
        }

        var principal = new ClaimsPrincipal(GatewayIdentity.Create(ApiKeyDefaults.AuthenticationScheme, client.Name, client.Scopes));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }
}
