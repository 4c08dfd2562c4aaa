namespace Gateway.Auth;

/// <summary>Keys of <see cref="Microsoft.AspNetCore.Authentication.AuthenticationProperties.Items"/> the gateway passes to a handler's forbid.</summary>
public static class GatewayAuthenticationProperties
{
    /// <summary>Why the authenticated client was refused, e.g. which scope it lacks.</summary>
    public const string ForbiddenDetail = "gw:forbidden_detail";

    /// <summary>The scopes the route requires, space-separated (for <c>Bearer error="insufficient_scope"</c>).</summary>
    public const string RequiredScopes = "gw:required_scopes";

    /// <summary>The <see cref="ForbiddenDetail"/> of a forbid, or "access denied".</summary>
    public static string ForbiddenDetailOf(Microsoft.AspNetCore.Authentication.AuthenticationProperties properties) =>
        properties.Items.TryGetValue(ForbiddenDetail, out var detail) && detail is not null ? detail : "access denied";
}
