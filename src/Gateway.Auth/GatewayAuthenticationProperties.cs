namespace Gateway.Auth;

/// <summary>Keys of <see cref="Microsoft.AspNetCore.Authentication.AuthenticationProperties.Items"/> the gateway passes to a handler's forbid.</summary>
public static class GatewayAuthenticationProperties
{
    /// <summary>Why the authenticated client was refused, e.g. which scope it lacks.</summary>
    public const string ForbiddenDetail = "gw:forbidden_detail";

    /// <summary>The scopes the route requires, space-separated (for <c>Bearer error="insufficient_scope"</c>).</summary>
    public const string RequiredScopes = "gw:required_scopes";
}
