using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// Fetches the provider's keys before the gateway serves (so the first request finds them), then
/// again every <see cref="OAuth2Options.RefreshInterval"/>; while no fetch has succeeded yet, it
/// retries every <see cref="OAuth2Options.RefreshCooldown"/>.
/// </summary>
internal sealed class JwksRefreshService(JwksKeyManager keys, IOptionsMonitor<OAuth2Options> options, TimeProvider? time = null) : BackgroundService
{
    // A zero cooldown must not turn retries against a provider that is down into a busy loop.
    private static readonly TimeSpan MinimumDelay = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await keys.RefreshAsync(force: true).WaitAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var current = options.CurrentValue;
            var delay = keys.HasKeys || current.KeySource is null ? current.RefreshInterval : current.RefreshCooldown;
            if (delay < MinimumDelay)
            {
                delay = MinimumDelay;
            }
            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await keys.RefreshAsync(force: true);
        }
    }
}
