using System.Text.Json;

namespace Bench.LoadGen;

/// <summary>What run.sh started and made, read from the env file it writes (camelCase JSON).</summary>
internal sealed record BenchEnvironment(
    string GatewayUrl,
    int GatewayPid,
    string NginxUrl,
    string NginxMtlsUrl,
    string NginxHttpUrl,
    int NginxPid,
    string ServerCertFile,
    string ClientCertFile,
    string ClientKeyFile,
    string ApiKey,
    string TokenFile,
    string HmacKeyId,
    string HmacSecret,
    int ClockTicksPerSecond,
    IReadOnlyList<string> RequestLogFiles,
    string NginxVersion,
    string GitCommit)
{
    public static BenchEnvironment Load(string path) =>
        JsonSerializer.Deserialize<BenchEnvironment>(File.ReadAllText(path), Json.Options)
        ?? throw new InvalidDataException($"{path} is empty");

    public Uri UrlOf(Listener listener) => new(listener switch
    {
        Listener.Gateway => GatewayUrl,
        Listener.NginxHttps => NginxUrl,
        Listener.NginxMtls => NginxMtlsUrl,
        Listener.NginxHttp => NginxHttpUrl,
        _ => throw new ArgumentOutOfRangeException(nameof(listener)),
    });

    /// <summary>
    /// Empties the proxies' request logs (both are opened for appending, so writers carry on at
    /// the new end): a full run would otherwise leave gigabytes of log lines.
    /// </summary>
    public void TruncateRequestLogs()
    {
        foreach (var file in RequestLogFiles ?? [])
        {
            if (File.Exists(file))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                stream.SetLength(0);
            }
        }
    }

    public int PidOf(ProxyKind proxy) => proxy == ProxyKind.Gateway ? GatewayPid : NginxPid;
}
