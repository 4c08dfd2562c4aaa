// The benchmark backend: a small fixed JSON answer on every path, and /jwks.json (the OAuth2
// route's keys) from the file named by --jwks. Plain HTTP on loopback; no logging on the hot path.
using System.Text;

var url = "http://127.0.0.1:5090";
string? jwksPath = null;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--url")
    {
        url = args[i + 1];
    }
    else if (args[i] == "--jwks")
    {
        jwksPath = args[i + 1];
    }
}

// Content root beside the binary: an appsettings.json in the working directory must not apply here.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(url);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var app = builder.Build();

var body = Encoding.UTF8.GetBytes("{\"status\":\"ok\",\"service\":\"bench-backend\",\"items\":[1,2,3]}");
var jwks = jwksPath is null ? null : await File.ReadAllBytesAsync(jwksPath);

app.Run(context =>
{
    var payload = jwks is not null && context.Request.Path == "/jwks.json" ? jwks : body;
    context.Response.StatusCode = 200;
    context.Response.ContentType = "application/json";
    context.Response.ContentLength = payload.Length;
    return context.Response.Body.WriteAsync(payload).AsTask();
});

await app.RunAsync();
