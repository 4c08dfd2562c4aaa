using Gateway.Auth.Configuration;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.Scopes;

/// <summary>Checks a client's <c>Scopes</c> array: each entry one printable token without spaces.</summary>
public static class ScopeListValidator
{
    public static void Validate(ConfigValidationContext context, IConfigurationSection scopes, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Value is not null)
        {
            context.Error(path, "expected an array of scopes, e.g. [ \"read:orders\" ]");
            return;
        }
        foreach (var scope in scopes.GetChildren())
        {
            if (!IsValidScope(scope.Value))
            {
                context.Error($"{path}:{scope.Key}", "a scope is one or more printable characters without spaces or quotes");
            }
        }
    }

    /// <summary>RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E.</summary>
    public static bool IsValidScope(string? scope)
    {
        if (string.IsNullOrEmpty(scope))
        {
            return false;
        }
        foreach (var c in scope)
        {
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\')
            {
                return false;
            }
        }
        return true;
    }
}
