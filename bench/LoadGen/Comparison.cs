namespace Bench.LoadGen;

internal sealed record Comparison(string Row, string Baseline, double? MinRpsRatio = null, double? MaxCpuRatio = null);
