using Gateway.Auth.OAuth2.TokenService;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// Rebuilds one OAuth2 scheme's JwtBearer options (and with them its validated-token cache) when
/// the token service's keys change, as a config reload does for a change of <c>Auth</c>.
/// </summary>
internal sealed class TokenSigningKeyChangeTokenSource(string scheme, TokenSigningKeyProvider keys) : IOptionsChangeTokenSource<JwtBearerOptions>
{
    public string Name => scheme;

    public IChangeToken GetChangeToken() => keys.GetChangeToken();
}
