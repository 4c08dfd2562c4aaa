using System.Diagnostics.CodeAnalysis;
using Gateway.Auth.Configuration;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Configuration;

/// <summary>
/// YARP's own checks of the <c>ReverseProxy</c> routes and clusters (policies, transforms, session
/// affinity, health checks), done as YARP does when it applies a config: the entries read with the
/// reader <c>LoadFromConfig</c> uses, passed through the registered config filters, then validated by
/// the app's <see cref="IConfigValidator"/>, which knows the registered policies and transforms.
/// Run before a config goes live, so that what YARP would refuse is refused whole, credentials included.
/// Errors name the route or cluster and the field, never a value: any value under <c>ReverseProxy</c>
/// may come from the secrets directory, and YARP's messages quote what they refuse.
/// </summary>
internal sealed class ProxyConfigValidator(IConfigValidator validator, IEnumerable<IProxyConfigFilter> filters)
{
    private readonly IProxyConfigFilter[] _filters = [.. filters];

    /// <summary>
    /// Adds an error naming the route or cluster for each thing YARP refuses. An entry the gateway's own
    /// rules already faulted is skipped: YARP re-checks some of the same (the match, and Metadata:Auth
    /// through the route filter), and one account of a fault is enough.
    /// </summary>
    public async Task ValidateAsync(ConfigValidationContext context)
    {
        var proxy = context.Root.GetSection("ReverseProxy");
        var (routes, clusters) = Read(context, proxy);

        var filtered = new Dictionary<string, ClusterConfig>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in proxy.GetSection("Clusters").GetChildren())
        {
            var path = $"ReverseProxy:Clusters:{entry.Key}";
            if (context.HasErrorAt(path) || !clusters.TryGetValue(entry.Key, out var cluster))
            {
                continue;
            }
            try
            {
                foreach (var filter in _filters)
                {
                    cluster = await filter.ConfigureClusterAsync(cluster, CancellationToken.None);
                }
            }
            catch (Exception ex)
            {
                context.Error(path, WithoutValues(entry, Describe(ex)));
                continue;
            }
            AddErrors(context, entry, path, await validator.ValidateClusterAsync(cluster));
            filtered[cluster.ClusterId] = cluster;
        }

        foreach (var entry in proxy.GetSection("Routes").GetChildren())
        {
            var path = $"ReverseProxy:Routes:{entry.Key}";
            if (context.HasErrorAt(path) || !routes.TryGetValue(entry.Key, out var route))
            {
                continue;
            }
            try
            {
                filtered.TryGetValue(route.ClusterId ?? "", out var cluster);
                foreach (var filter in _filters)
                {
                    route = await filter.ConfigureRouteAsync(route, cluster, CancellationToken.None);
                }
            }
            catch (Exception ex)
            {
                context.Error(path, WithoutValues(entry, Describe(ex)));
                continue;
            }
            AddErrors(context, entry, path, await validator.ValidateRouteAsync(route));
        }
    }

    /// <summary>
    /// The routes and clusters as YARP's config reader sees them, by id. The whole section is read at
    /// once; only when YARP cannot read it is each entry read alone, so that a value YARP cannot parse
    /// (a bool, a number, a time span) is reported against its entry and field.
    /// </summary>
    private static (Dictionary<string, RouteConfig> Routes, Dictionary<string, ClusterConfig> Clusters) Read(ConfigValidationContext context, IConfigurationSection proxy)
    {
        var routes = new Dictionary<string, RouteConfig>(StringComparer.OrdinalIgnoreCase);
        var clusters = new Dictionary<string, ClusterConfig>(StringComparer.OrdinalIgnoreCase);
        if (TryRead(proxy, out var whole, out _))
        {
            foreach (var cluster in whole.Clusters)
            {
                clusters[cluster.ClusterId] = cluster;
            }
            foreach (var route in whole.Routes)
            {
                routes[route.RouteId] = route;
            }
            return (routes, clusters);
        }

        foreach (var entry in proxy.GetSection("Clusters").GetChildren())
        {
            if (ReadAlone(context, entry, $"ReverseProxy:Clusters:{entry.Key}") is { } read)
            {
                clusters[entry.Key] = read.Clusters.Single();
            }
        }
        foreach (var entry in proxy.GetSection("Routes").GetChildren())
        {
            if (ReadAlone(context, entry, $"ReverseProxy:Routes:{entry.Key}") is { } read)
            {
                routes[entry.Key] = read.Routes.Single();
            }
        }
        return (routes, clusters);
    }

    private static IProxyConfig? ReadAlone(ConfigValidationContext context, IConfigurationSection entry, string path)
    {
        if (context.HasErrorAt(path))
        {
            return null;
        }
        if (TryRead(entry, out var read, out var error))
        {
            return read;
        }
        context.Error(FieldHolding(entry, error) ?? path, $"YARP cannot read it: {Unreadable(error)}");
        return null;
    }

    /// <summary>Reads <paramref name="section"/> (the whole <c>ReverseProxy</c> section, or one entry of it) with YARP's own config reader.</summary>
    private static bool TryRead(IConfigurationSection section, [NotNullWhen(true)] out IProxyConfig? config, [NotNullWhen(false)] out Exception? error)
    {
        var alone = new ConfigurationBuilder().AddInMemoryCollection(section.AsEnumerable()).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddReverseProxy().LoadFromConfig(alone.GetSection("ReverseProxy"));
        using var reader = services.BuildServiceProvider();
        try
        {
            config = reader.GetRequiredService<IProxyConfigProvider>().GetConfig();
            error = null;
            return true;
        }
        catch (Exception ex)
        {
            config = null;
            error = ex;
            return false;
        }
    }

    /// <summary>
    /// The kind of value YARP could not read, from the exception's type alone: .NET's parse messages
    /// quote the value ("String 'maybe' was not recognized as a valid Boolean.").
    /// </summary>
    private static string Unreadable(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }
        return ex switch
        {
            OverflowException => "the value is out of range for this field",
            FormatException => "the value is not in the form this field takes (a number, a time span, true or false, ...)",
            ArgumentException => "the value is not one this field accepts",
            _ => $"the value could not be read ({ex.GetType().Name})",
        };
    }

    /// <summary>
    /// The key whose value YARP's parse error quotes, when exactly one does: the message names the
    /// value but not its key. Only the key is reported.
    /// </summary>
    private static string? FieldHolding(IConfigurationSection entry, Exception error)
    {
        var message = Describe(error);
        var quoted = entry.AsEnumerable()
            .Where(kv => !string.IsNullOrEmpty(kv.Value) && message.Contains($"'{kv.Value}'", StringComparison.Ordinal))
            .Select(kv => kv.Key)
            .ToList();
        return quoted.Count == 1 ? quoted[0] : null;
    }

    /// <summary>
    /// <paramref name="message"/> with every value of <paramref name="entry"/> replaced by the field that
    /// holds it (<c>the load balancing policy &lt;LoadBalancingPolicy&gt;</c>): YARP's validation
    /// messages quote what they refuse.
    /// </summary>
    private static string WithoutValues(IConfigurationSection entry, string message)
    {
        var values = entry.AsEnumerable()
            .Where(kv => !string.IsNullOrEmpty(kv.Value) && kv.Key.Length > entry.Path.Length)
            .OrderByDescending(kv => kv.Value!.Length);
        foreach (var (key, value) in values)
        {
            var field = $"<{key[(entry.Path.Length + 1)..]}>";
            message = message.Replace($"'{value}'", field, StringComparison.Ordinal).Replace($"\"{value}\"", field, StringComparison.Ordinal);
            // Unquoted too, when long enough not to be a word of the message itself.
            if (value!.Length >= 8)
            {
                message = message.Replace(value, field, StringComparison.Ordinal);
            }
        }
        return message;
    }

    private static void AddErrors(ConfigValidationContext context, IConfigurationSection entry, string path, IList<Exception> errors)
    {
        foreach (var error in errors)
        {
            context.Error(path, WithoutValues(entry, Describe(error)));
        }
    }

    /// <summary>The message with its inner ones, where the cause often is.</summary>
    private static string Describe(Exception ex) =>
        ex.InnerException is null ? ex.Message : $"{ex.Message} {Describe(ex.InnerException)}";
}
