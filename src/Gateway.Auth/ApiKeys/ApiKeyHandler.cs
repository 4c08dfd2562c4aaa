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
        var values = Request.Headers[header];
        if (values.Count == 0)
        {
            return Task.FromResult(Fail($"missing {header} header"));
        }
        if (values.Count > 1)
        {
            return Task.FromResult(Fail($"more than one {header} header"));
        }
        var key = values[0];
        if (string.IsNullOrEmpty(key))
        {
            return Task.FromResult(Fail($"empty {header} header"));
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
