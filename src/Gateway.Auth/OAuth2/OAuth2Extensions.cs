using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.OAuth2;

public static class OAuth2Extensions
{
    public static AuthenticationBuilder AddGatewayOAuth2(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.AddScheme<AuthenticationSchemeOptions, UnavailableStrategyHandler>(OAuth2Defaults.AuthenticationScheme, null);
    }
}
