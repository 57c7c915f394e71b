using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Migrator.Core.Persistence.Schema
{
    /// <summary>
    /// The AspNet* account tables leave this context's model for the web app's MigratorIdentityDbContext (same database,
    /// own history table). Nothing is dropped or created here, in either direction: the tables and their rows stay where
    /// they are, and the web app's first account migration adopts them (it creates them only when absent).
    /// </summary>
    public partial class IdentityMovedToWeb : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
