using Gateway.Auth.ApiKeys;
using Gateway.Auth.Hmac;
using Gateway.Auth.Mtls;
using Gateway.Auth.OAuth2;
using Gateway.Auth.Scopes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Auth;

public static class GatewayAuthExtensions
{
    /// <summary>The four strategies as authentication schemes, plus the shared scope requirement.</summary>
    public static IServiceCollection AddGatewayAuth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddAuthentication()
            .AddGatewayApiKey(configuration)
            .AddGatewayOAuth2(configuration)
            .AddGatewayMtls(configuration)
            .AddGatewayHmac(configuration);

        services.AddGatewayAuthorization();
        return services;
    }

    /// <summary>Authorization with the shared scope requirement, evaluated by <see cref="GatewayPolicyEvaluator"/>.</summary>
    internal static IServiceCollection AddGatewayAuthorization(this IServiceCollection services)
    {
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ScopeAuthorizationHandler>());
        // One evaluator for the process (the stock one is transient: resolved, with its service graph, per request).
        services.AddSingleton<IPolicyEvaluator>(provider => new GatewayPolicyEvaluator(
            ActivatorUtilities.CreateInstance<PolicyEvaluator>(provider), provider.GetServices<IAuthorizationHandler>()));
        return services;
    }

    /// <summary>The strategy names a route may use in <c>Metadata:Auth</c>, besides <c>None</c>.</summary>
    public static IReadOnlyList<string> StrategyNames { get; } =
        [ApiKeyDefaults.AuthenticationScheme, OAuth2Defaults.AuthenticationScheme, MtlsDefaults.AuthenticationScheme, HmacDefaults.AuthenticationScheme];
}
