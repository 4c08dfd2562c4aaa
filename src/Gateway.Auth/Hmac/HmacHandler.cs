using System.Buffers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Gateway.Auth.Hmac.Nonces;
using Gateway.Auth.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Auth.Hmac;

/// <summary>
/// Verifies a signed request: strict header parsing, the timestamp window, the signature over the
/// method, the raw request target, timestamp, nonce and body (read once, buffered and rewound so YARP
/// forwards it byte for byte), and only then records the nonce.
/// </summary>
internal sealed partial class HmacHandler(
    IOptionsMonitor<HmacOptions> options, ILoggerFactory logger, UrlEncoder encoder, INonceStore nonces, TimeProvider time)
    : GatewayAuthenticationHandler<HmacOptions>(options, logger, encoder)
{
    private const int ReadChunk = 16 * 1024;

    private static readonly string ChallengeText = $"Hmac headers=\"{string.Join(' ', HmacDefaults.Headers)}\"";

    protected override string Challenge => ChallengeText;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TryGetSingle(HmacDefaults.KeyIdHeader, out var keyId, out var failure)
            || !TryGetSingle(HmacDefaults.TimestampHeader, out var timestampText, out failure)
            || !TryGetSingle(HmacDefaults.NonceHeader, out var nonce, out failure)
            || !TryGetSingle(HmacDefaults.SignatureHeader, out var signatureText, out failure))
        {
            return failure!;
        }
        if (keyId.Length > HmacDefaults.MaxKeyIdLength)
        {
            return Fail($"malformed {HmacDefaults.KeyIdHeader} header");
        }
        if (!HmacSignature.TryParseTimestamp(timestampText, out var timestamp))
        {
            return Fail($"malformed {HmacDefaults.TimestampHeader} header (expected Unix seconds as decimal digits)");
        }
        if (!HmacSignature.IsValidNonce(nonce))
        {
            return Fail($"malformed {HmacDefaults.NonceHeader} header (expected {HmacDefaults.MinNonceLength} to {HmacDefaults.MaxNonceLength} characters of A-Z a-z 0-9 - _ . ~ + / =)");
        }
        var presented = new byte[HmacSignature.Length];
        if (!HmacSignature.TryParse(signatureText, presented))
        {
            return Fail($"malformed {HmacDefaults.SignatureHeader} header (expected {HmacDefaults.SignatureLength} hex characters)");
        }

        var options = Options;
        // Once: the same window for the check and the store.
        var maxSkew = options.MaxSkewSeconds;
        bool OutsideWindow() => Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - timestamp) > maxSkew;
        if (OutsideWindow())
        {
            return Fail("timestamp outside the allowed window");
        }
        var client = options.Find(keyId);
        if (client is null)
        {
            return Fail("unknown key id");
        }
        var target = Context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!HmacRequestTarget.IsCanonical(target))
        {
            return Fail("request target is not in canonical form (no dot segments, '//', backslashes or encoded '/', '.', '\\')");
        }

        byte[] expected;
        if (Context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            // No Content-Length, no chunked body (HTTP/1.1), or END_STREAM on the headers (HTTP/2):
            // nothing to read, buffer or rewind.
            expected = HmacSignature.Compute(client.Secret, Request.Method, target!, timestampText, nonce, []);
        }
        else
        {
            using var hmac = HmacSignature.Begin(client.Secret, Request.Method, target!, timestampText, nonce);
            var bodyFailure = await HashBodyAsync(hmac, options.MaxBodyBytes, options.BodyReadTimeout);
            if (bodyFailure is not null)
            {
                return bodyFailure;
            }
            expected = hmac.GetHashAndReset();
        }
        if (!HmacSignature.Matches(expected, presented))
        {
            return Fail("signature mismatch");
        }
        // Again once the body is in: the nonce is kept 2 x MaxSkew (+ allowance) from now, which bars
        // its replay only if the timestamp is still inside the window now. A captured request replayed
        // with its body paced out past the original nonce's lifetime would otherwise be recorded anew.
        if (OutsideWindow())
        {
            return Fail("timestamp outside the allowed window");
        }

        NonceOutcome recorded;
        try
        {
            recorded = await nonces.TryRecordAsync(client.KeyId, nonce, timestamp, maxSkew, Context.RequestAborted);
        }
        catch (NonceStoreUnavailableException)
        {
            return Fail("nonce store unavailable, retry later", StatusCodes.Status503ServiceUnavailable);
        }
        if (recorded.WidenedFromSeconds is { } previousSkew)
        {
            LogSkewWidened(Logger, previousSkew, maxSkew);
        }
        return recorded.Result switch
        {
            NonceResult.Recorded => AuthenticateResult.Success(new AuthenticationTicket(
                new ClaimsPrincipal(GatewayIdentity.Create(HmacDefaults.AuthenticationScheme, client.KeyId, client.Scopes)), Scheme.Name)),
            NonceResult.Replayed => Fail("nonce already used"),
            NonceResult.BeforeWidening => Fail("request signed before MaxSkew was widened; sign it again"),
            NonceResult.OlderThanPreviousSkew => Fail("timestamp older than the previous MaxSkew, which still holds for requests signed just after a widening; sign it again"),
            _ => Fail("request signed before the nonce store was reset; sign it again"),
        };
    }

    /// <summary>
    /// Streams the body into the HMAC, at most <paramref name="maxBytes"/>: refused from
    /// <c>Content-Length</c> before reading, else when the stream passes the limit. Each read waits at
    /// most <paramref name="readTimeout"/> for data. The body stays buffered and is rewound for forwarding.
    /// </summary>
    private async Task<AuthenticateResult?> HashBodyAsync(System.Security.Cryptography.IncrementalHash hmac, long maxBytes, TimeSpan readTimeout)
    {
        // MaxBodyBytes replaces Kestrel's server-wide limit (30 MB by default) for this request, above
        // it as well as below, so that the configured value is the one enforced and named. Where the
        // limit can no longer be changed (something read the body before this handler), the lower of
        // the two holds and is named.
        var sizeLimit = Context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
        {
            sizeLimit.MaxRequestBodySize = maxBytes;
        }
        else if (sizeLimit?.MaxRequestBodySize < maxBytes)
        {
            maxBytes = sizeLimit.MaxRequestBodySize.Value;
        }
        if (Request.ContentLength > maxBytes)
        {
            // Refused before reading.
            RefusedBody.LetClientFinish(Context);
            return TooLarge(maxBytes);
        }

        Request.EnableBuffering();
        // Kestrel's MinRequestBodyDataRate is an average since the body started: a client that sends N
        // bytes quickly and then stalls would hold the read (and the temp file) for N/240 s. This bounds
        // the wait between two reads instead, as nginx's client_body_timeout does. CancelAfter restarts
        // the timer before each read.
        using var readTimer = CancellationTokenSource.CreateLinkedTokenSource(Context.RequestAborted);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            long total = 0;
            while (true)
            {
                readTimer.CancelAfter(readTimeout);
                var read = await Request.Body.ReadAsync(buffer.AsMemory(0, ReadChunk), readTimer.Token);
                if (read == 0)
                {
                    break;
                }
                total += read;
                if (total > maxBytes)
                {
                    return TooLarge(maxBytes);
                }
                hmac.AppendData(buffer, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // Kestrel's MinRequestBodyDataRate: the client stopped sending (or sends too slowly).
            return BodyTooSlow("below Kestrel's minimum data rate", ex);
        }
        catch (OperationCanceledException ex) when (readTimer.IsCancellationRequested && !Context.RequestAborted.IsCancellationRequested)
        {
            return BodyTooSlow("no data within Auth:Hmac:BodyReadTimeout", ex);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException or OperationCanceledException)
        {
            LogBodyUnreadable(Logger, ex);
            return Fail("the request body could not be read", StatusCodes.Status400BadRequest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Request.Body.Position = 0;
        return null;
    }

    private AuthenticateResult BodyTooSlow(string reason, Exception exception)
    {
        LogBodyTooSlow(Logger, reason, exception);
        return Fail("the request body did not arrive in time", StatusCodes.Status408RequestTimeout);
    }

    private static AuthenticateResult TooLarge(long maxBytes) =>
        Fail(ProblemResponse.BodyTooLarge(maxBytes), StatusCodes.Status413PayloadTooLarge);

    [LoggerMessage(EventId = 5141, Level = LogLevel.Information, Message = "Signed request body could not be read")]
    private static partial void LogBodyUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5143, Level = LogLevel.Information, Message = "Signed request body did not arrive in time: {Reason}")]
    private static partial void LogBodyTooSlow(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = 5142, Level = LogLevel.Warning, Message = "HMAC MaxSkew widened from {PreviousSeconds} s to {MaxSkewSeconds} s: nonces are kept for the wider skew from now on, and requests signed before now are refused once (clients must sign them again)")]
    private static partial void LogSkewWidened(ILogger logger, long previousSeconds, long maxSkewSeconds);
}
