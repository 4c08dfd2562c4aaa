using Microsoft.AspNetCore.Authorization;

namespace Gateway.Auth.Scopes;

/// <summary>
/// The one authorization requirement every strategy shares: the principal must hold each of
/// <see cref="Scopes"/> as a <see cref="GatewayClaimTypes.Scope"/> claim.
/// </summary>
public sealed class ScopeRequirement : IAuthorizationRequirement
{
    public ScopeRequirement(IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        Scopes = scopes;
        Joined = string.Join(' ', scopes);
    }

    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The scopes, space-separated, as they appear in config and in challenges.</summary>
    public string Joined { get; }

    /// <summary>Splits a space-separated scope list; empty entries are dropped.</summary>
    public static string[] Parse(string? scopes) =>
        string.IsNullOrWhiteSpace(scopes) ? [] : scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
