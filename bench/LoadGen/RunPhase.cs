namespace Bench.LoadGen;

internal enum RunPhase
{
    WarmUp,
    Measuring,
    Done,
}
