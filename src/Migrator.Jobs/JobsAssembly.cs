namespace Migrator.Jobs;

/// <summary>Marker for the Hangfire jobs assembly.</summary>
public static class JobsAssembly;
