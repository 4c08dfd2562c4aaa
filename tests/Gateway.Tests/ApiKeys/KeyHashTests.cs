using Gateway.Auth.ApiKeys;

namespace Gateway.Tests.ApiKeys;

public sealed class KeyHashTests
{
    [Fact]
    public void Format_IsSha256OfTheUtf8Key_InLowercaseHex()
    {
        // echo -n sk-live-a1b2c3d4 | sha256sum
        Assert.Equal("sha256:f7a51afdd01ccae19ce3aad88adfeddbf954da524be31ba9676524c91b9bf050", KeyHash.Format("sk-live-a1b2c3d4"));
    }

    [Theory]
    [InlineData("sha256:F7A51AFDD01CCAE19CE3AAD88ADFEDDBF954DA524BE31BA9676524C91B9BF050", true)]
    [InlineData("SHA256:f7a51afdd01ccae19ce3aad88adfeddbf954da524be31ba9676524c91b9bf050", true)]
    [InlineData("sha256:f7a51afdd01ccae19ce3aad88adfeddbf954da524be31ba9676524c91b9bf05", false)]
    [InlineData("sha256:g7a51afdd01ccae19ce3aad88adfeddbf954da524be31ba9676524c91b9bf050", false)]
    [InlineData("f7a51afdd01ccae19ce3aad88adfeddbf954da524be31ba9676524c91b9bf050", false)]
    [InlineData("sk-live-a1b2c3d4", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParse_AcceptsOnlyPrefixedSha256Hex(string? line, bool valid)
    {
        Assert.Equal(valid, KeyHash.TryParse(line, out var hash));
        Assert.Equal(valid ? 32 : 0, hash?.Length ?? 0);
    }

    [Fact]
    public void Compute_MatchesFormat_ForLongAndShortKeys()
    {
        var hash = new byte[32];
        foreach (var key in new[] { "k", new string('x', 5000) })
        {
            KeyHash.Compute(key, hash);
            Assert.True(KeyHash.TryParse(KeyHash.Format(key), out var expected));
            Assert.Equal(expected, hash);
        }
    }
}
