"""Pages of the catalog: the public guide (portal) and the administrators' overview."""
