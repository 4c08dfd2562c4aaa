using Gateway.Proxy;

namespace Gateway.Tests.Proxy;

/// <summary>The percent-encoding rule of <see cref="AmbiguousPathGuard"/>, on paths of every length.</summary>
public sealed class AmbiguousPathGuardTests
{
    [Theory]
    [InlineData("/a%20b", true)]
    [InlineData("/caf%c3%a9", true)]
    [InlineData("/caf\u00e9", true)] // raw non-ASCII is not percent-encoding
    [InlineData("/%F0%9F%98%80", true)]
    [InlineData("/a%FF", false)]
    [InlineData("/%C0%AE", false)]
    [InlineData("/a%E2%82", false)]
    [InlineData("/a%ED%A0%80", false)]
    [InlineData("/a%", false)]
    [InlineData("/a%4", false)]
    [InlineData("/a%4g", false)]
    public void IsValidPercentEncoding(string path, bool valid) =>
        Assert.Equal(valid, AmbiguousPathGuard.IsValidPercentEncoding(path));

    [Theory]
    [InlineData(100)]
    [InlineData(171)] // 3 x 171 = 513: the first length checked off the stack
    [InlineData(5000)]
    public void LongPaths_AreCheckedWhole(int segments)
    {
        var valid = "/" + string.Concat(Enumerable.Repeat("%C3%A9", segments));

        Assert.True(AmbiguousPathGuard.IsValidPercentEncoding(valid));
        Assert.False(AmbiguousPathGuard.IsValidPercentEncoding(valid + "%FF"));
        Assert.False(AmbiguousPathGuard.IsValidPercentEncoding(valid.AsSpan()[..^3]));
    }

    [Theory]
    [InlineData("/x?q=%FF", null)]
    [InlineData("/x?q=%zz", AmbiguousPathGuard.BadPercentEncodingRefused)]
    [InlineData("/x?q=%2F", null)]
    [InlineData("/x%2F?q=1", AmbiguousPathGuard.EncodedSlashRefused)]
    [InlineData("/x%FF?q=1", AmbiguousPathGuard.BadPercentEncodingRefused)]
    [InlineData("/x?q=a%", AmbiguousPathGuard.BadPercentEncodingRefused)]
    public void Refusal(string target, string? refusal) =>
        Assert.Equal(refusal, AmbiguousPathGuard.Refusal(target));
}
