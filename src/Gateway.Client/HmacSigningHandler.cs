using System.Security.Cryptography;
using System.Text;

namespace Gateway.Client;

/// <summary>
/// Signs every outgoing request for a gateway <c>Auth: Hmac</c> route, exactly as the reference
/// client does: <c>"{method}\n{path}\n{timestamp}\n{nonce}\n" + body</c>, HMAC-SHA256 with the shared
/// secret, lowercase hex; <c>path</c> is the request target as sent (path and query). Each send gets
/// a fresh nonce and timestamp, so a retry by an outer handler is signed anew. Redirects must not be
/// followed by the primary handler (<c>AllowAutoRedirect = false</c>): it resends below this handler
/// with the old signature, which the gateway refuses, and would carry the signing headers to wherever
/// the redirect points.
/// </summary>
/// <example>
/// <code>
/// services.AddHttpClient("orders", c => c.BaseAddress = new Uri("https://gateway:8443/"))
///     .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
///     .AddHttpMessageHandler(() => new HmacSigningHandler("client-1", secret));
/// </code>
/// </example>
public sealed class HmacSigningHandler : DelegatingHandler
{
    public const string KeyIdHeader = "X-API-Key";
    public const string TimestampHeader = "X-Timestamp";
    public const string NonceHeader = "X-Nonce";
    public const string SignatureHeader = "X-Signature";

    private readonly string _keyId;
    private readonly byte[] _secret;
    private readonly TimeProvider _time;

    /// <param name="keyId">The key id the gateway knows the client by (<c>Auth:Hmac:Clients:{keyId}</c>).</param>
    /// <param name="secret">The shared secret; its UTF-8 bytes are the HMAC key.</param>
    public HmacSigningHandler(string keyId, string secret)
        : this(keyId, secret, TimeProvider.System)
    {
    }

    public HmacSigningHandler(string keyId, string secret, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(time);
        _keyId = keyId;
        _secret = Encoding.UTF8.GetBytes(secret);
        _time = time;
    }

    /// <summary>Lowercase hex HMAC-SHA256 of the canonical message: the one definition of what is signed.</summary>
    public static string Sign(ReadOnlySpan<byte> secret, string method, string pathAndQuery, string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(nonce);
        var head = Encoding.UTF8.GetBytes($"{method}\n{pathAndQuery}\n{timestamp}\n{nonce}\n");
        var message = new byte[head.Length + body.Length];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, message));
    }

    /// <summary>A fresh nonce: 16 random bytes as 32 lowercase hex characters.</summary>
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new InvalidOperationException("the request has no URI");
        if (!uri.IsAbsoluteUri)
        {
            throw new InvalidOperationException("the request URI must be absolute (set HttpClient.BaseAddress)");
        }

        var body = Array.Empty<byte>();
        if (request.Content is not null)
        {
            // Buffered once: the bytes signed are the bytes sent.
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = NewNonce();
        // PathAndQuery is the escaped origin-form target HttpClient puts on the request line, and the
        // method is signed as HttpClient sends it: known methods upper-cased ("post" goes out as POST).
        var signature = Sign(_secret, HttpMethod.Parse(request.Method.Method).Method, uri.PathAndQuery, timestamp, nonce, body);

        var headers = request.Headers;
        foreach (var name in (ReadOnlySpan<string>)[KeyIdHeader, TimestampHeader, NonceHeader, SignatureHeader])
        {
            headers.Remove(name);
        }
        headers.TryAddWithoutValidation(KeyIdHeader, _keyId);
        headers.TryAddWithoutValidation(TimestampHeader, timestamp);
        headers.TryAddWithoutValidation(NonceHeader, nonce);
        headers.TryAddWithoutValidation(SignatureHeader, signature);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
