using Gateway.Auth.Configuration;
using Gateway.Auth.Scopes;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.ApiKeys;

internal static class ApiKeyConfigValidator
{
    public static void Validate(ConfigValidationContext context)
    {
        var section = context.Root.GetSection(ApiKeyDefaults.ConfigSection);
        var header = section["Header"];
        if (header is not null && !IsToken(header))
        {
            context.Error($"{ApiKeyDefaults.ConfigSection}:Header", $"'{header}' is not a valid header name");
        }

        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var client in section.GetSection("Clients").GetChildren())
        {
            var path = $"{ApiKeyDefaults.ConfigSection}:Clients:{client.Key}";
            context.CheckClientId(path, "client name", client.Key);
            var keys = client.GetSection("Keys").GetChildren().ToList();
            if (keys.Count == 0)
            {
                context.Error($"{path}:Keys", "client has no keys (add a 'sha256:<hex>' line from `Gateway keys new`)");
            }
            foreach (var key in keys)
            {
                if (!KeyHash.TryParse(key.Value, out _))
                {
                    // Never echo the value: an operator may have pasted a raw key here by mistake.
                    context.Error($"{path}:Keys:{key.Key}", "expected 'sha256:' followed by 64 hex characters (store the hash, not the key)");
                }
                else if (!seen.TryAdd(key.Value!, client.Key) && seen[key.Value!] != client.Key)
                {
                    context.Error($"{path}:Keys:{key.Key}", $"the same key hash is also listed for client '{seen[key.Value!]}'");
                }
            }
            ScopeListValidator.Validate(context, client.GetSection("Scopes"), $"{path}:Scopes");
        }
    }

    internal static bool IsToken(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }
        return true;
    }
}
