using Microsoft.AspNetCore.Authorization;

namespace Gateway.Auth.Scopes;

/// <summary>The authorization failure of a client that lacks <see cref="Scope"/>.</summary>
public sealed class MissingScopeReason(IAuthorizationHandler handler, string scope)
    : AuthorizationFailureReason(handler, $"missing scope {scope}")
{
    public string Scope { get; } = scope;
}
