namespace Bench.LoadGen;

/// <summary>One run of one row.</summary>
internal sealed record RunResult(
    long Requests,
    double Seconds,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double? ProxyCpuUsPerRequest,
    double ProxyPeakRssMb,
    int ProxyProcesses,
    double LoadGenCpuUsPerRequest,
    double? ProxyJitCpuMs,
    IReadOnlyDictionary<string, long> Non2xx,
    long IoErrors,
    string? FirstError)
{
    public long ErrorCount => Non2xx.Values.Sum() + IoErrors;
}
