"""Writes on cases, split by use case: delegations, submission, the lifecycle, the clock."""
