using System.Text;
using Gateway.Proxy;

namespace Gateway.Configuration;

/// <summary>The route table <c>validate</c> prints: route, path, strategy, scopes, cluster.</summary>
internal static class RouteTable
{
    public static string Format(IConfiguration configuration)
    {
        List<string[]> rows = [["ROUTE", "PATH", "AUTH", "SCOPES", "CLUSTER"]];
        foreach (var route in configuration.GetSection("ReverseProxy:Routes").GetChildren())
        {
            var auth = RouteAuth.Parse(GatewayConfigValidator.ReadMetadata(route), out _);
            var match = route["Match:Path"] ?? string.Join(",", route.GetSection("Match:Hosts").GetChildren().Select(h => h.Value));
            rows.Add([route.Key, match, auth?.Strategy ?? "(invalid)", auth is null || auth.Scopes.Count == 0 ? "-" : string.Join(' ', auth.Scopes), route["ClusterId"] ?? "-"]);
        }

        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }
            text.AppendLine();
        }
        return text.ToString();
    }
}
