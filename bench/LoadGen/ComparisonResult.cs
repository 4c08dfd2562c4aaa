namespace Bench.LoadGen;

internal sealed record ComparisonResult(
    string Row,
    string Baseline,
    double? RpsRatio,
    double? CpuRatio,
    IReadOnlyList<double> RpsRatioPerRun,
    string Target,
    string Verdict);
