using Gateway.Auth.Configuration;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Infrastructure;

/// <summary>The errors the strategies' config validators find in a set of config values.</summary>
internal static class AuthConfigErrors
{
    public static IReadOnlyList<string> Of(IEnumerable<KeyValuePair<string, string?>> values, string? baseDirectory = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var context = new ConfigValidationContext(configuration, baseDirectory ?? Path.GetTempPath());
        AuthConfigValidator.Validate(context);
        return context.Errors;
    }
}
