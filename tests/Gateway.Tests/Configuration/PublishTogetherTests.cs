using Gateway.Configuration;

namespace Gateway.Tests.Configuration;

public sealed class PublishTogetherTests
{
    [Fact]
    public void AListenerThatThrows_DoesNotKeepTheOtherSourcesFromSignalling()
    {
        var guard = new ConfigReloadGuard(new GatewayConfigValidator(Path.GetTempPath(), development: false));
        using var first = new FixedProvider(guard);
        using var second = new FixedProvider(guard);
        var secondSignalled = false;
        first.GetReloadToken().RegisterChangeCallback(_ => throw new InvalidOperationException("listener failed"), null);
        second.GetReloadToken().RegisterChangeCallback(_ => secondSignalled = true, null);

        var failure = Assert.Throws<AggregateException>(() => ValidatedConfigurationProvider.PublishTogether(
        [
            new(first, new Dictionary<string, string?> { ["A"] = "1" }),
            new(second, new Dictionary<string, string?> { ["B"] = "2" }),
        ]));

        Assert.IsType<InvalidOperationException>(Assert.Single(failure.InnerExceptions));
        Assert.True(secondSignalled);
        Assert.True(first.TryGet("A", out var a) && a == "1");
        Assert.True(second.TryGet("B", out var b) && b == "2");
    }

    private sealed class FixedProvider(ConfigReloadGuard guard) : ValidatedConfigurationProvider(guard)
    {
        public override string Location => "fixed";

        public override IDictionary<string, string?> Read() => new Dictionary<string, string?>();
    }
}
