using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.Hmac;

public static class HmacExtensions
{
    public static AuthenticationBuilder AddGatewayHmac(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.AddScheme<AuthenticationSchemeOptions, UnavailableStrategyHandler>(HmacDefaults.AuthenticationScheme, null);
    }
}
