using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hosting;

/// <summary>
/// The gateway program runs requests on the socket event loops, one per core (the runtime names
/// those threads ".NET Sockets"), unless the operator sets DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS
/// to something else: then .NET's default applies, one event thread dispatching to the thread pool.
/// </summary>
public sealed class EventLoopSchedulingTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("0", false)]
    public async Task TheProgram_RunsOneSocketEventLoopPerCore_UnlessTheEnvironmentSaysOtherwise(string? setting, bool inline)
    {
        await using var backend = await RecordingBackend.StartAsync();
        var port = FreePort.Next();
        var config = new GatewayConfig(backend.Url)
            .Route("public", "/public/{**rest}", "None")
            .Set("Kestrel:Endpoints:Https:Url", $"https://127.0.0.1:{port}");
        var directory = Directory.CreateTempSubdirectory("gw-loops-").FullName;
        var configPath = Path.Combine(directory, "appsettings.json");
        await File.WriteAllTextAsync(configPath, config.ToJson());
        var environment = setting is null ? null : new Dictionary<string, string?> { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = setting };

        await using var gateway = GatewayProcess.StartDll(directory, environment, "--config", configPath);
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}/") };
        await gateway.WaitUntilAnswersAsync(client, "/public/ping", TimeSpan.FromSeconds(60));

        var eventThreads = Directory.GetDirectories($"/proc/{gateway.Id}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");

        Assert.Equal(inline ? Environment.ProcessorCount : 1, eventThreads);
    }
}
