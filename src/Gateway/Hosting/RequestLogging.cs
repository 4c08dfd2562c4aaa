using Gateway.Auth;
using Gateway.Auth.Problems;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
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
        // preserveStaticLogger: each gateway in a process (tests, several instances) keeps its own logger.
        builder.Services.AddSerilog(preserveStaticLogger: true, configureLogger: (services, logger) =>
        {
            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
                .MinimumLevel.Override("Gateway.Auth", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                .ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext();
            if (json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}", formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
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
