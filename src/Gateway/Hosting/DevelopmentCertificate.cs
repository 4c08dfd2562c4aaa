using System.Security.Cryptography.X509Certificates;

namespace Gateway.Hosting;

/// <summary>
/// The server certificate the Development environment serves when none is configured: the
/// localhost certificate of the development CA (as <c>certs dev</c> makes it), made on first start
/// and kept under <c>certs/dev/</c>, which git ignores.
/// </summary>
internal static class DevelopmentCertificate
{
    public static X509Certificate2 LoadOrCreate(string directory)
    {
        var certPath = Path.Combine(directory, DevCertificateAuthority.ServerCertFileName);
        var keyPath = Path.Combine(directory, DevCertificateAuthority.ServerKeyFileName);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(1))
            {
                return existing;
            }
            existing.Dispose();
        }
        var made = DevCertificateAuthority.Create(directory, []);
        return X509Certificate2.CreateFromPemFile(made.ServerCertPath, made.ServerKeyPath);
    }
}
