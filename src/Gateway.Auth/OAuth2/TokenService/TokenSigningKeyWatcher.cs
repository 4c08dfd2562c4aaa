using Microsoft.Extensions.Hosting;
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
internal sealed class TokenSigningKeyWatcher(TokenSigningKeyProvider keys, IOptionsMonitor<TokenServiceOptions> options, TimeProvider? time = null)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

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
                Check();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Check()
    {
        var current = options.CurrentValue;
        if (current.Enabled)
        {
            keys.Refresh(current);
        }
    }
}
