using Gateway.Auth.Configuration;

namespace Gateway.Auth.Hmac;

internal static class HmacConfigValidator
{
    public static void Validate(ConfigValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
    }
}
