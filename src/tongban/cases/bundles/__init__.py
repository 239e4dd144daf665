"""一件事 (one thing, one visit): applying once for a bundle's items, each handled by its
department; the bundle definitions themselves are the catalogue's (`catalog.bundles`)."""
