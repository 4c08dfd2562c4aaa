namespace Gateway.Tests.OAuth2;

/// <summary>A clock that stands still until the test moves it.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
