using Gateway.Auth.Configuration;

namespace Gateway.Hosting;

/// <summary>
/// The log levels under <c>Logging</c> and <c>Serilog:MinimumLevel</c>: a level that is not one makes
/// Serilog (while the gateway is built) or the logger filter (on first use, and on a reload) throw,
/// so it is a config error naming the key instead of a crash, and a reload with one is rejected.
/// </summary>
internal static class LoggingConfigValidator
{
    private static readonly string[] MicrosoftLevels = Enum.GetNames<LogLevel>();
    private static readonly string[] SerilogLevels = Enum.GetNames<Serilog.Events.LogEventLevel>();

    public static void Validate(ConfigValidationContext context)
    {
        var logging = context.Root.GetSection("Logging");
        // Logging:LogLevel:* and, per provider, Logging:Console:LogLevel:* and the like.
        foreach (var section in logging.GetChildren().Prepend(logging))
        {
            foreach (var level in section.GetSection("LogLevel").GetChildren())
            {
                Check(context, level, MicrosoftLevels);
            }
        }

        // Serilog's level switches ("LevelSwitches": { "$name": "Warning" }), which overrides may name.
        var switches = context.Root.GetSection("Serilog:LevelSwitches");
        foreach (var level in switches.GetChildren())
        {
            Check(context, level, SerilogLevels);
        }
        var minimum = context.Root.GetSection("Serilog:MinimumLevel");
        if (minimum.Value is not null)
        {
            Check(context, minimum, SerilogLevels);
        }
        if (minimum.GetSection("Default") is { Value: not null } serilogDefault)
        {
            Check(context, serilogDefault, SerilogLevels);
        }
        foreach (var level in minimum.GetSection("Override").GetChildren())
        {
            if (level.Value is ['$', ..] name && switches.GetSection(name).Exists())
            {
                continue;
            }
            Check(context, level, SerilogLevels);
        }
    }

    private static void Check(ConfigValidationContext context, IConfigurationSection level, string[] names)
    {
        // Names in any case, as both parse them; a number only where it names a level. An empty value
        // (an empty environment variable, say) is ignored by both, as if it were not there.
        if (level.Value is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) && !names.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase)
            && !(int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number < names.Length))
        {
            // The value is not quoted: like any value, it may come from the secrets directory.
            context.Error(level.Path, $"is not a log level (one of {string.Join(", ", names)})");
        }
    }
}
