using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Gateway.Configuration;

internal sealed class ValidatedJsonConfigurationProvider : ConfigurationProvider, IDisposable
{
    private static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(250);

    private readonly ValidatedJsonConfigurationSource _source;
    private readonly PhysicalFileProvider? _files;
    private readonly IDisposable? _watch;
    private readonly Lock _reloadLock = new();

    public ValidatedJsonConfigurationProvider(ValidatedJsonConfigurationSource source)
    {
        _source = source;
        var directory = System.IO.Path.GetDirectoryName(source.Path)!;
        if (Directory.Exists(directory))
        {
            _files = new PhysicalFileProvider(directory);
            var fileName = System.IO.Path.GetFileName(source.Path);
            _watch = ChangeToken.OnChange(() => _files.Watch(fileName), OnFileChanged);
        }
    }

    /// <summary>The initial load: a file that does not parse stops the start with a message naming it.</summary>
    public override void Load()
    {
        if (!File.Exists(_source.Path))
        {
            if (_source.Optional)
            {
                Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                return;
            }
            throw new GatewayConfigException($"{_source.Path}: config file not found");
        }
        Data = Parse(_source.Path);
    }

    /// <summary>This provider's keys and values, for building a candidate with the other sources layered around it.</summary>
    public IDictionary<string, string?> Snapshot() => new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        _watch?.Dispose();
        _files?.Dispose();
    }

    private void OnFileChanged()
    {
        // Editors write a file in several steps; wait for it to settle before reading.
        _ = Task.Delay(ReloadDelay).ContinueWith(_ => TryReload(), TaskScheduler.Default);
    }

    private void TryReload()
    {
        lock (_reloadLock)
        {
            IDictionary<string, string?> candidate;
            try
            {
                candidate = File.Exists(_source.Path) || !_source.Optional
                    ? Parse(_source.Path)
                    : new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            }
            catch (Exception ex) when (ex is GatewayConfigException or IOException or UnauthorizedAccessException)
            {
                _source.Guard.Rejected(_source.Path, [ex is GatewayConfigException g ? string.Join("; ", g.Errors) : ex.Message]);
                return;
            }

            if (SameAs(candidate))
            {
                return;
            }
            var errors = _source.Guard.Validate(this, candidate);
            if (errors.Count > 0)
            {
                _source.Guard.Rejected(_source.Path, errors);
                return;
            }
            Data = candidate;
            _source.Guard.Accepted(_source.Path);
            OnReload();
        }
    }

    private bool SameAs(IDictionary<string, string?> candidate) =>
        candidate.Count == Data.Count && candidate.All(kv => Data.TryGetValue(kv.Key, out var v) && v == kv.Value);

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
