using Microsoft.Extensions.FileProviders;

namespace Gateway.Configuration;

internal sealed class ValidatedJsonConfigurationProvider : ValidatedConfigurationProvider
{
    private readonly ValidatedJsonConfigurationSource _source;
    private readonly PhysicalFileProvider? _files;

    public ValidatedJsonConfigurationProvider(ValidatedJsonConfigurationSource source)
        : base(source.Guard)
    {
        _source = source;
        var directory = System.IO.Path.GetDirectoryName(source.Path)!;
        if (Directory.Exists(directory))
        {
            _files = new PhysicalFileProvider(directory);
            var fileName = System.IO.Path.GetFileName(source.Path);
            ReloadOn(() => _files.Watch(fileName));
        }
    }

    public override string Location => _source.Path;

    /// <summary>The file as it stands now; an optional file that is missing reads as empty, one that does not parse names itself.</summary>
    public override IDictionary<string, string?> Read()
    {
        if (!File.Exists(_source.Path))
        {
            return _source.Optional
                ? new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
                : throw new GatewayConfigException($"{_source.Path}: config file not found");
        }
        return Parse(_source.Path);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _files?.Dispose();
        }
    }

    internal static Dictionary<string, string?> Parse(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var parsed = new ConfigurationBuilder().AddJsonStream(stream).Build();
            // Keep empty objects and arrays as null entries, as the stock JSON provider does
            // ("cn": {} is a listed client with no scopes, not nothing).
            var data = ConfigurationSnapshot.Flatten(parsed.Providers.Single());
            return data;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidDataException)
        {
            throw new GatewayConfigException($"{path}: not valid JSON: {(ex.InnerException ?? ex).Message}");
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // E.g. a file the gateway's user may not read: a config error naming the file, not a crash.
            throw new GatewayConfigException($"{path}: cannot be read: {ex.Message}");
        }
    }
}
