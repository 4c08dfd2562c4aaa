using System.Security.Claims;
using System.Text.Json;
using Gateway.Auth.Scopes;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// Turns the claims of a validated token (kept as issued: <c>client_id</c>, <c>azp</c>, <c>sub</c>,
/// <c>scope</c>, <c>scp</c>) into the gateway's claims. Values that could not become a header
/// cleanly (control characters, non-ASCII, a comma in the client id or a scope, quotes in a scope) refuse the token, and so does a claim
/// named like one of the gateway's own (<see cref="GatewayClaimTypes.Prefix"/>, any case): a token
/// must not be able to grant itself a gateway scope or a verified certificate. Claim names are
/// compared exactly (ordinal), whatever the identity type does.
/// </summary>
internal static class OAuth2Claims
{
    /// <summary>
    /// Adds the gateway claims to <paramref name="identity"/>; returns why the token is refused, or
    /// null. <paramref name="token"/> tells how claims were written (a string or a list), which the
    /// identity's claims no longer do.
    /// </summary>
    public static string? AddGatewayClaims(ClaimsIdentity identity, JsonWebToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        foreach (var claim in identity.Claims)
        {
            if (GatewayClaimTypes.IsReserved(claim.Type))
            {
                return $"the token carries a claim reserved for the gateway ({GatewayClaimTypes.Prefix}*)";
            }
        }
        var shapes = ClaimShapes.Of(token);
        string? clientId = null;
        foreach (var name in (ReadOnlySpan<string>)["client_id", "azp", "sub"])
        {
            if (First(identity, name) is not { } value)
            {
                continue;
            }
            // The claim chosen must be a string: a list (["admin-service", "reporting-service"]) or an
            // object would otherwise reach the backend as its first item, or as raw JSON. Claims after
            // it are not read, so their shape does not matter.
            if (shapes.Kind(name) is not (null or JsonValueKind.String))
            {
                return $"the token's {name} claim is not a string";
            }
            clientId = value;
            break;
        }
        if (clientId is null)
        {
            return "the token names no client (client_id, azp or sub)";
        }
        if (HeaderValue.ClientIdProblem(clientId) is { } problem)
        {
            // No fallback to azp or sub: the client id the token names is the one refused.
            return $"the token's client id {problem}";
        }

        var scopes = new List<string>();
        foreach (var claim in identity.Claims)
        {
            if (claim.Type is not ("scope" or "scp"))
            {
                continue;
            }
            // "scope" is space-separated (RFC 8693 / 9068); "scp" is an array (one claim per element, each
            // one scope: "read:a admin" in a list is not two) or a space-separated string.
            var oneScope = claim.Type == "scp" && shapes.Kind("scp") == JsonValueKind.Array;
            foreach (var scope in oneScope ? [claim.Value] : claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (ScopeListValidator.ScopeProblem(scope) is { } scopeProblem)
                {
                    // A comma is legal in an RFC 6749 scope, but X-Client-Scopes would carry "read:a,admin"
                    // to a backend that may read it as the two items "read:a" and "admin".
                    return scopeProblem == ScopeListValidator.CommaProblem
                        ? $"the token's {claim.Type} claim contains a scope with a comma"
                        : $"the token's {claim.Type} claim contains an invalid scope";
                }
                if (!scopes.Contains(scope, StringComparer.Ordinal))
                {
                    scopes.Add(scope);
                }
            }
        }

        GatewayIdentity.AddClaims(identity, OAuth2Defaults.AuthenticationScheme, clientId, scopes);
        return null;
    }

    private static string? First(ClaimsIdentity identity, string type)
    {
        foreach (var claim in identity.Claims)
        {
            if (string.Equals(claim.Type, type, StringComparison.Ordinal))
            {
                return string.IsNullOrEmpty(claim.Value) ? null : claim.Value;
            }
        }
        return null;
    }

    /// <summary>The JSON kinds of a token's top-level payload claims, read once from its payload.</summary>
    private readonly struct ClaimShapes
    {
        private readonly Dictionary<string, JsonValueKind>? _kinds;

        private ClaimShapes(Dictionary<string, JsonValueKind> kinds) => _kinds = kinds;

        public static ClaimShapes Of(JsonWebToken? token)
        {
            if (token is null || string.IsNullOrEmpty(token.EncodedPayload))
            {
                return default;
            }
            try
            {
                using var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.EncodedPayload));
                var kinds = new Dictionary<string, JsonValueKind>(StringComparer.Ordinal);
                if (payload.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in payload.RootElement.EnumerateObject())
                    {
                        kinds[property.Name] = property.Value.ValueKind;
                    }
                }
                return new ClaimShapes(kinds);
            }
            catch (Exception ex) when (ex is JsonException or FormatException)
            {
                // IdentityModel read this payload; were it unreadable here, the claims stand as they are.
                return default;
            }
        }

        /// <summary>The kind of claim <paramref name="name"/>, or null when it is absent or the shapes are unknown.</summary>
        public JsonValueKind? Kind(string name) =>
            _kinds is not null && _kinds.TryGetValue(name, out var kind) ? kind : null;
    }
}
