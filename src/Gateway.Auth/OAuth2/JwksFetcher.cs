using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// Fetches signing keys from a bare JWKS document or through OIDC discovery: no redirects, a timeout
/// over the whole fetch, and a size cap on every response. Only keys from the configured source
/// are ever fetched; nothing in a token decides where a request goes.
/// </summary>
internal sealed class JwksFetcher : IDisposable
{
    private const string DiscoveryPath = ".well-known/openid-configuration";
    private readonly HttpClient _http;

    public JwksFetcher()
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<OpenIdConnectConfiguration> FetchAsync(OAuth2Options options, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(options.FetchTimeout);
        try
        {
            if (options.JwksUri is not null)
            {
                return Build(null, await GetAsync(options.JwksUri, options.MaxJwksBytes, timeout.Token));
            }
            var authority = options.Authority ?? throw new JwksFetchException("no JwksUri or Authority is configured");
            var discoveryUri = new Uri(authority.AbsoluteUri.EndsWith('/') ? authority : new Uri(authority.AbsoluteUri + "/"), DiscoveryPath);
            var discovery = OpenIdConnectConfiguration.Create(await GetAsync(discoveryUri, options.MaxJwksBytes, timeout.Token));
            if (!Uri.TryCreate(discovery.JwksUri, UriKind.Absolute, out var jwksUri) || !IsAllowedSource(jwksUri))
            {
                throw new JwksFetchException($"{discoveryUri} names no usable jwks_uri (it must be https, or http on loopback)");
            }
            // The discovered issuer is accepted only when Issuer is left out: IdentityModel accepts the
            // configuration's issuer beside ValidIssuers, so an explicit Issuer would not pin anything.
            var issuer = string.IsNullOrEmpty(options.Issuer) ? discovery.Issuer : null;
            return Build(issuer, await GetAsync(jwksUri, options.MaxJwksBytes, timeout.Token));
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new JwksFetchException($"no answer within {options.FetchTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            throw new JwksFetchException(ex.Message);
        }
        catch (IOException ex)
        {
            // The answer broke off while its body was read (the connection reset mid-body): the provider is down, as above.
            throw new JwksFetchException($"the answer broke off: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            // JsonWebKeySet / OpenIdConnectConfiguration throw ArgumentException for JSON they cannot read.
            throw new JwksFetchException($"the document is not valid JSON of the expected shape ({ex.GetType().Name})");
        }
    }

    /// <summary>https anywhere; plain http only to a loopback address (tests, a sidecar).</summary>
    public static bool IsAllowedSource(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    private async Task<string> GetAsync(Uri uri, int maxBytes, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new JwksFetchException($"{uri} answered {(int)response.StatusCode}");
        }
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw new JwksFetchException($"{uri} answered with more than {maxBytes} bytes");
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        var buffer = new byte[Math.Min(maxBytes + 1, (int?)response.Content.Headers.ContentLength + 1 ?? 16 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > maxBytes)
                {
                    throw new JwksFetchException($"{uri} answered with more than {maxBytes} bytes");
                }
                Array.Resize(ref buffer, Math.Min(maxBytes + 1, buffer.Length * 2));
            }
            var read = await body.ReadAsync(buffer.AsMemory(length), cancel);
            if (read == 0)
            {
                break;
            }
            length += read;
        }
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static OpenIdConnectConfiguration Build(string? issuer, string json)
    {
        var set = new JsonWebKeySet(json) { SkipUnresolvedJsonWebKeys = true };
        var configuration = new OpenIdConnectConfiguration { Issuer = issuer };
        foreach (var key in set.GetSigningKeys())
        {
            // Only asymmetric keys verify signatures here: a symmetric "oct" key in a public document
            // would let anyone who read it sign tokens.
            if (key is SymmetricSecurityKey || (key is JsonWebKey jwk && jwk.Kty == JsonWebAlgorithmsKeyTypes.Octet))
            {
                continue;
            }
            configuration.SigningKeys.Add(key);
        }
        if (configuration.SigningKeys.Count == 0)
        {
            throw new JwksFetchException("the key set holds no usable signing keys");
        }
        return configuration;
    }

    public void Dispose() => _http.Dispose();
}
