"""Reports and exports built from the figures: the workbook, the incident list, and the
publication rule that protects small numbers."""
