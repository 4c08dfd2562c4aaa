using Gateway.Auth;
using Gateway.Auth.Problems;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Hosting;
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
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddSingleton<Serilog.ILogger>(logger);
        builder.Services.AddSingleton(new DiagnosticContext(logger));
        builder.Services.AddSingleton<IDiagnosticContext>(services => services.GetRequiredService<DiagnosticContext>());
    }

    public static void UseGatewayRequestLogging(this WebApplication app)
    {
        var requestLogger = app.Services.GetRequiredService<Serilog.ILogger>();
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = requestLogger;
            options.MessageTemplate = Template;
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error : LogEventLevel.Information;
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                var routeId = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId;
                var problem = context.Features.Get<GatewayProblemFeature>();
                diagnostics.Set("RouteId", routeId ?? "-");
                diagnostics.Set("ClientId", context.User.FindFirst(GatewayClaimTypes.ClientId)?.Value ?? "-");
                diagnostics.Set("AuthMethod", context.User.FindFirst(GatewayClaimTypes.AuthMethod)?.Value ?? "-");
                diagnostics.Set("Outcome", problem is null ? (routeId is null ? "served" : "forwarded") : problem.StatusCode < 500 ? "rejected" : "failed");
                diagnostics.Set("FailureReason", problem?.Detail ?? "-");
            };
        });
    }
}
