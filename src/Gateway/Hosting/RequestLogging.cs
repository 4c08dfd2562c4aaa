using Gateway.Auth;
using Gateway.Auth.Problems;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using Yarp.ReverseProxy.Model;

namespace Gateway.Hosting;

/// <summary>
/// Serilog setup: one structured line per request (route, client id, auth method, outcome, failure
/// reason, status, elapsed). Text on the console locally; JSON when <c>Logging:Format</c> is
/// <c>json</c> (the container sets it). Only values the gateway derived are logged, never a header
/// value a client sent, so no key, token or signature can reach a log line.
/// </summary>
internal static class RequestLogging
{
    public const string Template =
        "{RequestMethod} {RequestPath} {StatusCode} {Elapsed:0.0}ms route={RouteId} client={ClientId} auth={AuthMethod} outcome={Outcome} reason={FailureReason}";

    public static void AddGatewaySerilog(this WebApplicationBuilder builder)
    {
        var json = string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
            .MinimumLevel.Override("Gateway.Auth", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new BufferedConsoleSink(json
                ? new RenderedCompactJsonFormatter()
                : new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}", System.Globalization.CultureInfo.InvariantCulture)));
        // One logger per gateway instance (tests run several in one process), never the static Log.Logger.
        var logger = configuration.CreateLogger();

        // Serilog as a provider under the framework's LoggerFactory: loggers are cached per category
        // (handlers ask for one on every request) and the framework's filters apply. Turning the
        // hosting diagnostics category off stops ASP.NET Core from starting an Activity per request
        // only to scope log lines we replace with the request line below.
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        // Provider-specific: AddSerilog registers its own rule (every category, Trace) for its provider,
        // and a rule that names the provider beats one that does not, so a plain category rule here
        // would be ignored and ASP.NET Core would still start an Activity for every request.
        builder.Logging.AddFilter<SerilogLoggerProvider>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddSingleton<Serilog.ILogger>(logger);
    }

    public static void UseGatewayRequestLogging(this WebApplication app) =>
        app.UseMiddleware<RequestLogMiddleware>(app.Services.GetRequiredService<Serilog.ILogger>());
}

/// <summary>
/// Writes the request line when the response is done: the same properties Serilog's own request
/// logging would carry, built straight into one <see cref="LogEvent"/> (no per-request diagnostic
/// context, no template lookup). The path is the raw path the client sent, without the query string:
/// a query may carry credentials, and percent-encoding keeps control characters out of text logs.
/// </summary>
internal sealed class RequestLogMiddleware(RequestDelegate next, Serilog.ILogger logger)
{
    private static readonly MessageTemplate Template = new Serilog.Parsing.MessageTemplateParser().Parse(RequestLogging.Template);
    private static readonly LogEventPropertyValue None = new ScalarValue("-");
    private static readonly LogEventPropertyValue Served = new ScalarValue("served");
    private static readonly LogEventPropertyValue Forwarded = new ScalarValue("forwarded");
    private static readonly LogEventPropertyValue Rejected = new ScalarValue("rejected");
    private static readonly LogEventPropertyValue Failed = new ScalarValue("failed");

    public async Task InvokeAsync(HttpContext context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            Write(context, started, ex, StatusCodes.Status500InternalServerError);
            throw;
        }
        Write(context, started, null, context.Response.StatusCode);
    }

    private void Write(HttpContext context, long started, Exception? exception, int statusCode)
    {
        var level = exception is not null || statusCode >= 500 ? LogEventLevel.Error : LogEventLevel.Information;
        if (!logger.IsEnabled(level))
        {
            return;
        }
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var routeId = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId;
        var problem = context.Features.Get<GatewayProblemFeature>();
        var identity = GatewayIdentityView.Of(context.User);
        var outcome = problem is null ? (routeId is null ? Served : Forwarded) : problem.StatusCode < 500 ? Rejected : Failed;

        logger.Write(new LogEvent(DateTimeOffset.Now, level, exception, Template,
        [
            new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
            new LogEventProperty("RequestPath", new ScalarValue(RawPath(context))),
            new LogEventProperty("StatusCode", new ScalarValue(statusCode)),
            new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
            new LogEventProperty("RouteId", routeId is null ? None : new ScalarValue(routeId)),
            new LogEventProperty("ClientId", identity.ClientId is null ? None : new ScalarValue(identity.ClientId)),
            new LogEventProperty("AuthMethod", identity.AuthMethod is null ? None : new ScalarValue(identity.AuthMethod)),
            new LogEventProperty("Outcome", outcome),
            new LogEventProperty("FailureReason", problem is null ? None : new ScalarValue(problem.Detail)),
        ]));
    }

    /// <summary>
    /// The path as the client sent it, without the query (it may carry credentials) and, for an
    /// absolute-form target (<c>GET https://user:password@host/path</c>), without scheme and authority;
    /// what Kestrel let through raw that is not printable ASCII (control bytes, DEL, non-ASCII) is
    /// percent-encoded, so a client cannot write terminal escapes or fake line breaks into a text log.
    /// </summary>
    internal static string RawPath(HttpContext context)
    {
        var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/')
        {
            // Absolute-form (or none): the path Kestrel took from it, encoded.
            return (context.Request.PathBase + context.Request.Path).ToUriComponent() is { Length: > 0 } path ? path : "/";
        }
        var rawPath = Gateway.Proxy.AmbiguousPathGuard.PathOf(target);
        if (rawPath.ContainsAnyExceptInRange('!', '~'))
        {
            return EscapeUnprintable(rawPath);
        }
        return rawPath.Length == target.Length ? target : rawPath.ToString();
    }

    private static string EscapeUnprintable(ReadOnlySpan<char> path)
    {
        var escaped = new System.Text.StringBuilder(path.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c is >= '!' and <= '~')
            {
                escaped.Append(c);
                continue;
            }
            var length = char.IsHighSurrogate(c) && i + 1 < path.Length && char.IsLowSurrogate(path[i + 1])
                ? System.Text.Encoding.UTF8.GetBytes(path.Slice(i++, 2), utf8)
                : System.Text.Encoding.UTF8.GetBytes(path.Slice(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                escaped.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return escaped.ToString();
    }
}

/// <summary>The gateway's identity claims of a principal, found in one pass.</summary>
internal readonly record struct GatewayIdentityView(string? ClientId, string? AuthMethod)
{
    public static GatewayIdentityView Of(System.Security.Claims.ClaimsPrincipal user)
    {
        string? clientId = null, authMethod = null;
        foreach (var identity in user.Identities)
        {
            foreach (var claim in identity.Claims)
            {
                if (clientId is null && claim.Type == GatewayClaimTypes.ClientId)
                {
                    clientId = claim.Value;
                }
                else if (authMethod is null && claim.Type == GatewayClaimTypes.AuthMethod)
                {
                    authMethod = claim.Value;
                }
                if (clientId is not null && authMethod is not null)
                {
                    return new GatewayIdentityView(clientId, authMethod);
                }
            }
        }
        return new GatewayIdentityView(clientId, authMethod);
    }
}
