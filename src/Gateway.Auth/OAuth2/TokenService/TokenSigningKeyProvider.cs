using Gateway.Auth.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>
/// The token service's current signing key: read from <c>SigningKeyFile</c> (again when the
/// configured path or the file changes), or, without a file, made once per process.
/// </summary>
internal sealed partial class TokenSigningKeyProvider(
    IOptionsMonitor<TokenServiceOptions> options, ILogger<TokenSigningKeyProvider> logger, ConfigBaseDirectory? baseDirectory = null)
{
    private readonly Lock _gate = new();
    private TokenSigningKey? _fileKey;
    private string? _filePath;
    private DateTime _fileWritten;
    private TokenSigningKey? _ephemeralKey;

    /// <summary>The key, or null when the token service is off.</summary>
    public TokenSigningKey? Current
    {
        get
        {
            var current = options.CurrentValue;
            return current.Enabled ? TryGet(current) : null;
        }
    }

    /// <summary>Like <see cref="Get"/>, but null (logged) when no key can be read at all.</summary>
    public TokenSigningKey? TryGet(TokenServiceOptions current)
    {
        try
        {
            return Get(current);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            Log.KeyUnavailable(logger, ex.GetType().Name);
            return null;
        }
    }

    public TokenSigningKey Get(TokenServiceOptions current)
    {
        lock (_gate)
        {
            if (string.IsNullOrEmpty(current.SigningKeyFile))
            {
                if (_ephemeralKey is null)
                {
                    _ephemeralKey = TokenSigningKey.Generate();
                    Log.EphemeralKey(logger);
                }
                return _ephemeralKey;
            }
            var path = baseDirectory?.Resolve(current.SigningKeyFile) ?? Path.GetFullPath(current.SigningKeyFile);
            var written = File.GetLastWriteTimeUtc(path);
            if (_fileKey is null || path != _filePath || written != _fileWritten)
            {
                try
                {
                    _fileKey = TokenSigningKey.Load(path);
                    _filePath = path;
                    _fileWritten = written;
                }
                catch (Exception ex) when (_fileKey is not null && ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
                {
                    // Validation checked the file at load; if it has gone bad since, keep signing with the key we have.
                    Log.KeyReloadFailed(logger, path, ex.GetType().Name);
                }
            }
            return _fileKey;
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
    }
}
