using Gateway.Auth.OAuth2.TokenService;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Auth.OAuth2;

public static class OAuth2Extensions
{
    /// <summary>
    /// JwtBearer as two schemes sharing one configuration: <c>OAuth2</c> and <c>OAuth2Bound</c>
    /// (certificate-bound tokens); the external provider's keys; the built-in token service's options.
    /// </summary>
    public static AuthenticationBuilder AddGatewayOAuth2(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = builder.Services;
        var section = configuration.GetSection(OAuth2Defaults.ConfigSection);
        services.Configure<OAuth2Options>(section);
        services.Configure<OAuth2Options>(options => options.Audiences = OAuth2Options.ReadAudiences(section.GetSection("Audience")));
        services.Configure<TokenServiceOptions>(configuration.GetSection(TokenServiceDefaults.ConfigSection));

        services.TryAddSingleton<JwksKeyManager>();
        services.TryAddSingleton<TokenSigningKeyProvider>();
        services.TryAddSingleton<OAuth2Events>();
        services.AddHostedService<JwksRefreshService>();
        services.AddHostedService<TokenSigningKeyWatcher>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, OAuth2JwtBearerSetup>();

        // JwtBearerOptions are built from both Auth sections and the token service's keys: rebuild them when any changes.
        var auth = configuration.GetSection("Auth");
        foreach (var scheme in new[] { OAuth2Defaults.AuthenticationScheme, OAuth2Defaults.CertificateBoundScheme })
        {
            services.AddSingleton<IOptionsChangeTokenSource<JwtBearerOptions>>(new ConfigurationChangeTokenSource<JwtBearerOptions>(scheme, auth));
            services.AddSingleton<IOptionsChangeTokenSource<JwtBearerOptions>>(provider =>
                new TokenSigningKeyChangeTokenSource(scheme, provider.GetRequiredService<TokenSigningKeyProvider>()));
            builder.AddScheme<JwtBearerOptions, OAuth2Handler>(scheme, null);
        }
        return builder;
    }
}
