using Gateway.Auth.OAuth2;
using Gateway.Auth.OAuth2.TokenService;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Gateway.Tests.OAuth2;

public sealed class TokenSigningKeyProviderTests : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("gw-keyprovider-").FullName;
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ReplacedKey_IsTrustedBeforeItSigns_OldKeyUntilItsTokensHaveExpired_ThenDropped()
    {
        var keyFile = Path.Combine(_directory, "key.pem");
        TokenSigningKey.CreateFile(keyFile);
        var options = new TokenServiceOptions { Enabled = true, SigningKeyFile = keyFile, TokenLifetime = Lifetime };
        using var provider = Provider(options);
        var first = provider.Refresh(options)!.Signing;
        var seenByListeners = new List<TokenSigningKeySet>();
        using var listening = ChangeToken.OnChange(provider.GetChangeToken, () => seenByListeners.Add(provider.Loaded(options)!));

        TokenSigningKey.CreateFile(keyFile);
        File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(1));
        var rotated = provider.Refresh(options)!;

        Assert.NotEqual(first.KeyId, rotated.Signing.KeyId);
        Assert.Equal([rotated.Signing.KeyId, first.KeyId], rotated.Trusted.Select(t => t.Key.KeyId));
        Assert.Equal(_time.Now + Lifetime + Skew, rotated.Trusted[1].RetireAt);
        // When the listeners (JwtBearer's options) were told, the new key was trusted and the old one still signed.
        var told = Assert.Single(seenByListeners);
        Assert.Equal(first.KeyId, told.Signing.KeyId);
        Assert.Contains(told.Trusted, t => t.Key.KeyId == rotated.Signing.KeyId);

        _time.Now += Lifetime + Skew - TimeSpan.FromSeconds(1);
        Assert.Equal(2, provider.Refresh(options)!.Trusted.Length);
        Assert.Single(seenByListeners);

        _time.Now += TimeSpan.FromSeconds(1);
        var retired = provider.Refresh(options)!;
        Assert.Equal(rotated.Signing.KeyId, Assert.Single(retired.Trusted).Key.KeyId);
        Assert.Equal(rotated.Signing.KeyId, retired.Signing.KeyId);
        Assert.Equal(2, seenByListeners.Count);
    }

    [Fact]
    public void KeyFileThatGoesBad_KeepsTheKeys_AndTellsNobody()
    {
        var keyFile = Path.Combine(_directory, "key.pem");
        TokenSigningKey.CreateFile(keyFile);
        var options = new TokenServiceOptions { Enabled = true, SigningKeyFile = keyFile, TokenLifetime = Lifetime };
        using var provider = Provider(options);
        var before = provider.Refresh(options)!;
        var told = 0;
        using var listening = ChangeToken.OnChange(provider.GetChangeToken, () => told++);

        File.WriteAllText(keyFile, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
        File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(1));

        Assert.Same(before, provider.Refresh(options));
        Assert.Equal(0, told);
    }

    [Fact]
    public void ReplacedKey_RetiresLifetimeAndSkewAfterItLastSigned_NotAfterTheFileWasRead()
    {
        var keyFile = Path.Combine(_directory, "key.pem");
        TokenSigningKey.CreateFile(keyFile);
        var options = new TokenServiceOptions { Enabled = true, SigningKeyFile = keyFile, TokenLifetime = Lifetime };
        using var provider = Provider(options);
        var first = provider.Refresh(options)!.Signing;
        // Listeners take a while to rebuild; the old key signs until they are done.
        using var listening = ChangeToken.OnChange(provider.GetChangeToken, () => _time.Now += TimeSpan.FromSeconds(3));

        TokenSigningKey.CreateFile(keyFile);
        File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(1));
        var rotated = provider.Refresh(options)!;

        Assert.NotEqual(first.KeyId, rotated.Signing.KeyId);
        Assert.Equal(_time.Now + Lifetime + Skew, Assert.Single(rotated.Trusted, t => t.Key.KeyId == first.KeyId).RetireAt);
    }

    [Fact]
    public void Loaded_BeforeAnyCheckHasDroppedARetiredKey_DoesNotTrustItAgain()
    {
        var keyFile = Path.Combine(_directory, "key.pem");
        TokenSigningKey.CreateFile(keyFile);
        var options = new TokenServiceOptions { Enabled = true, SigningKeyFile = keyFile, TokenLifetime = Lifetime };
        using var provider = Provider(options);
        var first = provider.Refresh(options)!.Signing;
        TokenSigningKey.CreateFile(keyFile);
        File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(1));
        var rotated = provider.Refresh(options)!;

        // An options rebuild (a config reload) between the retire time and the watcher's next tick.
        _time.Now += Lifetime + Skew;
        var loaded = provider.Loaded(options)!;

        Assert.Equal(rotated.Signing.KeyId, Assert.Single(loaded.Trusted).Key.KeyId);
        Assert.DoesNotContain(loaded.Trusted, t => t.Key.KeyId == first.KeyId);
    }

    [Fact]
    public void KeyFileReplacedWithTheSameSizeAndWriteTime_IsNoticedOnTheNextCheck()
    {
        var keyFile = Path.Combine(_directory, "key.pem");
        var firstPem = NewKeyPem();
        File.WriteAllText(keyFile, firstPem);
        var written = File.GetLastWriteTimeUtc(keyFile);
        var options = new TokenServiceOptions { Enabled = true, SigningKeyFile = keyFile, TokenLifetime = Lifetime };
        using var provider = Provider(options);
        var first = provider.Refresh(options)!.Signing;

        // As tar, rsync -t or kubectl cp leave it: other content, same length, same write time.
        var secondPem = NewKeyPem(sameLengthAs: firstPem);
        File.WriteAllText(keyFile, secondPem);
        File.SetLastWriteTimeUtc(keyFile, written);
        _time.Now += TokenSigningKeyWatcher.Interval;

        var keys = provider.Refresh(options)!;
        Assert.Equal(TokenSigningKey.FromPem(secondPem).KeyId, keys.Signing.KeyId);
        Assert.Equal([keys.Signing.KeyId, first.KeyId], keys.Trusted.Select(t => t.Key.KeyId));
    }

    /// <summary>A new PEM private key; with <paramref name="sameLengthAs"/>, one exactly as long as that PEM.</summary>
    internal static string NewKeyPem(string? sameLengthAs = null)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var pem = rsa.ExportPkcs8PrivateKeyPem();
            if (sameLengthAs is null || pem.Length == sameLengthAs.Length)
            {
                return pem;
            }
        }
        throw new InvalidOperationException("no key of the same PEM length in 100 attempts");
    }

    /// <summary>
    /// While one caller has staged a new key (trusted, not yet signing) and is telling the listeners,
    /// another caller sees the file change again: back to the key that signs, or on to a third key.
    /// The second caller runs inside the first one's notification, which is exactly that window.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FileChangesAgainWhileANewKeyIsStaged_TheSigningKeyNeverRetires_AndNoOtherKeyIsTrustedForever(bool onToAThirdKey)
    {
        var keyFile = Path.Combine(_directory, "key.pem");
        TokenSigningKey.CreateFile(keyFile);
        var firstPem = File.ReadAllText(keyFile);
        var options = new TokenServiceOptions { Enabled = true, SigningKeyFile = keyFile, TokenLifetime = Lifetime };
        using var provider = Provider(options);
        var first = provider.Refresh(options)!.Signing;
        var interleaved = false;
        using var listening = ChangeToken.OnChange(provider.GetChangeToken, () =>
        {
            if (interleaved)
            {
                return;
            }
            interleaved = true;
            if (onToAThirdKey)
            {
                TokenSigningKey.CreateFile(keyFile);
            }
            else
            {
                File.WriteAllText(keyFile, firstPem);
            }
            File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(2));
            provider.Refresh(options);
        });

        TokenSigningKey.CreateFile(keyFile);
        File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(1));
        var keys = provider.Refresh(options)!;

        Assert.True(interleaved);
        Assert.Same(keys, provider.Refresh(options));
        if (!onToAThirdKey)
        {
            Assert.Equal(first.KeyId, keys.Signing.KeyId);
        }
        AssertOnlyTheSigningKeyIsTrustedWithoutEnd(keys);

        // Once every replaced or withdrawn key has retired, the key that signs is still trusted.
        _time.Now += Lifetime + Skew;
        var later = provider.Refresh(options)!;
        Assert.Equal(keys.Signing.KeyId, later.Signing.KeyId);
        Assert.Equal(later.Signing.KeyId, Assert.Single(later.Trusted).Key.KeyId);
        AssertOnlyTheSigningKeyIsTrustedWithoutEnd(later);
    }

    /// <summary>
    /// Two callers on two threads: the first has staged a key and is still telling the listeners
    /// (JwtBearer rebuilding its options) when the second sees yet another key. The second key must
    /// not sign before the listeners have been told about it, which they cannot be while the first
    /// notification is still running.
    /// </summary>
    [Fact]
    public async Task SecondChangeDuringASlowNotification_DoesNotSignBeforeTheListenersTrustIt()
    {
        var keyFile = Path.Combine(_directory, "key.pem");
        TokenSigningKey.CreateFile(keyFile);
        var options = new TokenServiceOptions { Enabled = true, SigningKeyFile = keyFile, TokenLifetime = Lifetime };
        using var provider = Provider(options);
        var first = provider.Refresh(options)!.Signing;
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var seenByListeners = new List<TokenSigningKeySet>();
        using var listening = ChangeToken.OnChange(provider.GetChangeToken, () =>
        {
            lock (seenByListeners)
            {
                seenByListeners.Add(provider.Loaded(options)!);
            }
            if (!entered.IsSet)
            {
                entered.Set();
                Assert.True(release.Wait(TimeSpan.FromSeconds(30)));
            }
        });

        var secondPem = NewKeyPem();
        File.WriteAllText(keyFile, secondPem);
        File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(1));
        var slow = Task.Run(() => provider.Refresh(options));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));

        var thirdPem = NewKeyPem();
        var third = TokenSigningKey.FromPem(thirdPem).KeyId;
        File.WriteAllText(keyFile, thirdPem);
        File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(2));
        var quick = Task.Run(() => provider.Refresh(options));

        var quickReturnedFirst = await Task.WhenAny(quick, Task.Delay(TimeSpan.FromSeconds(1))) == quick;
        var signingWhileListenersBusy = provider.Loaded(options)!.Signing.KeyId;
        release.Set();
        // The second caller waits for the first notification; it cannot have let its key sign.
        Assert.False(quickReturnedFirst);
        Assert.Equal(first.KeyId, signingWhileListenersBusy);
        await slow.WaitAsync(TimeSpan.FromSeconds(30));
        var keys = await quick.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(third, keys!.Signing.KeyId);
        lock (seenByListeners)
        {
            // Told twice; the second time the third key was trusted and the first still signed.
            Assert.Equal(2, seenByListeners.Count);
            Assert.Equal(first.KeyId, seenByListeners[1].Signing.KeyId);
            Assert.Contains(seenByListeners[1].Trusted, t => t.Key.KeyId == third);
        }
    }

    private static void AssertOnlyTheSigningKeyIsTrustedWithoutEnd(TokenSigningKeySet keys)
    {
        Assert.Null(Assert.Single(keys.Trusted, t => t.Key.KeyId == keys.Signing.KeyId).RetireAt);
        Assert.All(keys.Trusted.Where(t => t.Key.KeyId != keys.Signing.KeyId), t => Assert.NotNull(t.RetireAt));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private TokenSigningKeyProvider Provider(TokenServiceOptions options) => new(
        Monitor(options),
        Monitor(new OAuth2Options { ClockSkew = Skew }),
        NullLogger<TokenSigningKeyProvider>.Instance,
        time: _time);

    private static OptionsMonitor<T> Monitor<T>(T value) where T : class =>
        new(new FixedFactory<T>(value), [], new OptionsCache<T>());

    private sealed class FixedFactory<T>(T value) : IOptionsFactory<T> where T : class
    {
        public T Create(string name) => value;
    }
}
