using Gateway.Auth.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Auth.Mtls;

public static class MtlsExtensions
{
    public static AuthenticationBuilder AddGatewayMtls(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        // Configure with an IConfiguration section registers a change-token source: a reload rebuilds the options.
        builder.Services.Configure<MtlsOptions>(MtlsDefaults.AuthenticationScheme, configuration.GetSection(MtlsDefaults.ConfigSection));
        // Relative TrustedCaFile/CrlFile paths resolve against the config file's directory, as validation does.
        builder.Services.AddOptions<MtlsOptions>(MtlsDefaults.AuthenticationScheme)
            .PostConfigure<IServiceProvider>((options, services) =>
            {
                if (services.GetService<ConfigBaseDirectory>() is { } baseDirectory)
                {
                    options.BaseDirectory = baseDirectory.Path;
                }
                // The binder skips entries with nothing in them ("cn": {} or "Scopes": []), but listing a CN allows it.
                foreach (var client in configuration.GetSection($"{MtlsDefaults.ConfigSection}:Clients").GetChildren())
                {
                    options.Clients.TryAdd(client.Key, new MtlsClientOptions());
                }
                // A scope the config repeats is held (and forwarded) once.
                foreach (var client in options.Clients.Values)
                {
                    var distinct = client.Scopes.Distinct(StringComparer.Ordinal).ToList();
                    client.Scopes.Clear();
                    client.Scopes.AddRange(distinct);
                }
            });
        builder.Services.TryAddSingleton<MtlsValidationCache>();
        builder.Services.AddHostedService<MtlsTrustLoader>();
        return builder.AddScheme<MtlsOptions, MtlsHandler>(MtlsDefaults.AuthenticationScheme, null);
    }
}
