namespace Gateway.Auth;

/// <summary>Writes private keys so that no one but the owner can ever read them.</summary>
public static class PrivateKeyFile
{
    /// <summary>
    /// Writes <paramref name="pem"/> to <paramref name="path"/>: into a new file created owner-only
    /// (0600) from the start, then moved over the path. Writing the file and narrowing its mode
    /// afterwards left a window in which it was readable by everyone (0644 under the usual umask).
    /// </summary>
    public static void Write(string path, string pem)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(pem);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
            {
                writer.Write(pem);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
