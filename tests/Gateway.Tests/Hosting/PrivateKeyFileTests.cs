using Gateway.Auth;

namespace Gateway.Tests.Hosting;

/// <summary>Unix file modes: what the owner-only rule means there.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateKeyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gw-keyfile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void NewKeyFile_IsOwnerOnly_AndHoldsThePem()
    {
        var path = Path.Combine(_directory, "key.pem");

        PrivateKeyFile.Write(path, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        Assert.Equal("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["key.pem"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    /// <summary>
    /// A world-readable file in the way is replaced, not rewritten: whoever had it open keeps reading
    /// the old bytes, never the new key (rewriting it in place, then narrowing its mode, exposed them).
    /// </summary>
    [Fact]
    public void ExistingWorldReadableFile_IsReplaced_NotRewrittenInPlace()
    {
        var path = Path.Combine(_directory, "key.pem");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var earlierReader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        PrivateKeyFile.Write(path, "new secret key");

        using var reader = new StreamReader(earlierReader);
        Assert.Equal("old", reader.ReadToEnd());
        Assert.Equal("new secret key", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}
