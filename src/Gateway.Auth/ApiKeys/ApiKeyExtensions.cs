using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Auth.ApiKeys;

public static class ApiKeyExtensions
{
    public static AuthenticationBuilder AddGatewayApiKey(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        // Configure with an IConfiguration section registers a change-token source: a reload rebuilds the options.
        builder.Services.Configure<ApiKeyOptions>(ApiKeyDefaults.AuthenticationScheme, configuration.GetSection(ApiKeyDefaults.ConfigSection));
        return builder.AddScheme<ApiKeyOptions, ApiKeyHandler>(ApiKeyDefaults.AuthenticationScheme, null);
    }
}
