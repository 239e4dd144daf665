"""Writes of the exchange, one module per use case: grants, queries, the remote endpoint."""
