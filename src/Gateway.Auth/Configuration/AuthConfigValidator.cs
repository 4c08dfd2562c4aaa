using Gateway.Auth.ApiKeys;
using Gateway.Auth.Hmac;
using Gateway.Auth.Mtls;
using Gateway.Auth.OAuth2;

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

    /// <summary>True for a TimeSpan value that parses ("00:05:00") and is positive.</summary>
    public static bool TryParsePositiveTimeSpan(string? value, out TimeSpan result) =>
        TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out result) && result > TimeSpan.Zero;
}
