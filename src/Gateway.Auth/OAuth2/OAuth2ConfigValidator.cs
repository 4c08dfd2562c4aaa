using System.Globalization;
using Gateway.Auth.Configuration;
using Gateway.Auth.OAuth2.TokenService;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.OAuth2;

/// <summary>Checks <c>Auth:OAuth2</c>, <c>Auth:TokenService</c>, and that every OAuth2 route has some source of keys.</summary>
internal static class OAuth2ConfigValidator
{
    private const string Section = OAuth2Defaults.ConfigSection;

    public static void Validate(ConfigValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var section = context.Root.GetSection(Section);
        var hasExternal = ValidateExternal(context, section);
        var hasTokenService = TokenServiceConfigValidator.Validate(context);

        if (!hasExternal && !hasTokenService)
        {
            foreach (var route in context.Root.GetSection("ReverseProxy:Routes").GetChildren())
            {
                if (string.Equals(route["Metadata:Auth"]?.Trim(), OAuth2Defaults.AuthenticationScheme, StringComparison.OrdinalIgnoreCase))
                {
                    context.Error($"ReverseProxy:Routes:{route.Key}:Metadata:Auth",
                        $"the route uses OAuth2 but no keys are configured: set {Section}:JwksUri or {Section}:Authority, or enable {TokenServiceDefaults.ConfigSection}");
                }
            }
        }
    }

    /// <summary>Returns true when an external provider (JwksUri or Authority) is configured.</summary>
    private static bool ValidateExternal(ConfigValidationContext context, IConfigurationSection section)
    {
        var jwksUri = section["JwksUri"];
        var authority = section["Authority"];
        if (!string.IsNullOrEmpty(jwksUri) && !string.IsNullOrEmpty(authority))
        {
            context.Error($"{Section}:JwksUri", "set JwksUri (a bare JWKS document) or Authority (OIDC discovery), not both");
        }
        var hasSource = CheckSourceUrl(context, "JwksUri", jwksUri) | CheckSourceUrl(context, "Authority", authority);

        var issuer = section["Issuer"];
        if (!string.IsNullOrEmpty(jwksUri) && string.IsNullOrWhiteSpace(issuer))
        {
            context.Error($"{Section}:Issuer", "is required with JwksUri (the iss every token must carry)");
        }
        var audience = section.GetSection("Audience");
        var audiences = OAuth2Options.ReadAudiences(audience);
        if (hasSource && audiences.Count == 0)
        {
            context.Error($"{Section}:Audience", "is required: the aud value (or list of values) tokens for this gateway carry");
        }
        if (audience.Value is not null && audience.Value.Length == 0)
        {
            context.Error($"{Section}:Audience", "is empty");
        }

        foreach (var algorithm in section.GetSection("Algorithms").GetChildren())
        {
            var value = algorithm.Value ?? string.Empty;
            if (!OAuth2Defaults.SupportedAlgorithms.Contains(value))
            {
                var why = value.Equals("none", StringComparison.OrdinalIgnoreCase) || value.StartsWith("HS", StringComparison.OrdinalIgnoreCase)
                    ? "unsigned and HMAC algorithms are never accepted"
                    : "unknown algorithm";
                context.Error($"{Section}:Algorithms:{algorithm.Key}", $"'{value}': {why}; use one of {string.Join(", ", OAuth2Defaults.SupportedAlgorithms)}");
            }
        }

        CheckTimeSpan(context, section, "ClockSkew", TimeSpan.Zero, TimeSpan.FromMinutes(10));
        CheckTimeSpan(context, section, "RefreshInterval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        CheckTimeSpan(context, section, "RefreshCooldown", TimeSpan.Zero, TimeSpan.FromHours(1));
        CheckTimeSpan(context, section, "FetchTimeout", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        var maxBytes = section["MaxJwksBytes"];
        if (maxBytes is not null && (!int.TryParse(maxBytes, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes < 1024 || bytes > 16 * 1024 * 1024))
        {
            context.Error($"{Section}:MaxJwksBytes", "must be a number of bytes between 1024 and 16777216");
        }
        var requireNbf = section["RequireNotBefore"];
        if (requireNbf is not null && !bool.TryParse(requireNbf, out _))
        {
            context.Error($"{Section}:RequireNotBefore", "must be true or false");
        }
        return hasSource;
    }

    private static bool CheckSourceUrl(ConfigValidationContext context, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !JwksFetcher.IsAllowedSource(uri))
        {
            context.Error($"{Section}:{field}", $"'{value}' must be an absolute https URL (plain http only on loopback)");
            return false;
        }
        return true;
    }

    internal static void CheckTimeSpan(ConfigValidationContext context, IConfigurationSection section, string field, TimeSpan min, TimeSpan max)
    {
        if (AuthConfigValidator.TimeSpanOutside(section, field, min, max) is { } value)
        {
            context.Error($"{section.Path}:{field}", $"'{value}' must be a time span (hh:mm:ss) between {min} and {max}");
        }
    }
}
