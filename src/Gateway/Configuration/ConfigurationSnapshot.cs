namespace Gateway.Configuration;

internal static class ConfigurationSnapshot
{
    /// <summary>
    /// Every key a provider holds, with its value; empty sections (null values) included, so a
    /// snapshot layered back into a configuration binds exactly as the provider itself would.
    /// </summary>
    public static Dictionary<string, string?> Flatten(IConfigurationProvider provider)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Walk(provider, null, data);
        return data;
    }

    private static void Walk(IConfigurationProvider provider, string? parent, Dictionary<string, string?> data)
    {
        foreach (var key in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var path = parent is null ? key : ConfigurationPath.Combine(parent, key);
            if (provider.TryGet(path, out var value))
            {
                data[path] = value;
            }
            Walk(provider, path, data);
        }
    }
}
