namespace Bench.LoadGen;

/// <summary>What one connection loop saw inside the measured window.</summary>
internal sealed class WorkerStats
{
    public List<long> LatencyTicks { get; } = new(capacity: 1 << 16);

    public Dictionary<int, long> Non2xx { get; } = [];

    public long IoErrors { get; set; }

    public string? FirstError { get; set; }
}
