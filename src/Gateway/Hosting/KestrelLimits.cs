using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Hosting;

/// <summary>
/// The <c>Kestrel:Limits</c> section, which ASP.NET Core does not bind by itself (its configuration
/// loader reads only endpoints and certificates from <c>Kestrel</c>). One table of the limits the
/// gateway honours both checks the section and applies it, so <c>validate</c> accepts exactly what
/// Kestrel is then given: each value is parsed and set on a <see cref="KestrelServerLimits"/>, whose
/// own setters judge the range. A key the table does not know is an error, not silently nothing.
/// </summary>
internal static class KestrelLimits
{
    public const string SectionPath = "Kestrel:Limits";

    private const string Bytes0OrMore = "a number of bytes, 0 or more";
    private const string Positive = "must be a positive whole number";
    private const string PositiveBytes = "must be a positive number of bytes";
    private const string TimeForm = "\"hh:mm:ss\" (\"d.hh:mm:ss.fff\" with days or a fraction)";
    private const string PositiveTime = "must be a time span " + TimeForm + " over 0 and at most 1 day (\"1.00:00:00\")";
    private const string PingTime = "must be a time span " + TimeForm + " of at least 1 second and at most 1 day (\"1.00:00:00\")";
    private const string Rate = "must be null (no minimum) or { \"BytesPerSecond\": 240, \"GracePeriod\": \"00:00:05\" }, BytesPerSecond 0 or more and GracePeriod over 1 second and at most 1 day";
    private const string RateWhenEmpty = "is empty; write null for no minimum, or { \"BytesPerSecond\": 240, \"GracePeriod\": \"00:00:05\" }";

    /// <summary>
    /// The longest time span any limit takes. Kestrel adds timeouts to its clock ticks without
    /// checking, so a span of many thousand days overflows on every connection, not at start.
    /// </summary>
    private static readonly TimeSpan MaxTime = TimeSpan.FromDays(1);

    /// <summary>Subsections that group limits rather than being one.</summary>
    private static readonly string[] Groups = ["Http2", "Http3"];

    private static readonly Limit[] Known =
    [
        NullableLong("MaxRequestBodySize", Bytes0OrMore, (l, v) => l.MaxRequestBodySize = v),
        NullableLong("MaxRequestBufferSize", "a positive number of bytes", (l, v) => l.MaxRequestBufferSize = v),
        NullableLong("MaxResponseBufferSize", Bytes0OrMore, (l, v) => l.MaxResponseBufferSize = v),
        Int("MaxRequestLineSize", PositiveBytes, (l, v) => l.MaxRequestLineSize = v),
        Int("MaxRequestHeadersTotalSize", PositiveBytes, (l, v) => l.MaxRequestHeadersTotalSize = v),
        Int("MaxRequestHeaderCount", Positive, (l, v) => l.MaxRequestHeaderCount = v),
        NullableLong("MaxConcurrentConnections", "a positive whole number", (l, v) => l.MaxConcurrentConnections = v),
        NullableLong("MaxConcurrentUpgradedConnections", "a whole number, 0 or more", (l, v) => l.MaxConcurrentUpgradedConnections = v),
        Time("KeepAliveTimeout", PositiveTime, (l, v) => l.KeepAliveTimeout = v),
        Time("RequestHeadersTimeout", PositiveTime, (l, v) => l.RequestHeadersTimeout = v),
        DataRate("MinRequestBodyDataRate", (l, v) => l.MinRequestBodyDataRate = v),
        DataRate("MinResponseDataRate", (l, v) => l.MinResponseDataRate = v),
        Int("Http2:MaxStreamsPerConnection", Positive, (l, v) => l.Http2.MaxStreamsPerConnection = v),
        Int("Http2:HeaderTableSize", "must be a number of bytes, 0 or more", (l, v) => l.Http2.HeaderTableSize = v),
        Int("Http2:MaxFrameSize", "must be a number of bytes from 16384 to 16777215", (l, v) => l.Http2.MaxFrameSize = v),
        Int("Http2:MaxRequestHeaderFieldSize", PositiveBytes, (l, v) => l.Http2.MaxRequestHeaderFieldSize = v),
        Int("Http2:InitialConnectionWindowSize", "must be a number of bytes from 65535 to 2147483647", (l, v) => l.Http2.InitialConnectionWindowSize = v),
        Int("Http2:InitialStreamWindowSize", "must be a number of bytes from 65535 to 2147483647", (l, v) => l.Http2.InitialStreamWindowSize = v),
        Time("Http2:KeepAlivePingDelay", PingTime, (l, v) => l.Http2.KeepAlivePingDelay = v),
        Time("Http2:KeepAlivePingTimeout", PingTime, (l, v) => l.Http2.KeepAlivePingTimeout = v),
        Int("Http3:MaxRequestHeaderFieldSize", PositiveBytes, (l, v) => l.Http3.MaxRequestHeaderFieldSize = v),
    ];

    /// <summary>The keys the gateway honours under <c>Kestrel:Limits</c>, as they are written there.</summary>
    public static IEnumerable<string> Keys => Known.Select(limit => limit.Key);

    /// <summary>
    /// Sets every limit <paramref name="limitsSection"/> (<c>Kestrel:Limits</c>) names on
    /// <paramref name="limits"/>; a key it does not know, or a value that does not parse or that
    /// Kestrel refuses, is reported to <paramref name="error"/> with its full config path and left as it was.
    /// </summary>
    public static void Apply(IConfigurationSection limitsSection, KestrelServerLimits limits, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(limitsSection);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(error);
        if (limitsSection.Value is { Length: > 0 })
        {
            error(SectionPath, "must be an object of Kestrel limits");
            return;
        }
        ApplyChildren(limitsSection, prefix: "", limits, error);
        CheckRequestBuffer(limitsSection, limits, error);
    }

    /// <summary>
    /// Kestrel's own check at start (it throws, naming no key, when the request buffer cannot hold a
    /// request line or the headers), made here on the limits as they stand after the section.
    /// </summary>
    private static void CheckRequestBuffer(IConfigurationSection limitsSection, KestrelServerLimits limits, Action<string, string> error)
    {
        if (limits.MaxRequestBufferSize is not { } buffer
            || (buffer >= limits.MaxRequestLineSize && buffer >= limits.MaxRequestHeadersTotalSize))
        {
            return;
        }
        // The configured value, unless it was refused (reported already) and Kestrel's default stands.
        var configured = limitsSection.GetChildren().FirstOrDefault(c => c.Key.Equals("MaxRequestBufferSize", StringComparison.OrdinalIgnoreCase));
        var value = configured is not null && TryParseLong(configured, out var written) && written == buffer
            ? $"'{buffer.ToString(CultureInfo.InvariantCulture)}'"
            : $"Kestrel's default ({buffer.ToString(CultureInfo.InvariantCulture)})";
        error($"{SectionPath}:MaxRequestBufferSize", string.Create(CultureInfo.InvariantCulture,
            $"{value} must be at least MaxRequestLineSize ({limits.MaxRequestLineSize}) and MaxRequestHeadersTotalSize ({limits.MaxRequestHeadersTotalSize})"));
    }

    /// <summary>Checks the section as <see cref="Apply"/> would apply it, against a scratch set of Kestrel's defaults.</summary>
    public static void Validate(IConfiguration root, Action<string, string> error) =>
        Apply(root.GetSection(SectionPath), new KestrelServerOptions().Limits, error);

    private static void ApplyChildren(IConfigurationSection section, string prefix, KestrelServerLimits limits, Action<string, string> error)
    {
        foreach (var child in section.GetChildren())
        {
            var key = prefix + child.Key;
            if (Array.Find(Known, l => l.Key.Equals(key, StringComparison.OrdinalIgnoreCase)) is { } limit)
            {
                if (TryApply(limit, child, limits) is { } problem)
                {
                    error($"{SectionPath}:{key}", problem);
                }
            }
            else if (prefix.Length == 0 && Array.Exists(Groups, g => g.Equals(key, StringComparison.OrdinalIgnoreCase)))
            {
                if (child.Value is { Length: > 0 })
                {
                    error($"{SectionPath}:{key}", $"must be an object of {key} limits");
                }
                else
                {
                    ApplyChildren(child, key + ":", limits, error);
                }
            }
            else
            {
                error($"{SectionPath}:{key}", "is not a Kestrel limit the gateway knows; the known ones are " + string.Join(", ", Keys));
            }
        }
    }

    /// <summary>Applies one limit; what is wrong with its value, for the error, or null when it applied.</summary>
    private static string? TryApply(Limit limit, IConfigurationSection section, KestrelServerLimits limits)
    {
        string? problem;
        try
        {
            problem = limit.TryApply(section, limits);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Kestrel's setter (or MinDataRate's constructor) refused the value; the rule says why.
            problem = limit.Rule;
        }
        return problem is null || problem != limit.Rule ? problem
            : section.Value is { Length: > 0 } value ? $"'{value}' {limit.Rule}"
            : limit.Rule;
    }

    /// <summary>
    /// "No limit": JSON <c>null</c>, which configuration keeps as a null value with no children (as it
    /// does <c>{}</c>, which it cannot tell apart), or the string <c>null</c> in any case (so that an
    /// environment variable can say it). An empty string (also what <c>[]</c> becomes) is not.
    /// </summary>
    private static bool IsNull(IConfigurationSection section) =>
        section.Value is null ? !section.GetChildren().Any() : section.Value.Equals("null", StringComparison.OrdinalIgnoreCase);

    /// <summary>An empty value (<c>""</c>, <c>[]</c>, an environment variable set to nothing): for a limit that takes null, an error of its own.</summary>
    private static bool IsEmpty(IConfigurationSection section) => section.Value is { Length: 0 };

    private static bool TryParseLong(IConfigurationSection section, out long value) =>
        long.TryParse(section.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// A time span as "hh:mm:ss" (optionally "d." before, a fraction after), over 0 and at most <see cref="MaxTime"/>.
    /// A bare number is not one: TimeSpan.Parse would read "30" as 30 days.
    /// </summary>
    private static bool TryParseTime(string? text, out TimeSpan value)
    {
        value = default;
        return text is not null
            && text.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value)
            && value > TimeSpan.Zero
            && value <= MaxTime;
    }

    private static bool IsBareNumber(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static Limit NullableLong(string key, string what, Action<KestrelServerLimits, long?> set)
    {
        var rule = $"must be {what}, or null for no limit";
        return new(key, rule, (section, limits) =>
        {
            if (IsNull(section))
            {
                set(limits, null);
                return null;
            }
            if (IsEmpty(section))
            {
                return $"is empty; write null for no limit, or {what}";
            }
            if (!TryParseLong(section, out var value))
            {
                return rule;
            }
            set(limits, value);
            return null;
        });
    }

    private static Limit Int(string key, string rule, Action<KestrelServerLimits, int> set) =>
        new(key, rule, (section, limits) =>
        {
            if (!TryParseLong(section, out var value) || value is < int.MinValue or > int.MaxValue)
            {
                return rule;
            }
            set(limits, (int)value);
            return null;
        });

    private static Limit Time(string key, string rule, Action<KestrelServerLimits, TimeSpan> set) =>
        new(key, rule, (section, limits) =>
        {
            // Kestrel takes Timeout.InfiniteTimeSpan for some timeouts; an operator writes a time span.
            if (!TryParseTime(section.Value, out var value))
            {
                return IsBareNumber(section.Value)
                    ? $"'{section.Value}' is a bare number; {rule}, e.g. \"00:00:30\" for 30 seconds"
                    : rule;
            }
            set(limits, value);
            return null;
        });

    private static Limit DataRate(string key, Action<KestrelServerLimits, MinDataRate?> set) =>
        new(key, Rate, (section, limits) =>
        {
            if (IsNull(section))
            {
                set(limits, null);
                return null;
            }
            if (IsEmpty(section))
            {
                return RateWhenEmpty;
            }
            var bytesPerSecond = section["BytesPerSecond"];
            var gracePeriod = section["GracePeriod"];
            if (section.GetChildren().Any(c => !c.Key.Equals("BytesPerSecond", StringComparison.OrdinalIgnoreCase) && !c.Key.Equals("GracePeriod", StringComparison.OrdinalIgnoreCase))
                || !double.TryParse(bytesPerSecond, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate)
                || !double.IsFinite(rate)
                || !TryParseTime(gracePeriod, out var grace))
            {
                return Rate;
            }
            set(limits, new MinDataRate(rate, grace));
            return null;
        });

    /// <param name="Key">The key under <c>Kestrel:Limits</c>, e.g. <c>Http2:MaxFrameSize</c>.</param>
    /// <param name="Rule">What the value must be, for the error message.</param>
    /// <param name="TryApply">
    /// Parses the value and sets it, returning null; or returns what is wrong: <paramref name="Rule"/>
    /// (quoted with the value) or a message of its own. Kestrel's setters throw on a bad range.
    /// </param>
    private sealed record Limit(string Key, string Rule, Func<IConfigurationSection, KestrelServerLimits, string?> TryApply);
}
