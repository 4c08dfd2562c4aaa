using System.Security.Cryptography;
using System.Text;
using Gateway.Auth.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>
/// The token service's keys: read from <c>SigningKeyFile</c> (again when the configured path or the
/// file changes, checked on every use and by <see cref="TokenSigningKeyWatcher"/>), or, without a
/// file, made once per process. A new key is trusted first and signs only after everyone listening
/// to <see cref="GetChangeToken"/> (JwtBearer's options) has been told, so that the routes never
/// see a token from this service that they do not trust. The key it replaces stays trusted until
/// every token it signed has expired. Whatever the interleaving of callers, the key that signs is
/// never retiring, and a staged key is either promoted or withdrawn (retiring like a replaced key).
/// </summary>
internal sealed partial class TokenSigningKeyProvider(
    IOptionsMonitor<TokenServiceOptions> options,
    IOptionsMonitor<OAuth2Options> oauth2,
    ILogger<TokenSigningKeyProvider> logger,
    ConfigBaseDirectory? baseDirectory = null,
    TimeProvider? time = null) : IDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Lock _notifying = new();
    private TokenSigningKeySet? _keys;
    private KeySource? _source;
    private byte[]? _contentHash;
    private long _contentCheckedAt;
    private TokenSigningKey? _staged;
    private TokenSigningKey? _ephemeralKey;
    private CancellationTokenSource _changed = new();

    /// <summary>The keys, or null when the token service is off or no key can be read.</summary>
    public TokenSigningKeySet? Current
    {
        get
        {
            var current = options.CurrentValue;
            return current.Enabled ? Refresh(current) : null;
        }
    }

    /// <summary>Fires when the trusted keys change: a new key, or a replaced key whose tokens have all expired.</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    /// <summary>The key that signs now, or null (logged) when no key can be read at all.</summary>
    public TokenSigningKey? TryGet(TokenServiceOptions current) => Refresh(current)?.Signing;

    /// <summary>
    /// The keys as loaded, without looking at the file again unless nothing has been loaded yet: for
    /// building JwtBearer's options, which <see cref="GetChangeToken"/> rebuilds when they change.
    /// Keys whose tokens have all expired are left out even if no check has dropped them yet (options
    /// rebuilt by a config reload in that gap would otherwise trust them until the next change).
    /// </summary>
    public TokenSigningKeySet? Loaded(TokenServiceOptions current)
    {
        var keys = Volatile.Read(ref _keys) ?? Refresh(current);
        var now = _time.GetUtcNow();
        return keys is not null && keys.HasRetired(now) ? keys.WithoutRetired(now) : keys;
    }

    /// <summary>
    /// Reads the key again if the configured path, the file (through symbolic links, as a
    /// Kubernetes secret volume swaps them) or its size or write time changed, or, at most once per
    /// <see cref="TokenSigningKeyWatcher.Interval"/>, if its content did (a swap can keep both size and
    /// write time); and drops replaced keys whose tokens have expired. A file that cannot be read
    /// keeps the keys there are. Null only when no key has ever been read.
    /// </summary>
    public TokenSigningKeySet? Refresh(TokenServiceOptions current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var source = KeySource.Of(string.IsNullOrEmpty(current.SigningKeyFile)
            ? null
            : baseDirectory?.Resolve(current.SigningKeyFile) ?? Path.GetFullPath(current.SigningKeyFile));
        var now = _time.GetUtcNow();
        var keys = Volatile.Read(ref _keys);
        if (keys is not null && source == Volatile.Read(ref _source) && !ContentCheckDue(source, now) && !keys.HasRetired(now))
        {
            return keys;
        }

        TokenSigningKey? incoming = null;
        lock (_gate)
        {
            // Read again: waiting for the lock takes time, and a withdrawn key's retire time counts from now.
            now = _time.GetUtcNow();
            keys = _keys;
            var changed = false;
            if (source != _source || ContentCheckDue(source, now))
            {
                var loaded = ReadIfChanged(source, now, keys is not null);
                if (loaded is null || loaded.KeyId == _staged?.KeyId)
                {
                    // Nothing to read, or the key already on its way to signing.
                }
                else if (keys is null)
                {
                    // The first key: nothing was signed before it, so it signs at once.
                    keys = TokenSigningKeySet.Single(loaded);
                    changed = true;
                }
                else if (loaded.KeyId == keys.Signing.KeyId)
                {
                    if (_staged is { } withdrawn)
                    {
                        // Back to the key that signs now: the staged key never signs here. Another
                        // instance sharing the file may have signed with it, so it retires like a replaced key.
                        keys = keys.Retiring(withdrawn, now + current.TokenLifetime + oauth2.CurrentValue.ClockSkew);
                        _staged = null;
                        Log.KeyWithdrawn(logger, withdrawn.KeyId, keys.Signing.KeyId);
                    }
                }
                else
                {
                    if (_staged is { } superseded)
                    {
                        keys = keys.Retiring(superseded, now + current.TokenLifetime + oauth2.CurrentValue.ClockSkew);
                    }
                    // Trusted now; signs once the listeners have been told (below).
                    keys = keys.Trusting(loaded);
                    _staged = incoming = loaded;
                    changed = true;
                }
            }
            if (keys is not null && keys.HasRetired(now))
            {
                keys = keys.WithoutRetired(now);
                changed = true;
                Log.KeysRetired(logger);
            }
            Volatile.Write(ref _keys, keys);
            if (!changed)
            {
                return keys;
            }
        }

        // Outside the lock: listeners rebuild JwtBearer's options, which read the keys.
        NotifyChanged();
        if (incoming is null)
        {
            return keys;
        }
        lock (_gate)
        {
            // Everyone now trusts the new key: let it sign, unless another change has withdrawn or replaced it meanwhile.
            if (ReferenceEquals(_staged, incoming))
            {
                _staged = null;
                var previous = _keys!.Signing;
                // The previous key signed until this moment, not until the file was read: its retire time counts from here.
                var retireAt = _time.GetUtcNow() + current.TokenLifetime + oauth2.CurrentValue.ClockSkew;
                Volatile.Write(ref _keys, _keys.Retiring(previous, retireAt) with { Signing = incoming });
                Log.KeyReplaced(logger, incoming.KeyId, previous.KeyId, retireAt);
            }
            return _keys;
        }
    }

    private bool ContentCheckDue(KeySource source, DateTimeOffset now)
    {
        var checkedAt = Volatile.Read(ref _contentCheckedAt);
        // A clock set back makes a check due at once rather than never.
        return source.Path is not null && (now.UtcTicks < checkedAt || now.UtcTicks - checkedAt >= TokenSigningKeyWatcher.Interval.Ticks);
    }

    /// <summary>
    /// The key in the file, when its stamp or its content differs from the last read; otherwise (or
    /// when it cannot be read or is not a key: logged once per change) null. Under <see cref="_gate"/>.
    /// </summary>
    private TokenSigningKey? ReadIfChanged(KeySource source, DateTimeOffset now, bool haveKeys)
    {
        var stampChanged = source != _source;
        // Recorded whether or not the read succeeds: a bad file is reported once, not on every request.
        _source = source;
        if (source.Path is null)
        {
            if (_ephemeralKey is null)
            {
                _ephemeralKey = TokenSigningKey.Generate();
                Log.EphemeralKey(logger);
            }
            return stampChanged ? _ephemeralKey : null;
        }
        Volatile.Write(ref _contentCheckedAt, now.UtcTicks);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(source.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (stampChanged || _contentHash is not null)
            {
                _contentHash = null;
                LogUnusable(source.Path, haveKeys, ex);
            }
            return null;
        }
        try
        {
            var hash = SHA256.HashData(content);
            if (!stampChanged && _contentHash is not null && hash.AsSpan().SequenceEqual(_contentHash))
            {
                return null;
            }
            _contentHash = hash;
            return TokenSigningKey.FromPem(Encoding.UTF8.GetString(content));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            LogUnusable(source.Path, haveKeys, ex);
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    private void LogUnusable(string path, bool haveKeys, Exception ex)
    {
        if (haveKeys)
        {
            // Validation checked the file at load; if it has gone bad since, keep the keys we have.
            Log.KeyReloadFailed(logger, path, ex.GetType().Name);
        }
        else
        {
            Log.KeyUnavailable(logger, ex.GetType().Name);
        }
    }

    /// <summary>
    /// Tells the listeners, one change at a time: a caller returns only after the listeners of every
    /// change before it have been told. Otherwise a second caller could swap in a new source and cancel
    /// it (reaching nobody yet) while the first is still telling the listeners, and let its key sign
    /// before they trust it.
    /// </summary>
    private void NotifyChanged()
    {
        lock (_notifying)
        {
            var changed = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
            try
            {
                changed.Cancel();
            }
            catch (AggregateException ex)
            {
                // A listener failed; JwtBearer's monitor drops its cached options before it builds new ones, so they are rebuilt on next use.
                Log.ListenerFailed(logger, ex.InnerExceptions[0].GetType().Name);
            }
            // Not disposed: a listener may still register on the token it took from this source.
        }
    }

    public void Dispose() => Volatile.Read(ref _changed).Dispose();

    /// <summary>Where the key comes from, and what the file looked like (cheaply: a stat) when it was last read.</summary>
    private sealed record KeySource(string? Path, string? Target, DateTime Written, long Length)
    {
        public static KeySource Of(string? path)
        {
            if (path is null)
            {
                return new KeySource(null, null, default, 0);
            }
            try
            {
                // FileInfo reports a symbolic link's own times; the key is in the file it points to.
                var file = new FileInfo(path);
                var target = file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
                return target.Exists
                    ? new KeySource(path, target.FullName, target.LastWriteTimeUtc, target.Length)
                    : new KeySource(path, target.FullName, default, -1);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return new KeySource(path, null, default, -1);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Token service: no SigningKeyFile configured; using a key made at start. Tokens stop validating when the process restarts and are not accepted by other instances.")]
        public static partial void EphemeralKey(ILogger logger);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Token service: could not re-read the signing key file {Path} ({Error}); keeping the previous key")]
        public static partial void KeyReloadFailed(ILogger logger, string path, string error);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "Token service: no signing key can be read ({Error}); its tokens are refused until the key file is fixed")]
        public static partial void KeyUnavailable(ILogger logger, string error);

        [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Token service: signing key {KeyId} replaces {PreviousKeyId}; tokens signed with the previous key are accepted until {RetireAt:O}")]
        public static partial void KeyReplaced(ILogger logger, string keyId, string previousKeyId, DateTimeOffset retireAt);

        [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "Token service: a previous signing key's tokens have all expired; it is no longer accepted")]
        public static partial void KeysRetired(ILogger logger);

        [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "Token service: the signing key file is back at key {KeyId}, which keeps signing; {WithdrawnKeyId} never signed here and is accepted until its tokens could have expired")]
        public static partial void KeyWithdrawn(ILogger logger, string withdrawnKeyId, string keyId);

        [LoggerMessage(EventId = 3106, Level = LogLevel.Error, Message = "Token service: a listener failed while the signing keys changed ({Error})")]
        public static partial void ListenerFailed(ILogger logger, string error);
    }
}
