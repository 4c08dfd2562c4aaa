namespace Gateway.Auth.Hmac;

public static class HmacDefaults
{
    public const string AuthenticationScheme = "Hmac";
    public const string ConfigSection = "Auth:Hmac";

    /// <summary>The StackExchange.Redis configuration string of the shared nonce store.</summary>
    public const string RedisConnectionStringName = "Redis";

    public const string KeyIdHeader = "X-API-Key";
    public const string TimestampHeader = "X-Timestamp";
    public const string NonceHeader = "X-Nonce";
    public const string SignatureHeader = "X-Signature";

    /// <summary>The four headers a signed request carries.</summary>
    public static IReadOnlyList<string> Headers { get; } = [KeyIdHeader, TimestampHeader, NonceHeader, SignatureHeader];

    public static readonly TimeSpan DefaultMaxSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The largest <c>MaxSkew</c> config accepts. Nonces are kept for twice the skew, so an hour already
    /// means two hours of nonces in Redis; more than that is a misconfigured clock, not a window to open.
    /// </summary>
    public static readonly TimeSpan MaxSkewLimit = TimeSpan.FromHours(1);

    /// <summary>
    /// The smallest <c>MaxSkew</c> config accepts. Timestamps are whole seconds and the window is used in
    /// whole seconds, so anything shorter would be a window of 0 s that refuses nearly every request.
    /// </summary>
    public static readonly TimeSpan MinMaxSkew = TimeSpan.FromSeconds(1);
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// How long the gateway waits for the next piece of a signed body by default: nginx's
    /// <c>client_body_timeout</c>. Kestrel's minimum data rate is an average since the body started, so a
    /// client that sends most of a body quickly and then stalls would otherwise hold the read for minutes.
    /// </summary>
    public static readonly TimeSpan DefaultBodyReadTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The bounds config accepts for <c>BodyReadTimeout</c>.</summary>
    public static readonly TimeSpan MinBodyReadTimeout = TimeSpan.FromSeconds(1);

    /// <inheritdoc cref="MinBodyReadTimeout"/>
    public static readonly TimeSpan MaxBodyReadTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Unix seconds fit in 11 digits until the year 5138; longer values are refused before parsing.</summary>
    public const int MaxTimestampLength = 12;

    public const int MinNonceLength = 8;
    public const int MaxNonceLength = 128;
    public const int MaxKeyIdLength = 256;

    /// <summary>Hex SHA-256: 64 characters, either case.</summary>
    public const int SignatureLength = 64;

    /// <summary>Secrets shorter than this are refused by config validation.</summary>
    public const int MinSecretLength = 16;
}
