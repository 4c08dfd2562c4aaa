using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Auth.Mtls;

/// <summary>
/// Reads the CA and CRL files when the config is loaded and on every accepted reload, as the README
/// says, rather than at the first Mtls request after it: a file replaced on disk in between (without
/// a reload) must not take effect unvalidated, nor a broken one refuse every client certificate.
/// </summary>
internal sealed partial class MtlsTrustLoader(IOptionsMonitor<MtlsOptions> options, ILogger<MtlsTrustLoader> logger) : IHostedService, IDisposable
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = options.OnChange((changed, name) =>
        {
            if (name == MtlsDefaults.AuthenticationScheme)
            {
                Load(changed);
            }
        });
        Load(options.Get(MtlsDefaults.AuthenticationScheme));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    private void Load(MtlsOptions mtls)
    {
        if (string.IsNullOrWhiteSpace(mtls.TrustedCaFile))
        {
            return; // Mtls is not configured.
        }
        try
        {
            _ = mtls.Trust;
        }
        catch (Exception ex) when (MtlsTrust.IsLoadFailure(ex))
        {
            // Validated a moment ago; changed since. Requests will try again and log it as well.
            LogLoadFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Mtls trust files could not be read after the config was loaded: {Error}")]
    private static partial void LogLoadFailed(ILogger logger, string error);
}
