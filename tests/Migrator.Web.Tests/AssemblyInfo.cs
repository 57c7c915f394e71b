// Hangfire keeps process-wide static configuration (GlobalConfiguration, JobStorage.Current); app hosts in one
// test process must therefore start one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
