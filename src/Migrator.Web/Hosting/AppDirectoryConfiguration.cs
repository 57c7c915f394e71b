using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Migrator.Web.Hosting;

/// <summary>
/// Started as <c>dotnet /opt/migrator/Migrator.Web.dll</c> from another working directory, the content root (the working
/// directory) holds no appsettings.json: the app would run without its logging configuration and log nothing.
/// Then the appsettings files are read from the app's own directory instead, in the same place among the sources.
/// </summary>
public static class AppDirectoryConfiguration
{
    public static void UseAppDirectoryWhenContentRootLacksSettings(WebApplicationBuilder builder)
    {
        var contentRoot = builder.Environment.ContentRootPath;
        var appDirectory = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(contentRoot, "appsettings.json")) || !File.Exists(Path.Combine(appDirectory, "appsettings.json"))) return;

        var sources = builder.Configuration.Sources;
        var provider = new PhysicalFileProvider(appDirectory);
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not JsonConfigurationSource { Path: { } path } json || !path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase)) continue;
            sources[i] = new JsonConfigurationSource { Path = path, Optional = json.Optional, ReloadOnChange = json.ReloadOnChange, FileProvider = provider };
        }
    }
}
