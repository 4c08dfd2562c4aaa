using System.Security.Claims;
using System.Text.Encodings.Web;
using Gateway.Auth;
using Gateway.Auth.Scopes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Scopes;

/// <summary>
/// The gateway's policy evaluator must answer exactly as ASP.NET Core's stock evaluator and
/// authorization service would for a route policy, and step aside for anything else.
/// </summary>
public sealed class GatewayPolicyEvaluatorTests
{
    private const string Scheme = "Stub";

    private static readonly AuthorizationPolicy RoutePolicy =
        new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(["read", "write"])).Build();

    [Theory]
    [InlineData(null)]             // authentication fails
    [InlineData("read write")]     // every scope
    [InlineData("read write x")]   // more than needed
    [InlineData("read")]           // one missing
    [InlineData("")]               // none
    public async Task RoutePolicy_GetsTheStockAnswer(string? scopes)
    {
        var fast = await EvaluateAsync(BuildServices(), RoutePolicy, scopes);
        var stock = await EvaluateAsync(BuildServices(), RoutePolicy, scopes, useStock: true);

        Assert.Equal(stock.Authenticated, fast.Authenticated);
        Assert.Equal(stock.Result.Succeeded, fast.Result.Succeeded);
        Assert.Equal(stock.Result.Challenged, fast.Result.Challenged);
        Assert.Equal(stock.Result.Forbidden, fast.Result.Forbidden);
        Assert.Equal(stock.MissingScope, fast.MissingScope);
        Assert.Equal(stock.ClientId, fast.ClientId);
        if (scopes == "read")
        {
            Assert.Equal("write", fast.MissingScope);
        }
    }

    [Fact]
    public async Task AnotherAuthorizationHandler_SendsEveryPolicyThroughTheStockPath()
    {
        var denyAll = new DenyAllHandler();
        var services = BuildServices(denyAll);

        var outcome = await EvaluateAsync(services, RoutePolicy, "read write");

        Assert.True(denyAll.Called);
        Assert.True(outcome.Result.Forbidden);
    }

    [Fact]
    public async Task APolicyWithOtherRequirements_TakesTheStockPath()
    {
        var policy = new AuthorizationPolicyBuilder(Scheme).RequireClaim("department", "billing").Build();

        var outcome = await EvaluateAsync(BuildServices(), policy, "read write");

        Assert.True(outcome.Authenticated);
        Assert.True(outcome.Result.Forbidden);
    }

    private static ServiceProvider BuildServices(IAuthorizationHandler? extra = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, StubHandler>(Scheme, _ => { });
        services.AddGatewayAuthorization();
        if (extra is not null)
        {
            services.AddSingleton(extra);
        }
        return services.BuildServiceProvider();
    }

    private static async Task<Outcome> EvaluateAsync(ServiceProvider services, AuthorizationPolicy policy, string? scopes, bool useStock = false)
    {
        await using var scope = services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        if (scopes is not null)
        {
            context.Request.Headers["X-Stub-Scopes"] = scopes;
        }
        IPolicyEvaluator evaluator = useStock
            ? ActivatorUtilities.CreateInstance<PolicyEvaluator>(scope.ServiceProvider)
            : scope.ServiceProvider.GetRequiredService<IPolicyEvaluator>();
        Assert.IsType(useStock ? typeof(PolicyEvaluator) : typeof(GatewayPolicyEvaluator), evaluator);

        var authenticated = await evaluator.AuthenticateAsync(policy, context);
        var result = await evaluator.AuthorizeAsync(policy, authenticated, context, resource: null);
        var missing = result.AuthorizationFailure?.FailureReasons.OfType<MissingScopeReason>().FirstOrDefault()?.Scope;
        return new Outcome(authenticated.Succeeded, result, missing, context.User.FindFirst(GatewayClaimTypes.ClientId)?.Value);
    }

    private sealed record Outcome(bool Authenticated, PolicyAuthorizationResult Result, string? MissingScope, string? ClientId);

    private sealed class StubHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-Stub-Scopes", out var scopes))
            {
                return Task.FromResult(AuthenticateResult.Fail("no stub credentials"));
            }
            var identity = GatewayIdentity.Create(Scheme.Name, "stub-client", scopes.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }
    }

    private sealed class DenyAllHandler : IAuthorizationHandler
    {
        public bool Called { get; private set; }

        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            Called = true;
            context.Fail();
            return Task.CompletedTask;
        }
    }
}
