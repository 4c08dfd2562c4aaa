namespace Gateway.Configuration;

/// <summary>
/// A key-per-file directory (container secrets: one file per key, <c>__</c> for <c>:</c>) whose changes
/// go through the <see cref="ConfigReloadGuard"/> like the config file's: a changed secret that does
/// not validate with everything else is rejected and the previous one keeps serving.
/// </summary>
internal sealed class ValidatedKeyPerFileConfigurationSource(string directory, ConfigReloadGuard guard) : IConfigurationSource
{
    public string Directory { get; } = directory;

    public ConfigReloadGuard Guard { get; } = guard;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new ValidatedKeyPerFileConfigurationProvider(this);
}
