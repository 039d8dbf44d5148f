using System.Runtime.CompilerServices;

// The package's Tests/Editor assembly checks internals (the backend in use, file status, futex counts).
[assembly: InternalsVisibleTo("Pusm.Runtime.Tests.Editor")]
