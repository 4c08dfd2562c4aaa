namespace Bench.LoadGen;

/// <summary>A row over all its runs: medians of the rates and latencies, the highest peak RSS, every error.</summary>
internal sealed record RowSummary(
    string Id,
    string Description,
    string Proxy,
    int PreflightStatus,
    string PreflightBody,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    double? ProxyCpuUsPerRequest,
    double ProxyPeakRssMb,
    long Errors,
    string? Flag,
    IReadOnlyList<RunResult> Runs)
{
    public bool Flagged => Flag is not null;
}
