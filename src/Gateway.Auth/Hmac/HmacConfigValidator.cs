using Gateway.Auth.Configuration;
using Gateway.Auth.Scopes;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.Hmac;

internal static class HmacConfigValidator
{
    public static void Validate(ConfigValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var section = context.Root.GetSection(HmacDefaults.ConfigSection);

        CheckTimeSpan(context, section, "MaxSkew", HmacDefaults.MinMaxSkew, HmacDefaults.MaxSkewLimit, "e.g. \"00:05:00\"; timestamps are whole seconds");
        CheckTimeSpan(context, section, "BodyReadTimeout", HmacDefaults.MinBodyReadTimeout, HmacDefaults.MaxBodyReadTimeout, "e.g. \"00:01:00\"; the longest wait for the next piece of a body");
        var maxBody = section["MaxBodyBytes"];
        if (maxBody is not null && !(long.TryParse(maxBody, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes) && bytes > 0))
        {
            context.Error($"{HmacDefaults.ConfigSection}:MaxBodyBytes", $"'{maxBody}' is not a positive number of bytes");
        }

        foreach (var client in section.GetSection("Clients").GetChildren())
        {
            var path = $"{HmacDefaults.ConfigSection}:Clients:{client.Key}";
            if (context.CheckClientId(path, "key id", client.Key) && client.Key.Length > HmacDefaults.MaxKeyIdLength)
            {
                // The handler refuses longer X-API-Key values before looking them up.
                context.Error(path, $"the key id is longer than {HmacDefaults.MaxKeyIdLength} characters");
            }
            // Never echo the secret, not even a prefix.
            var secret = client["Secret"];
            if (string.IsNullOrEmpty(secret))
            {
                context.Error($"{path}:Secret", $"is missing (set it in the environment variable Auth__Hmac__Clients__{client.Key}__Secret or a secrets file)");
            }
            else if (secret.Length < HmacDefaults.MinSecretLength)
            {
                context.Error($"{path}:Secret", $"is shorter than {HmacDefaults.MinSecretLength} characters");
            }
            ScopeListValidator.Validate(context, client.GetSection("Scopes"), $"{path}:Scopes");
        }

        var redis = context.Root.GetConnectionString(HmacDefaults.RedisConnectionStringName);
        if (!string.IsNullOrWhiteSpace(redis))
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(redis);
            }
            catch (ArgumentException)
            {
                // The string may hold a password: say which key is wrong, not what it holds.
                context.Error($"ConnectionStrings:{HmacDefaults.RedisConnectionStringName}", "is not a valid StackExchange.Redis configuration string");
            }
        }
    }

    private static void CheckTimeSpan(ConfigValidationContext context, IConfigurationSection section, string field, TimeSpan min, TimeSpan max, string hint)
    {
        if (AuthConfigValidator.TimeSpanOutside(section, field, min, max) is { } value)
        {
            context.Error($"{HmacDefaults.ConfigSection}:{field}", $"'{value}' is not a time span from {min} to {max} ({hint})");
        }
    }
}
