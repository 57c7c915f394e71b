using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Migrator.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class BlockerIsWait : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "BlockerIsWait",
                table: "Migrations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BlockerIsWait",
                table: "Migrations");
        }
    }
}
