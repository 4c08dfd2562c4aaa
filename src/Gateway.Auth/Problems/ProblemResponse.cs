using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Auth.Problems;

/// <summary>
/// Writes RFC 9457 <c>application/problem+json</c> bodies for every error the gateway makes itself.
/// </summary>
public static class ProblemResponse
{
    public const string ContentType = "application/problem+json";

    /// <summary>The detail of every 413 the gateway answers, naming the limit that held.</summary>
    public static string BodyTooLarge(long limit) =>
        string.Create(CultureInfo.InvariantCulture, $"request body larger than {limit} bytes");

    public static Task WriteAsync(HttpContext context, int statusCode, string detail, string? wwwAuthenticate = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(new GatewayProblemFeature(statusCode, detail));

        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = statusCode;
        if (wwwAuthenticate is not null)
        {
            response.Headers.WWWAuthenticate = wwwAuthenticate;
        }
        if (statusCode == StatusCodes.Status503ServiceUnavailable && !response.Headers.ContainsKey("Retry-After"))
        {
            response.Headers.RetryAfter = "5";
        }
        if (statusCode == StatusCodes.Status408RequestTimeout && (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)))
        {
            // The rest of the body may still come, or never: the connection cannot carry another
            // request, so it closes after this answer (RFC 9110 15.5.9) instead of waiting out
            // Kestrel's drain with the client free to reuse it.
            response.Headers.Connection = "close";
        }
        response.Headers.CacheControl = "no-store";
        response.ContentType = ContentType;

        var body = Serialize(statusCode, detail);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    internal static byte[] Serialize(int statusCode, string detail)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", TypeFor(statusCode));
            json.WriteString("title", ReasonPhrases.GetReasonPhrase(statusCode));
            json.WriteNumber("status", statusCode);
            json.WriteString("detail", detail);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string TypeFor(int statusCode) => statusCode switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        408 => "https://tools.ietf.org/html/rfc9110#section-15.5.9",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        502 => "https://tools.ietf.org/html/rfc9110#section-15.6.3",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        504 => "https://tools.ietf.org/html/rfc9110#section-15.6.5",
        _ => "about:blank",
    };
}
