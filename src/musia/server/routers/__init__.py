"""One router per feature; each stays thin: parse, call a service or repository, shape."""
