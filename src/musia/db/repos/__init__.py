"""Repositories: the only code that writes SQL. Each takes the request's or job's session and
never commits: the caller owns the transaction."""
