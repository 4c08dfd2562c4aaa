using Gateway.Auth.Configuration;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.Scopes;

/// <summary>
/// Checks a client's <c>Scopes</c> array: each entry one printable token without spaces. The rule is
/// RFC 6749's scope-token without the comma: scopes reach the backend as one space-separated
/// <c>X-Client-Scopes</c> value, and a backend that reads headers as comma-separated lists would
/// split <c>read:a,admin</c> into <c>read:a</c> and <c>admin</c>.
/// </summary>
public static class ScopeListValidator
{
    /// <summary>What <see cref="ScopeProblem"/> says of a scope whose only fault is a comma.</summary>
    public const string CommaProblem = "contains a comma";

    public static void Validate(ConfigValidationContext context, IConfigurationSection scopes, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scopes);
        // An empty list ("Scopes": []) reads as an empty value: no scopes, as leaving it out.
        if (!string.IsNullOrEmpty(scopes.Value))
        {
            context.Error(path, "expected an array of scopes, e.g. [ \"read:orders\" ]");
            return;
        }
        foreach (var scope in scopes.GetChildren())
        {
            if (ScopeProblem(scope.Value) is { } problem)
            {
                context.Error($"{path}:{scope.Key}", $"the scope {problem}; a scope is one or more printable ASCII characters without spaces, quotes, backslashes or commas (it is forwarded in X-Client-Scopes)");
            }
        }
    }

    /// <summary>RFC 6749 §3.3 scope-token (%x21 / %x23-5B / %x5D-7E) without the comma (%x2C).</summary>
    public static bool IsValidScope(string? scope) => ScopeProblem(scope) is null;

    /// <summary>
    /// Why <paramref name="scope"/> cannot be one item of <c>X-Client-Scopes</c>, or null when it can.
    /// A comma is named on its own: it is valid in an RFC 6749 scope, so it is the surprise.
    /// </summary>
    public static string? ScopeProblem(string? scope)
    {
        if (string.IsNullOrEmpty(scope))
        {
            return "is empty";
        }
        var comma = false;
        foreach (var c in scope)
        {
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\')
            {
                return "contains a space, a quote, a backslash or a character that is not printable ASCII";
            }
            comma |= c == ',';
        }
        return comma ? CommaProblem : null;
    }
}
