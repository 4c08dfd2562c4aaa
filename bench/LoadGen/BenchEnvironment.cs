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

    public int PidOf(ProxyKind proxy) => proxy == ProxyKind.Gateway ? GatewayPid : NginxPid;
}
