using Microsoft.Extensions.Configuration.KeyPerFile;
using Microsoft.Extensions.FileProviders;

namespace Gateway.Configuration;

internal sealed class ValidatedKeyPerFileConfigurationProvider : ValidatedConfigurationProvider
{
    private readonly string _directory;
    private readonly PhysicalFileProvider _files;

    public ValidatedKeyPerFileConfigurationProvider(ValidatedKeyPerFileConfigurationSource source)
        : base(source.Guard)
    {
        _directory = source.Directory;
        _files = new PhysicalFileProvider(source.Directory);
        ReloadOn(() => _files.Watch("*"));
    }

    public override string Location => _directory;

    /// <summary>The directory as the stock key-per-file provider reads it (key names, ignored files, trimmed newlines).</summary>
    public override IDictionary<string, string?> Read()
    {
        // The directory existed at start (no provider otherwise). Gone now — unmounted, or swapped
        // for a new one — is not "no secrets": read as empty, a config that still validates would
        // go live without them (a JSON fallback secret, a Redis connection string...). Refuse instead.
        if (!Directory.Exists(_directory))
        {
            throw new DirectoryNotFoundException($"{_directory}: the secrets directory is gone; the secrets read from it keep serving until it is back");
        }
        using var reader = new KeyPerFileConfigurationProvider(new KeyPerFileConfigurationSource { FileProvider = _files, Optional = true });
        reader.Load();
        return ConfigurationSnapshot.Flatten(reader);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _files.Dispose();
        }
    }
}
