using System.Text.Json;

namespace Gateway.Hosting;

/// <summary>
/// The Development demo's backend: a loopback HTTP server that answers every request with what it
/// received (method, path, headers, body length), so the README's curl lines show what a real
/// backend would see behind the gateway.
/// </summary>
internal sealed partial class DemoEchoBackend(string url, ILogger<DemoEchoBackend> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Only what is set here: the gateway's own Kestrel endpoints must not be bound twice.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        _app = builder.Build();
        _app.Run(EchoAsync);
        await _app.StartAsync(cancellationToken);
        LogStarted(logger, url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static async Task EchoAsync(HttpContext context)
    {
        long bodyLength = 0;
        var buffer = new byte[8192];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            bodyLength += read;
        }

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("backend", "demo-echo");
        json.WriteString("method", context.Request.Method);
        json.WriteString("path", context.Request.Path + context.Request.QueryString);
        json.WriteNumber("bodyLength", bodyLength);
        json.WriteStartObject("headers");
        foreach (var (name, values) in context.Request.Headers)
        {
            json.WriteString(name, values.ToString());
        }
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Demo echo backend listening on {Url} (Development only)")]
    private static partial void LogStarted(ILogger logger, string url);
}
