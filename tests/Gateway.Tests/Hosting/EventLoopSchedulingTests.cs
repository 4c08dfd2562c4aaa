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
        var config = new GatewayConfig(backend.Url).Route("public", "/public/{**rest}", "None");
        var environment = setting is null ? null : new Dictionary<string, string?> { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = setting };

        await using var gateway = await GatewayProcess.StartAsync(config, readyPath: "/public/ping", environment);

        var eventThreads = Directory.GetDirectories($"/proc/{gateway.Id}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");

        Assert.Equal(inline ? Environment.ProcessorCount : 1, eventThreads);
    }
}
