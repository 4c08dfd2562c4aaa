namespace Bench.LoadGen;

internal sealed record ComparisonResult(
    string Row,
    string Baseline,
    double? RpsRatio,
    double? CpuRatio,
    string Target,
    string Verdict);
