using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Auth;

/// <summary>
/// Stands in for a strategy that is not built yet: every request fails closed with 401.
/// (Removed as each strategy lands.)
/// </summary>
internal sealed class UnavailableStrategyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : GatewayAuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override string Challenge => Scheme.Name;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(Fail($"the {Scheme.Name} strategy is not available in this build"));
}
