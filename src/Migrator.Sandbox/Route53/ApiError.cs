namespace Migrator.Sandbox.Route53;

/// <summary>An error answer as AWS would send it: HTTP status, error code, message.</summary>
public sealed record ApiError(int Status, string Code, string Message)
{
    public static ApiError InvalidInput(string message) => new(400, "InvalidInput", message);
    public static ApiError NoSuchHostedZone(string id) => new(404, "NoSuchHostedZone", $"No hosted zone found with ID: {id}");
    public static ApiError InvalidChangeBatch(IEnumerable<string> messages) => new(400, "InvalidChangeBatch", "[" + string.Join(", ", messages) + "]");
    public static ApiError PriorRequestNotComplete() =>
        new(400, "PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request.");
}

/// <summary>Either a value or the error AWS would answer with.</summary>
public readonly record struct Result<T>(T? Value, ApiError? Error)
{
    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(ApiError error) => new(default, error);
}
