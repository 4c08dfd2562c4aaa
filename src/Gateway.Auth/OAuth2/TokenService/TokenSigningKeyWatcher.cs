using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>
/// Reads the token service's key before the gateway serves, then looks at the key file every
/// <see cref="Interval"/>: a replaced key is trusted by the routes even if this instance's token
/// endpoint is not called (another instance sharing the file may already sign with it), and a
/// replaced key is dropped once its tokens have expired. A stat and a read of the file (a few KB) per
/// second, so it works wherever file-change notifications do not (bind mounts, network file systems,
/// Kubernetes secret volumes) and notices a swap that keeps the file's size and write time.
/// </summary>
internal sealed partial class TokenSigningKeyWatcher(
    TokenSigningKeyProvider keys, IOptionsMonitor<TokenServiceOptions> options, ILogger<TokenSigningKeyWatcher> logger, TimeProvider? time = null)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The file the last check was configured with, for the log.</summary>
    private string? _path;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Check();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time ?? TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    Check();
                }
                catch (Exception ex)
                {
                    // A BackgroundService that throws stops the host; one failed look at the file must not.
                    // Only the path and the exception's type: the message could quote the file.
                    Log.CheckFailed(logger, _path ?? "(none)", ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Check()
    {
        var current = options.CurrentValue;
        _path = current.SigningKeyFile;
        if (current.Enabled)
        {
            keys.Refresh(current);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "Token service: checking the signing key file {Path} failed ({Error}); checking again at the next interval")]
        public static partial void CheckFailed(ILogger logger, string path, string error);
    }
}
