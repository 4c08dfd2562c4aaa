using Gateway.Auth;
using Gateway.Auth.OAuth2.TokenService;
using Gateway.Auth.Problems;
using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.Proxy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration.Json;

namespace Gateway;

/// <summary>Builds the gateway: configuration with last-good reloads, Kestrel, the strategies, YARP.</summary>
public static class GatewayApp
{
    /// <summary>The liveness endpoint, served by the gateway itself on every endpoint.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>The readiness endpoint (config loaded, Redis reachable when configured).</summary>
    public const string ReadyPath = "/readyz";

    /// <summary>
    /// Builds the gateway and checks its whole config (the gateway's rules, Kestrel's certificates,
    /// YARP's own checks) before anything listens. Throws <see cref="GatewayConfigException"/> listing every error when the config is invalid.
    /// </summary>
    public static WebApplication Build(string[] args, string? configPath = null)
    {
        var app = BuildValidated(args, configPath, out _);

        app.UseGatewayRequestLogging();
        app.UseExceptionHandler(errorApp => errorApp.Run(context =>
            ProblemResponse.WriteAsync(context, StatusCodes.Status500InternalServerError, "the gateway could not handle this request")));
        app.Use(next => context => AmbiguousPathGuard.InvokeAsync(context, next));
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();

        // The gateway's own endpoints win over any route, whatever its Order (a catch-all route with a
        // negative Order took /healthz: probes got 401); a route on the very same path is a config error.
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().WithOrder(int.MinValue);
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous().WithOrder(int.MinValue);
        app.MapGatewayTokenService();
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(next => context => RequestBodyLimits.InvokeAsync(context, next));
            proxy.Use(next => context => ProxyErrorProblems.WriteOnErrorAsync(context, next));
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        })
        // The parsed metadata rides on each route's endpoint, so a request reads it without parsing.
        .ConfigureEndpoints((endpoint, route) => endpoint.WithMetadata(RouteAuth.Of(route)));
        // Every path: MapFallback's default pattern ({*path:nonfile}) leaves out paths that look like
        // file names ("/report.json"), which would get Kestrel's bare 404.
        app.MapFallback("{**path}", context => ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, "no route matches this request")).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The gateway as it would serve, built and its whole config checked, but without its request
    /// pipeline and not started (what <c>validate</c> needs). Throws <see cref="GatewayConfigException"/>
    /// listing every error when the config is invalid.
    /// </summary>
    internal static WebApplication BuildValidated(string[] args, string? configPath, out GatewayPaths paths)
    {
        var app = BuildUnvalidated(args, configPath, out paths);
        var errors = Validate(app);
        if (errors.Count > 0)
        {
            ((IDisposable)app).Dispose();
            throw new GatewayConfigException(errors);
        }
        return app;
    }

    /// <summary>
    /// The gateway as it would serve, built but neither validated nor started: configuration with
    /// last-good reloads, Kestrel, the strategies and YARP, with the reload guard attached. Throws
    /// <see cref="GatewayConfigException"/> when the config file is missing or does not parse.
    /// </summary>
    private static WebApplication BuildUnvalidated(string[] args, string? configPath, out GatewayPaths paths)
    {
        var builder = CreateBuilder(args, configPath, out paths);

        // Serilog reads its levels now, while the app is built: a bad one is reported before it throws.
        var logging = new Gateway.Auth.Configuration.ConfigValidationContext(builder.Configuration, paths.BaseDirectory);
        LoggingConfigValidator.Validate(logging);
        if (logging.Errors.Count > 0)
        {
            throw new GatewayConfigException(logging.Errors);
        }
        builder.AddGatewaySerilog();
        var developmentCertificate = DevelopmentSetup.ServerCertificate(builder, paths.BaseDirectory);
        KestrelSetup.Configure(builder, developmentCertificate);

        builder.Services.AddGatewayAuth(builder.Configuration);
        builder.Services.AddSingleton<IAuthorizationPolicyProvider, RouteAuthorizationPolicyProvider>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ScopeForbiddenResultHandler>();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<RouteAuthConfigFilter>()
            .AddTransforms<IdentityTransformProvider>();
        builder.Services.AddSingleton<ProxyConfigValidator>();
        builder.Services.AddHealthChecks();

        var app = builder.Build();
        var validator = app.Services.GetRequiredService<GatewayConfigValidator>();
        // YARP's checks need its registered policies and transforms, so they join once the app is built.
        validator.AttachProxyValidator(app.Services.GetRequiredService<ProxyConfigValidator>());
        if (developmentCertificate is not null)
        {
            // What Kestrel was given decides which endpoints need a certificate, now and on every reload.
            validator.AttachDevelopmentCertificate();
        }
        var configLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Configuration");
        // Watching before the guard attaches, which may apply a change that came while the app was built.
        // The subscription lives as long as the configuration it watches.
        _ = app.Services.GetRequiredService<KestrelLimitsInEffect>().WatchReloads(app.Configuration, configLogger);
        app.Services.GetRequiredService<ConfigReloadGuard>().Attach((IConfigurationRoot)app.Configuration, configLogger);
        return app;
    }

    /// <summary>Every error in the config <paramref name="app"/> was built with; none when it is valid.</summary>
    private static IReadOnlyList<string> Validate(WebApplication app) =>
        // Blocks, as YARP's own first load does in MapReverseProxy: building the app is synchronous.
        app.Services.GetRequiredService<GatewayConfigValidator>().ValidateAsync(app.Configuration).GetAwaiter().GetResult();

    /// <summary>The builder with the gateway's configuration sources in place, and what Development adds.</summary>
    private static WebApplicationBuilder CreateBuilder(string[] args, string? configPath, out GatewayPaths paths)
    {
        var configFile = ConfigFileLocator.Locate(configPath, Directory.GetCurrentDirectory());
        var baseDirectory = Path.GetDirectoryName(configFile)!;
        // The config file's directory is the content root, so the paths ASP.NET Core resolves itself
        // (Kestrel's certificate files) resolve against it like every other relative path in the config.
        // A content root set to another directory is refused rather than silently overridden.
        if (ConfigFileLocator.ContentRootConflict(args, configFile) is { } conflict)
        {
            throw new GatewayConfigException(conflict);
        }
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = Directory.Exists(baseDirectory) ? baseDirectory : null,
        });
        var validator = new GatewayConfigValidator(baseDirectory, development: builder.Environment.IsDevelopment());
        var guard = new ConfigReloadGuard(validator);
        UseValidatedSources(builder, configFile, explicitConfig: configPath is not null, guard);
        builder.Services.AddSingleton(validator);
        builder.Services.AddSingleton(guard);
        paths = new GatewayPaths(configFile, baseDirectory);
        builder.Services.AddSingleton(new Gateway.Auth.Configuration.ConfigBaseDirectory(baseDirectory));

        if (builder.Environment.IsDevelopment())
        {
            DevelopmentSetup.Prepare(builder, baseDirectory);
        }
        return builder;
    }

    /// <summary>
    /// Replaces the stock JSON sources: the gateway's file (or <c>--config FILE</c>) and, without
    /// <c>--config</c>, its environment overlay; then the secrets directory (key-per-file) beneath
    /// environment variables. All three reload through the guard and keep their last good snapshot
    /// on a bad reload.
    /// </summary>
    private static void UseValidatedSources(WebApplicationBuilder builder, string configFile, bool explicitConfig, ConfigReloadGuard guard)
    {
        var sources = builder.Configuration.Sources;
        var envFile = $"appsettings.{builder.Environment.EnvironmentName}.json";
        var replaced = new List<IConfigurationSource>();
        var insertAt = -1;
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is JsonConfigurationSource json && (json.Path == ConfigFileLocator.FileName || json.Path == envFile))
            {
                sources.RemoveAt(i);
                insertAt = i;
            }
        }
        if (insertAt < 0)
        {
            insertAt = 0;
        }

        replaced.Add(new ValidatedJsonConfigurationSource(configFile, optional: false, guard));
        if (!explicitConfig)
        {
            replaced.Add(new ValidatedJsonConfigurationSource(Path.Combine(Path.GetDirectoryName(configFile)!, envFile), optional: true, guard));
        }
        var secretsDirectory = Environment.GetEnvironmentVariable("GATEWAY_SECRETS_DIR") ?? "/run/secrets";
        if (Directory.Exists(secretsDirectory))
        {
            replaced.Add(new ValidatedKeyPerFileConfigurationSource(secretsDirectory, guard));
        }
        foreach (var source in replaced)
        {
            sources.Insert(insertAt++, source);
        }
    }
}

/// <summary>Where the config file is, and the directory relative paths in it resolve against.</summary>
public sealed record GatewayPaths(string ConfigFile, string BaseDirectory);
