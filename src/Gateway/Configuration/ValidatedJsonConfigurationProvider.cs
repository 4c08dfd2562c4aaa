using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Gateway.Configuration;

internal sealed class ValidatedJsonConfigurationProvider : ConfigurationProvider, IDisposable
{
    private static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(250);

    private readonly ValidatedJsonConfigurationSource _source;
    private readonly PhysicalFileProvider? _files;
    private readonly IDisposable? _watch;

    public ValidatedJsonConfigurationProvider(ValidatedJsonConfigurationSource source)
    {
        _source = source;
        var directory = System.IO.Path.GetDirectoryName(source.Path)!;
        if (Directory.Exists(directory))
        {
            _files = new PhysicalFileProvider(directory);
            var fileName = System.IO.Path.GetFileName(source.Path);
            _watch = ChangeToken.OnChange(() => _files.Watch(fileName), () => _ = ReloadSoonAsync());
        }
    }

    /// <summary>The file, for log lines.</summary>
    public string Location => _source.Path;

    /// <summary>The initial load: a file that does not parse stops the start with a message naming it.</summary>
    public override void Load() => Data = Read();

    /// <summary>The file as it stands now; an optional file that is missing reads as empty.</summary>
    public IDictionary<string, string?> Read()
    {
        if (!File.Exists(_source.Path))
        {
            return _source.Optional
                ? new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
                : throw new GatewayConfigException($"{_source.Path}: config file not found");
        }
        return Parse(_source.Path);
    }

    /// <summary>This provider's keys and values, for building a candidate with the other sources layered around it.</summary>
    public IDictionary<string, string?> Snapshot() => new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="candidate"/> is what this provider already serves.</summary>
    public bool Holds(IDictionary<string, string?> candidate) =>
        candidate.Count == Data.Count && candidate.All(kv => Data.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>Makes a validated candidate live.</summary>
    public void Publish(IDictionary<string, string?> data)
    {
        Data = data;
        OnReload();
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _files?.Dispose();
    }

    private async Task ReloadSoonAsync()
    {
        // Editors write a file in several steps; wait for it to settle before reading.
        await Task.Delay(ReloadDelay);
        await _source.Guard.ReloadAsync(this);
    }

    private static Dictionary<string, string?> Parse(string path)
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
    }
}
