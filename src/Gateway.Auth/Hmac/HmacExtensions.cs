using Gateway.Auth.Hmac.Nonces;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Gateway.Auth.Hmac;

public static class HmacExtensions
{
    /// <summary>
    /// The Hmac scheme and its nonce store: Redis when <c>ConnectionStrings:Redis</c> is set (read once
    /// at start), with a <c>/readyz</c> check tagged <c>ready</c>; otherwise memory, with a warning.
    /// </summary>
    public static AuthenticationBuilder AddGatewayHmac(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = builder.Services;
        services.Configure<HmacOptions>(HmacDefaults.AuthenticationScheme, configuration.GetSection(HmacDefaults.ConfigSection));
        services.TryAddSingleton(TimeProvider.System);

        var redis = configuration.GetConnectionString(HmacDefaults.RedisConnectionStringName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.TryAddSingleton<INonceStore, MemoryNonceStore>();
            services.AddHostedService<MemoryNonceStoreWarning>();
        }
        else
        {
            services.TryAddSingleton(provider => new RedisConnection(
                RedisConnection.CreateOptions(redis), provider.GetRequiredService<ILogger<RedisConnection>>()));
            services.TryAddSingleton<RedisNonceStore>();
            services.TryAddSingleton<INonceStore>(provider => provider.GetRequiredService<RedisNonceStore>());
            services.AddHostedService<RedisNonceStoreStartup>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }
        return builder.AddScheme<HmacOptions, HmacHandler>(HmacDefaults.AuthenticationScheme, null);
    }
}
