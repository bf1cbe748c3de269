"""Indicators: the atlas's numbers per spatial unit and year (catalogue, values, upload, aggregation,
confidentiality). The pure modules (tree, aggregation, confidentiality, spreadsheet) know no database;
see docs/indicators.md for the contract they share with the server, the plugin and the web map."""
