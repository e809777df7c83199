"""Services orchestrate: repositories for the rows, storage for the files, the queue for jobs.
The caller (a request, a CLI command) owns the unit of work and commits it."""
