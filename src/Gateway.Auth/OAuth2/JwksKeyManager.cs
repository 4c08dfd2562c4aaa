using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// The external provider's signing keys, as JwtBearer's configuration manager. Keys are fetched at
/// start and on a schedule by <see cref="JwksRefreshService"/>; a token naming an unknown key asks
/// for a refresh, which runs at most once per <see cref="OAuth2Options.RefreshCooldown"/> and only
/// one at a time (every request that asked waits for that one fetch). A failed fetch keeps the last
/// good keys.
/// </summary>
internal sealed partial class JwksKeyManager : BaseConfigurationManager, IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    private static readonly OpenIdConnectConfiguration NoKeys = new();

    // Set by RequestRefresh on the validating request's flow, so that only that request waits for the fetch.
    private static readonly AsyncLocal<bool> RefreshRequested = new();

    private readonly IOptionsMonitor<OAuth2Options> _options;
    private readonly JwksFetcher _fetcher = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly IDisposable? _onChange;
    private OpenIdConnectConfiguration _current = NoKeys;
    private Uri? _currentSource;
    private Task? _inFlight;
    private long _lastOnDemandFetch;
    private bool _fetchedOnDemand;
    private int _fetchCount;
    private long _generation;

    public JwksKeyManager(IOptionsMonitor<OAuth2Options> options, ILogger<JwksKeyManager> logger, TimeProvider? time = null)
    {
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _currentSource = options.CurrentValue.KeySource;
        // IdentityModel's own "last known good" would keep accepting keys the provider has withdrawn
        // (or a previous provider's keys after a reload) for an hour; this class keeps the last good
        // keys only while fetches fail, which is the one case that needs it.
        UseLastKnownGoodConfiguration = false;
        _onChange = options.OnChange(OnOptionsChanged);
    }

    /// <summary>True once a fetch has produced keys.</summary>
    public bool HasKeys => !ReferenceEquals(Volatile.Read(ref _current), NoKeys);

    /// <summary>
    /// Goes up whenever the key set is replaced (every successful fetch, and a switch of provider), so
    /// that whatever was validated against the previous keys can tell it is stale. Read it before
    /// validating: it goes up only after the new keys are in place.
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Fetches attempted so far (for tests and diagnostics).</summary>
    public int FetchCount => Volatile.Read(ref _fetchCount);

    public override Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) =>
        GetBaseAsync(cancel);

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) =>
        GetCurrentAsync(cancel);

    /// <summary>Called when a token names a key we do not have; honoured at most once per cooldown.</summary>
    public override void RequestRefresh()
    {
        RefreshRequested.Value = true;
        _ = RefreshAsync(force: false);
    }

    /// <summary>
    /// Starts a fetch unless one is running (then joins it). Without <paramref name="force"/> (a
    /// token asked), does nothing within the cooldown of the last fetch a token asked for; scheduled
    /// fetches do not count, so a key rotated in just after one is still picked up at once.
    /// </summary>
    public Task RefreshAsync(bool force)
    {
        var options = _options.CurrentValue;
        if (options.KeySource is null)
        {
            return Task.CompletedTask;
        }
        lock (_gate)
        {
            if (_inFlight is not null)
            {
                return _inFlight;
            }
            if (!force)
            {
                var now = _time.GetTimestamp();
                if (_fetchedOnDemand && _time.GetElapsedTime(_lastOnDemandFetch, now) < options.RefreshCooldown)
                {
                    return Task.CompletedTask;
                }
                _fetchedOnDemand = true;
                _lastOnDemandFetch = now;
            }
            _inFlight = Task.Run(() => FetchAsync(options));
            return _inFlight;
        }
    }

    private async Task<BaseConfiguration> GetBaseAsync(CancellationToken cancel) => await GetCurrentAsync(cancel);

    private async Task<OpenIdConnectConfiguration> GetCurrentAsync(CancellationToken cancel)
    {
        Task? inFlight;
        lock (_gate)
        {
            inFlight = _inFlight;
        }
        if (inFlight is not null && (RefreshRequested.Value || !HasKeys))
        {
            RefreshRequested.Value = false;
            try
            {
                await inFlight.WaitAsync(cancel);
            }
            catch (OperationCanceledException)
            {
                // The request went away; answer with what we have.
            }
        }
        return Volatile.Read(ref _current);
    }

    private async Task FetchAsync(OAuth2Options options)
    {
        var source = options.KeySource!;
        try
        {
            Interlocked.Increment(ref _fetchCount);
            var configuration = await _fetcher.FetchAsync(options, CancellationToken.None);
            lock (_gate)
            {
                // A reload may have switched providers while this fetch ran: keys from the old one are not installed.
                if (_options.CurrentValue.KeySource == source)
                {
                    Volatile.Write(ref _current, configuration);
                    _currentSource = source;
                    Interlocked.Increment(ref _generation);
                }
            }
            Log.KeysFetched(_logger, configuration.SigningKeys.Count, source);
        }
        catch (Exception ex) when (ex is JwksFetchException or HttpRequestException or OperationCanceledException)
        {
            Log.FetchFailed(_logger, source, ex.Message, HasKeys);
        }
#pragma warning disable CA1031 // Whatever else a fetch throws must not escape: the refresh loop would stop the host, and every route with it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FetchFailed(_logger, source, $"{ex.GetType().Name}: {ex.Message}", HasKeys);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight = null;
            }
        }
    }

    private void OnOptionsChanged(OAuth2Options options)
    {
        Uri? previous;
        lock (_gate)
        {
            previous = _currentSource;
            if (previous == options.KeySource)
            {
                return;
            }
            // Another provider: its predecessor's keys must stop working now, not at the next fetch.
            Volatile.Write(ref _current, NoKeys);
            _currentSource = options.KeySource;
            Interlocked.Increment(ref _generation);
        }
        _ = RefreshAsync(force: true);
    }

    public void Dispose()
    {
        _onChange?.Dispose();
        _fetcher.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "OAuth2: fetched {KeyCount} signing keys from {Source}")]
        public static partial void KeysFetched(ILogger logger, int keyCount, Uri source);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "OAuth2: could not fetch signing keys from {Source}: {Reason}; keeping the last good keys: {HaveKeys}")]
        public static partial void FetchFailed(ILogger logger, Uri source, string reason, bool haveKeys);
    }
}
