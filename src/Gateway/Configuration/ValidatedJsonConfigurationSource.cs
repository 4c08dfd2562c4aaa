namespace Gateway.Configuration;

/// <summary>
/// A JSON file source that only ever publishes configurations that parse and validate. The stock
/// JSON provider empties itself when a reload fails to parse, which would drop every route and
/// credential; this one keeps the last good snapshot instead.
/// </summary>
internal sealed class ValidatedJsonConfigurationSource(string path, bool optional, ConfigReloadGuard guard) : IConfigurationSource
{
    public string Path { get; } = path;

    public bool Optional { get; } = optional;

    public ConfigReloadGuard Guard { get; } = guard;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new ValidatedJsonConfigurationProvider(this);
}
