using Gateway.Auth.Configuration;

namespace Gateway.Auth.Mtls;

internal static class MtlsConfigValidator
{
    public static void Validate(ConfigValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
    }
}
