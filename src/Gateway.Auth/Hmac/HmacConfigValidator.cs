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

        var maxSkew = section["MaxSkew"];
        if (maxSkew is not null && !(AuthConfigValidator.TryParsePositiveTimeSpan(maxSkew, out var skew) && skew >= HmacDefaults.MinMaxSkew && skew <= HmacDefaults.MaxSkewLimit))
        {
            context.Error($"{HmacDefaults.ConfigSection}:MaxSkew", $"'{maxSkew}' is not a time span from {HmacDefaults.MinMaxSkew} to {HmacDefaults.MaxSkewLimit} (e.g. \"00:05:00\"; timestamps are whole seconds)");
        }
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
}
