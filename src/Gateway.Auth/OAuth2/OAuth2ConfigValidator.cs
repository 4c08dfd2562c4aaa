using Gateway.Auth.Configuration;

namespace Gateway.Auth.OAuth2;

internal static class OAuth2ConfigValidator
{
    public static void Validate(ConfigValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
    }
}
