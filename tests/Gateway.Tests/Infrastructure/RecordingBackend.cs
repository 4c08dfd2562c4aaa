using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Tests.Infrastructure;

/// <summary>What the backend received: every header value separately, the raw target, the body bytes.</summary>
public sealed record RecordedRequest(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public IReadOnlyList<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();

    /// <summary>The single value of <paramref name="name"/>, or null when absent; fails when it arrived more than once.</summary>
    public string? Header(string name)
    {
        var values = HeaderValues(name);
        Assert.True(values.Count <= 1, $"header {name} arrived {values.Count} times: {string.Join(" | ", values)}");
        return values.Count == 0 ? null : values[0];
    }

    public bool HasHeader(string name) => HeaderValues(name).Count > 0;
}

/// <summary>A real HTTP backend on a loopback port that records every request it receives and answers 200.</summary>
public sealed class RecordingBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly WebApplication _app;
    private int _started;

    private RecordingBackend(WebApplication app)
    {
        _app = app;
    }

    /// <summary>Base URL with a trailing slash, e.g. http://127.0.0.1:41234/.</summary>
    public string Url { get; private set; } = "";

    public int Count => _requests.Count;

    /// <summary>Requests whose head arrived, including any whose body then never did (not in <see cref="Requests"/>).</summary>
    public int Started => Volatile.Read(ref _started);

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public RecordedRequest Last => _requests.Last();

    /// <summary>When set, the backend waits this long before answering (for timeout tests).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Starts the backend; <paramref name="kestrel"/> changes its Kestrel options (protocols, limits).</summary>
    public static async Task<RecordingBackend> StartAsync(Action<KestrelServerOptions>? kestrel = null)
    {
        RecordingBackend? backend = null;
        var (app, url) = await LoopbackApp.StartAsync(
            app => app.Run(context => backend!.HandleAsync(context)),
            web => web.ConfigureKestrel(k =>
            {
                k.Limits.MaxRequestBodySize = null;
                kestrel?.Invoke(k);
            }));
        backend = new RecordingBackend(app) { Url = url };
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _started);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value ?? ""));
            }
        }
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        _requests.Enqueue(new RecordedRequest(context.Request.Method, target, headers, body.ToArray()));

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"backend\":\"recording\"}", context.RequestAborted);
    }
}
