namespace Bench.LoadGen;

/// <summary>
/// A row against its baseline. <see cref="RpsRatio"/> and <see cref="CpuRatio"/> are medians of the
/// per-run ratios (run k of the row against run k of its baseline, measured in the same pass over the
/// rows); the verdict is taken on them. The ratios of the two rows' medians are kept for comparison.
/// </summary>
internal sealed record ComparisonResult(
    string Row,
    string Baseline,
    double? RpsRatio,
    double? CpuRatio,
    IReadOnlyList<double> RpsRatioPerRun,
    IReadOnlyList<double> CpuRatioPerRun,
    double? RpsRatioOfMedians,
    double? CpuRatioOfMedians,
    string Target,
    string Verdict);
