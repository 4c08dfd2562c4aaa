using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.Mtls;

public static class MtlsExtensions
{
    public static AuthenticationBuilder AddGatewayMtls(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.AddScheme<AuthenticationSchemeOptions, UnavailableStrategyHandler>(MtlsDefaults.AuthenticationScheme, null);
    }
}
