using Gateway.Auth;
using Gateway.Auth.Scopes;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy;

/// <summary>What a route's <c>Metadata</c> says about authentication and forwarding, parsed once per config load.</summary>
public sealed record RouteAuth
{
    public const string None = "None";
    public const string AuthKey = "Auth";
    public const string ScopesKey = "Scopes";
    public const string ForwardCredentialsKey = "ForwardCredentials";
    public const string ForwardCertificateKey = "ForwardCertificate";
    public const string CertificateBoundKey = "CertificateBound";
    public const string GrpcStreamingKey = "GrpcStreaming";

    /// <summary>Every metadata key the gateway reads.</summary>
    public static readonly string[] Keys = [AuthKey, ScopesKey, ForwardCredentialsKey, ForwardCertificateKey, CertificateBoundKey, GrpcStreamingKey];

    /// <summary>The strategy, spelled canonically (<c>ApiKey</c>, <c>OAuth2</c>, <c>Mtls</c>, <c>Hmac</c> or <c>None</c>).</summary>
    public required string Strategy { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>OAuth2: forward <c>Authorization</c>; Hmac: forward the signing headers (RouteAuth.Parse refuses it elsewhere).</summary>
    public bool ForwardCredentials { get; init; }

    /// <summary>Mtls: forward the RFC 9440 <c>Client-Cert</c> header.</summary>
    public bool ForwardCertificate { get; init; }

    /// <summary>OAuth2: the token must be bound to the presented client certificate (RFC 8705).</summary>
    public bool CertificateBound { get; init; }

    /// <summary>
    /// Any strategy: let YARP lift Kestrel's body size limit and minimum data rate for HTTP/2 requests
    /// with a gRPC content type. Off, the limits hold: the client picks the content type.
    /// </summary>
    public bool GrpcStreaming { get; init; }

    public bool IsPublic => Strategy == None;

    /// <summary>
    /// The metadata of a route YARP is loading, which config validation accepted before; throws if it
    /// does not parse, so that no route can become public by accident even were validation bypassed.
    /// </summary>
    public static RouteAuth Of(RouteConfig route) =>
        Parse(route.Metadata, out var error) ?? throw new InvalidOperationException($"route '{route.RouteId}': {error}");

    /// <summary>Parses route metadata; on failure <paramref name="error"/> names the field and the problem.</summary>
    public static RouteAuth? Parse(IReadOnlyDictionary<string, string>? metadata, out string? error)
    {
        error = null;
        string? auth = null;
        metadata?.TryGetValue(AuthKey, out auth);
        if (string.IsNullOrWhiteSpace(auth))
        {
            error = $"Metadata:{AuthKey} is missing: set one of {string.Join(", ", GatewayAuthExtensions.StrategyNames)}, or {None} for a public route";
            return null;
        }
        var strategy = Canonical(auth.Trim());
        if (strategy is null)
        {
            error = $"Metadata:{AuthKey} is not a strategy: use one of {string.Join(", ", GatewayAuthExtensions.StrategyNames)}, or {None}";
            return null;
        }

        string? scopeText = null;
        if (metadata?.TryGetValue(ScopesKey, out scopeText) == true && string.IsNullOrWhiteSpace(scopeText))
        {
            // An empty value (an unset variable, an empty secrets file) or a list YARP read as no value:
            // never "no scopes", which would lower the route's protection.
            error = $"Metadata:{ScopesKey} is empty: leave it out for a route without scopes, or give one string of space-separated scopes";
            return null;
        }
        var scopes = ScopeRequirement.Parse(scopeText);
        foreach (var scope in scopes)
        {
            if (ScopeListValidator.ScopeProblem(scope) is { } problem)
            {
                error = problem == ScopeListValidator.CommaProblem
                    ? $"Metadata:{ScopesKey} scope '{scope}' contains a comma: scopes are separated by spaces, and the backend may read X-Client-Scopes as a comma-separated list"
                    : $"Metadata:{ScopesKey} contains an invalid scope";
                return null;
            }
        }
        if (strategy == None && scopes.Length > 0)
        {
            error = $"Metadata:{ScopesKey} is set on a public route ({AuthKey}: {None}); a public route cannot require scopes";
            return null;
        }

        if (!TryFlag(metadata, ForwardCredentialsKey, out var forwardCredentials, ref error)
            || !TryFlag(metadata, ForwardCertificateKey, out var forwardCertificate, ref error)
            || !TryFlag(metadata, CertificateBoundKey, out var certificateBound, ref error)
            || !TryFlag(metadata, GrpcStreamingKey, out var grpcStreaming, ref error))
        {
            return null;
        }

        if (forwardCertificate && strategy != Gateway.Auth.Mtls.MtlsDefaults.AuthenticationScheme)
        {
            error = $"Metadata:{ForwardCertificateKey} is only for {Gateway.Auth.Mtls.MtlsDefaults.AuthenticationScheme} routes";
            return null;
        }
        if (forwardCredentials
            && strategy != Gateway.Auth.OAuth2.OAuth2Defaults.AuthenticationScheme
            && strategy != Gateway.Auth.Hmac.HmacDefaults.AuthenticationScheme)
        {
            // Nothing would be forwarded (an API key never is); ignoring it would leave an operator believing otherwise.
            error = $"Metadata:{ForwardCredentialsKey} is only for {Gateway.Auth.OAuth2.OAuth2Defaults.AuthenticationScheme} and {Gateway.Auth.Hmac.HmacDefaults.AuthenticationScheme} routes (an API key is never forwarded; Mtls routes forward the certificate with {ForwardCertificateKey})";
            return null;
        }
        if (certificateBound && strategy != Gateway.Auth.OAuth2.OAuth2Defaults.AuthenticationScheme)
        {
            // Ignoring it would leave an operator believing the route's tokens are bound when nothing checks it.
            error = $"Metadata:{CertificateBoundKey} is only for {Gateway.Auth.OAuth2.OAuth2Defaults.AuthenticationScheme} routes (it requires a certificate-bound token)";
            return null;
        }

        if (grpcStreaming && strategy == Gateway.Auth.Hmac.HmacDefaults.AuthenticationScheme)
        {
            // The signature covers the whole body, so an Hmac route reads all of it before forwarding: no stream.
            error = $"Metadata:{GrpcStreamingKey} cannot be used on {Gateway.Auth.Hmac.HmacDefaults.AuthenticationScheme} routes (the whole body is read and verified before it is forwarded, so a client stream would stall)";
            return null;
        }

        return new RouteAuth
        {
            Strategy = strategy,
            Scopes = scopes,
            ForwardCredentials = forwardCredentials,
            ForwardCertificate = forwardCertificate,
            CertificateBound = certificateBound,
            GrpcStreaming = grpcStreaming,
        };
    }

    private static string? Canonical(string auth)
    {
        if (auth.Equals(None, StringComparison.OrdinalIgnoreCase))
        {
            return None;
        }
        foreach (var name in GatewayAuthExtensions.StrategyNames)
        {
            if (name.Equals(auth, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }
        return null;
    }

    private static bool TryFlag(IReadOnlyDictionary<string, string>? metadata, string key, out bool value, ref string? error)
    {
        value = false;
        if (metadata is null || !metadata.TryGetValue(key, out var text) || text is null)
        {
            return true;
        }
        if (bool.TryParse(text, out value))
        {
            return true;
        }
        error = $"Metadata:{key} must be \"true\" or \"false\"";
        return false;
    }
}
