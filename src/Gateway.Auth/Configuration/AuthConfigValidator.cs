using Gateway.Auth.ApiKeys;
using Gateway.Auth.Hmac;
using Gateway.Auth.Mtls;
using Gateway.Auth.OAuth2;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.Configuration;

/// <summary>Checks every strategy's <c>Auth:*</c> section; the host adds the route checks.</summary>
public static class AuthConfigValidator
{
    public static void Validate(ConfigValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ApiKeyConfigValidator.Validate(context);
        OAuth2ConfigValidator.Validate(context);
        MtlsConfigValidator.Validate(context);
        HmacConfigValidator.Validate(context);
    }

    /// <summary>
    /// The value of <paramref name="field"/> when it is set but is not a time span ("00:05:00") from
    /// <paramref name="min"/> to <paramref name="max"/>; null when it is absent or in range. Each
    /// strategy words its own error around it.
    /// </summary>
    internal static string? TimeSpanOutside(IConfigurationSection section, string field, TimeSpan min, TimeSpan max)
    {
        var value = section[field];
        return value is null || (TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
            ? null
            : value;
    }
}
