using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Auth.ApiKeys;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// The JSON config a test writes for the gateway: an HTTPS endpoint on 127.0.0.1:0 with the test
/// server certificate, a cluster "backend" pointing at the recording backend, and the routes and
/// credentials the test adds.
/// </summary>
public sealed class GatewayConfig
{
    private readonly JsonObject _root;

    public GatewayConfig(string backendUrl)
    {
        var (certPath, keyPath) = TestCertificates.ServerPem;
        _root = new JsonObject
        {
            ["Kestrel"] = new JsonObject
            {
                ["Endpoints"] = new JsonObject
                {
                    ["Https"] = new JsonObject
                    {
                        ["Url"] = "https://127.0.0.1:0",
                        ["Certificate"] = new JsonObject { ["Path"] = certPath, ["KeyPath"] = keyPath },
                    },
                },
            },
            ["ReverseProxy"] = new JsonObject
            {
                ["Routes"] = new JsonObject(),
                ["Clusters"] = new JsonObject
                {
                    ["backend"] = new JsonObject
                    {
                        ["Destinations"] = new JsonObject { ["d1"] = new JsonObject { ["Address"] = backendUrl } },
                    },
                },
            },
        };
    }

    private GatewayConfig(JsonObject root)
    {
        _root = root;
    }

    /// <summary>Adds a route on cluster "backend". <paramref name="auth"/> null leaves Metadata:Auth out.</summary>
    public GatewayConfig Route(string id, string path, string? auth, string? scopes = null, IDictionary<string, string>? metadata = null)
    {
        var meta = new JsonObject();
        if (auth is not null)
        {
            meta["Auth"] = auth;
        }
        if (scopes is not null)
        {
            meta["Scopes"] = scopes;
        }
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            meta[key] = value;
        }
        return Set($"ReverseProxy:Routes:{id}", new JsonObject
        {
            ["ClusterId"] = "backend",
            ["Match"] = new JsonObject { ["Path"] = path },
            ["Metadata"] = meta,
        });
    }

    /// <summary>Adds an API key client (or another key to an existing one), storing only the key's hash.</summary>
    public GatewayConfig ApiKeyClient(string name, string key, params string[] scopes)
    {
        var client = Node($"Auth:ApiKey:Clients:{name}");
        var keys = client["Keys"] as JsonArray ?? (JsonArray)(client["Keys"] = new JsonArray());
        keys.Add(KeyHash.Format(key));
        client["Scopes"] = new JsonArray(scopes.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        return this;
    }

    /// <summary>Sets any value by its config path ("Auth:Hmac:MaxSkew"), creating objects on the way.</summary>
    public GatewayConfig Set(string path, JsonNode? value)
    {
        var parts = path.Split(':');
        var parent = Node(string.Join(':', parts[..^1]));
        parent[parts[^1]] = value;
        return this;
    }

    public GatewayConfig Remove(string path)
    {
        var parts = path.Split(':');
        Node(string.Join(':', parts[..^1])).Remove(parts[^1]);
        return this;
    }

    /// <summary>Adds a plain-HTTP endpoint on 127.0.0.1:0 beside the HTTPS one.</summary>
    public GatewayConfig WithHttpEndpoint() => Set("Kestrel:Endpoints:Http", new JsonObject { ["Url"] = "http://127.0.0.1:0" });

    public GatewayConfig Clone() => new((JsonObject)_root.DeepClone());

    public string ToJson() => _root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private JsonObject Node(string path)
    {
        var node = _root;
        if (path.Length == 0)
        {
            return node;
        }
        foreach (var part in path.Split(':'))
        {
            if (node[part] is not JsonObject child)
            {
                child = new JsonObject();
                node[part] = child;
            }
            node = child;
        }
        return node;
    }
}
