using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Auth.Hmac.Nonces;

/// <summary>
/// Says at start that HMAC nonces are kept in this process only. Taking the store makes it exist
/// from start, so its epoch (requests signed before it are refused) is the start, not the first request.
/// </summary>
internal sealed partial class MemoryNonceStoreWarning(INonceStore store, ILogger<MemoryNonceStoreWarning> logger) : IHostedService
{
    public INonceStore Store { get; } = store;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogSingleInstance(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5131, Level = LogLevel.Warning, Message = "ConnectionStrings:Redis is not set: HMAC nonces are kept in memory, which is only safe for a single gateway instance. Set ConnectionStrings:Redis when running more than one")]
    private static partial void LogSingleInstance(ILogger logger);
}
