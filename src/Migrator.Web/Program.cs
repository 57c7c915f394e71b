using Migrator.Core.Hosting;
using Migrator.Jobs.Hosting;
using Migrator.Web.Hosting;
using Migrator.Web.Route53;
using Migrator.Web.Sandbox;

var builder = WebApplication.CreateBuilder(args);
builder.AddMigratorCore();
builder.AddMigratorJobs();
builder.AddMigratorWeb();
builder.AddMigratorRoute53();
builder.AddSandboxWorld();

var app = builder.Build();
app.MapMigratorWeb();
app.MapSandboxWorld();
app.Run();
